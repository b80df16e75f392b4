"""Generate a realistic search-export corpus with known duplicates, for speed benchmarks.

Usage::

    python benchmarks/generate_corpus.py --records 80000 --out benchmarks/corpora/80k

Publications are made from the patterns of real records: titles from the labelled
benchmark sets and real exports (the start of one joined to the end of another, with some
words exchanged for others of the same vocabulary, so every publication has its own title),
real author names, real journal
names and their abbreviations, real abstracts. Each publication is found by one to five
databases (35 % of the records end up duplicates, as in a multi-database search), and each
database writes it its own way, in its own export format:

- MEDLINE, PubMed format: abbreviated (TA) and full (JT) journal, "123-9" pages, "[doi]"
  ids, "[Article in German]" titles;
- Embase, Ovid RIS: numbered lines and link lines between records, T1/A1/JF/JA tags,
  "2019//" years, dx.doi.org links;
- Scopus CSV: "Smith J.A." authors, Page start/Page end columns, a few titles with HTML tags;
- Web of Science plain text: upper-case journal, "Smith, JA" and full author names, BP/EP;
- PsycINFO, EBSCOhost RIS: full names, the page range in SP, DOIs missing more often.

On top of that, each copy may get a typo in its title, different letter case, a missing
DOI, volume, issue or pages, a year one off (online before print), a truncated author list,
and some publications come in look-alike pairs that are not duplicates ("Part 1"/"Part 2",
a conference abstract and the later article). ``truth.csv`` names every record's
publication. The generator is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from searchtrail.records import read_export, standardise

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
DATABASES = ("medline", "embase", "scopus", "wos", "psycinfo")
FILES = {
    "medline": "medline.nbib",
    "embase": "embase_ovid.ris",
    "scopus": "scopus.csv",
    "wos": "wos.txt",
    "psycinfo": "psycinfo_ebsco.ris",
}
COPIES = ((1, 0.65), (2, 0.20), (3, 0.09), (4, 0.04), (5, 0.02))
ABBREVIATIONS = {
    "journal": "J", "american": "Am", "british": "Br", "european": "Eur", "international": "Int",
    "clinical": "Clin", "medicine": "Med", "medical": "Med", "research": "Res", "review": "Rev",
    "reviews": "Rev", "science": "Sci", "sciences": "Sci", "surgery": "Surg",
    "psychology": "Psychol",
    "psychiatry": "Psychiatry", "health": "Health", "public": "Public", "society": "Soc",
    "annals": "Ann", "archives": "Arch", "disease": "Dis", "diseases": "Dis", "therapy": "Ther",
    "cancer": "Cancer", "oncology": "Oncol", "biology": "Biol", "nursing": "Nurs",
    "association": "Assoc", "academy": "Acad", "quarterly": "Q", "education": "Educ",
}  # fmt: skip
STOP = {"of", "the", "and", "in", "for", "on", "&"}


@dataclass
class Publication:
    key: str
    title: str
    authors: list[tuple[str, str]]
    journal: str
    year: int
    volume: int
    issue: int
    first_page: int
    last_page: int
    doi: str
    abstract: str
    language: str = "English"
    copies: list[str] = field(default_factory=list)


def load_patterns(
    rng: random.Random,
) -> tuple[list[str], list[tuple[str, str]], list[str], list[str]]:
    """Titles, author names, journals and abstracts from the real record sets."""
    titles, authors, journals, abstracts = [], [], [], []
    sources = sorted((DATA / "dedup").glob("*.ris")) + sorted((DATA / "exports").glob("*.ris"))
    if not sources:
        raise SystemExit(
            f"no record sets under {DATA}: the generator builds its publications from the "
            "real records of the shared benchmarks beside the repository"
        )
    for path in sources:
        parsed = read_export(path, path.name)
        for record in parsed.records:
            fields = standardise(record.fields, parsed.format)
            if len(fields["title"]) > 25:
                titles.append(fields["title"])
            for name in fields["authors"].split("\n"):
                surname, _, given = name.partition(",")
                if surname.strip() and given.strip() and surname.strip().isalpha():
                    authors.append((surname.strip(), given.strip()))
            if 5 < len(fields["journal"]) < 80 and "conference" not in fields["journal"].lower():
                journals.append(fields["journal"].strip('"'))
            if len(fields["abstract"]) > 200:
                abstracts.append(fields["abstract"])
    journals = sorted({j for j in journals if len(j.split()) >= 2})
    rng.shuffle(titles)
    return titles, sorted(set(authors)), journals, abstracts


def abbreviate(journal: str) -> str:
    words = [w for w in re.split(r"[\s:,.]+", journal) if w and w.lower() not in STOP]
    return " ".join(ABBREVIATIONS.get(w.lower(), w if len(w) <= 5 else w[:4]) for w in words)


def make_publications(count: int, rng: random.Random) -> list[Publication]:
    titles, authors, journals, abstracts = load_patterns(rng)
    vocabulary = sorted({w for t in titles for w in t.split() if w.isalpha() and len(w) > 4})
    publications = []
    for n in range(count):
        # Every publication gets its own title: the start of one real title joined to the
        # end of another, with some words exchanged (the opening ones too, as real titles
        # rarely share their first words beyond "The effect of").
        first, second = rng.choice(titles).split(), rng.choice(titles).split()
        cut_first = rng.randint(2, max(2, len(first) - 1))
        cut_second = rng.randint(1, max(1, len(second) - 1))
        words = first[:cut_first] + second[cut_second:]
        for _ in range(rng.randint(2, 4)):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        if rng.random() < 0.7:
            words[rng.randrange(min(3, len(words)))] = rng.choice(vocabulary)
        title = " ".join(words)
        start = rng.randint(1, 2400)
        publications.append(
            Publication(
                key=f"p{n:07d}",
                title=title,
                authors=[rng.choice(authors) for _ in range(rng.choice((1, 2, 3, 3, 4, 5, 6, 8)))],
                journal=rng.choice(journals),
                year=rng.randint(1990, 2024),
                volume=rng.randint(1, 250),
                issue=rng.randint(1, 12),
                first_page=start,
                last_page=start + rng.randint(3, 18),
                doi=f"10.{rng.randint(1000, 9999)}/sr.{n:07d}.{rng.randint(10, 99)}"
                if rng.random() < 0.8
                else "",
                abstract=rng.choice(abstracts) if rng.random() < 0.7 else "",
                language=rng.choice(("English",) * 9 + ("German",)),
            )
        )
    # Look-alike publications that are not duplicates: numbered parts, abstract then article.
    for n in range(0, count - 1, 97):
        first, second = publications[n], publications[n + 1]
        second.title, second.authors, second.journal = (
            first.title,
            list(first.authors),
            first.journal,
        )
        first.title, second.title = f"{first.title}. Part 1", f"{first.title}. Part 2"
        second.first_page, second.last_page = first.last_page + 1, first.last_page + 9
    return publications


def assign_copies(publications: list[Publication], records: int, rng: random.Random) -> None:
    counts, weights = zip(*COPIES, strict=True)
    total = 0
    for publication in publications:
        k = rng.choices(counts, weights)[0]
        publication.copies = rng.sample(DATABASES, k)
        total += k
        if total >= records:
            break


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 10:
        return text
    position = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.4:
        return text[:position] + text[position + 1 :]
    if kind < 0.8:
        return text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    return text[:position] + rng.choice("aeiourst") + text[position:]


def variant(p: Publication, database: str, rng: random.Random) -> dict[str, object]:
    """One database's copy of a publication, as plain values before formatting."""
    title = p.title
    if rng.random() < 0.04:
        title = typo(title, rng)
    if rng.random() < 0.08:
        title = title.title()
    authors = list(p.authors)
    if len(authors) > 5 and rng.random() < 0.3:
        authors = authors[:3]
    year = p.year + (1 if rng.random() < 0.03 else 0)
    missing = {
        name: rng.random() < rate
        for name, rate in (("doi", 0.2), ("volume", 0.03), ("issue", 0.08), ("pages", 0.04))
    }
    if database == "psycinfo" and rng.random() < 0.3:
        missing["doi"] = True
    return {
        "title": title,
        "authors": authors,
        "year": year,
        "journal": p.journal,
        "volume": "" if missing["volume"] else str(p.volume),
        "issue": "" if missing["issue"] else str(p.issue),
        "first": "" if missing["pages"] else str(p.first_page),
        "last": "" if missing["pages"] else str(p.last_page),
        "doi": "" if missing["doi"] or not p.doi else p.doi,
        "abstract": p.abstract,
        "language": p.language,
    }


def initials(given: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w)


def write_medline(copies: list[tuple[str, dict[str, object]]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for n, (_record_id, v) in enumerate(copies):
            first, last = str(v["first"]), str(v["last"])
            if first and last and len(last) == len(first) and last[:-1] == first[:-1]:
                last = last[-1:]  # MEDLINE abbreviates 123-129 as 123-9
            title = str(v["title"])
            if v["language"] != "English":
                title = f"[{title}]."
            out.write(f"PMID- {30000000 + n}\nOWN - NLM\nTI  - {title}\n")
            out.write(f"LID - {v['doi']} [doi]\n" if v["doi"] else "")
            if v["abstract"]:
                out.write(f"AB  - {v['abstract']}\n")
            for surname, given in v["authors"]:  # type: ignore[attr-defined]
                out.write(f"FAU - {surname}, {given}\nAU  - {surname} {initials(given)}\n")
            out.write(f"LA  - {str(v['language'])[:3].lower()}\n")
            out.write(f"DP  - {v['year']} Mar\nVI  - {v['volume']}\nIP  - {v['issue']}\n")
            out.write(f"PG  - {first}-{last}\n" if first else "")
            out.write(f"TA  - {abbreviate(str(v['journal']))}\nJT  - {v['journal']}\n\n")


def write_ovid(copies: list[tuple[str, dict[str, object]]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for n, (record_id, v) in enumerate(copies, start=1):
            out.write(f"{n}.\nTY  - JOUR\nID  - {record_id}\n")
            if v["doi"]:
                out.write(f"DO  - http://dx.doi.org/{v['doi']}\n")
            out.write(f"T1  - {v['title']}\n")
            for surname, given in v["authors"]:  # type: ignore[attr-defined]
                out.write(f"A1  - {surname}, {given}\n")
            out.write(f"Y1  - {v['year']}//\n")
            if v["abstract"]:
                out.write(f"N2  - {v['abstract']}\n")
            out.write(f"JF  - {v['journal']}\nJA  - {abbreviate(str(v['journal']))}\n")
            out.write(f"VL  - {v['volume']}\nIS  - {v['issue']}\n")
            if v["first"]:
                out.write(f"SP  - {v['first']}\nEP  - {v['last']}\n")
            out.write(
                "ER  -\n\nLink to the Ovid Full Text or citation: http://ovidsp.ovid.com/\n\n"
            )


def write_scopus(
    copies: list[tuple[str, dict[str, object]]], path: Path, rng: random.Random
) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        header = ["Authors", "Title", "Year", "Source title", "Volume", "Issue", "Page start",
                  "Page end", "DOI", "Abstract", "Document Type", "EID"]  # fmt: skip
        writer.writerow(header)
        for record_id, v in copies:
            title = str(v["title"])
            if rng.random() < 0.03:
                words = title.split()
                k = rng.randrange(len(words))
                words[k] = f"<i>{words[k]}</i>"
                title = " ".join(words)
            authors = list(v["authors"])  # type: ignore[call-overload]
            names = ", ".join(f"{s} {'.'.join(initials(g))}." for s, g in authors)
            row = [names, title, v["year"], v["journal"], v["volume"], v["issue"], v["first"],
                   v["last"], v["doi"], v["abstract"], "Article", record_id]  # fmt: skip
            writer.writerow(row)


def write_wos(copies: list[tuple[str, dict[str, object]]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("FN Clarivate Analytics Web of Science\nVR 1.0\n")
        for record_id, v in copies:
            authors = list(v["authors"])  # type: ignore[call-overload]
            out.write("PT J\n")
            out.write("AU " + "\n   ".join(f"{s}, {initials(g)}" for s, g in authors) + "\n")
            out.write("AF " + "\n   ".join(f"{s}, {g}" for s, g in authors) + "\n")
            out.write(f"TI {v['title']}\nSO {str(v['journal']).upper()}\nLA {v['language']}\n")
            if v["abstract"]:
                out.write(f"AB {v['abstract']}\n")
            out.write(f"PY {v['year']}\nVL {v['volume']}\nIS {v['issue']}\n")
            if v["first"]:
                out.write(f"BP {v['first']}\nEP {v['last']}\n")
            if v["doi"]:
                out.write(f"DI {v['doi']}\n")
            out.write(f"UT WOS:{30000000 + len(record_id)}\nER\n\n")
        out.write("EF\n")


def write_ebsco(copies: list[tuple[str, dict[str, object]]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\r\n") as out:
        for record_id, v in copies:
            out.write(f"TY  - JOUR\nID  - {record_id}\n")
            for surname, given in v["authors"]:  # type: ignore[attr-defined]
                out.write(f"AU  - {surname}, {given}\n")
            out.write(f"TI  - {v['title']}\nT2  - {v['journal']}\nPY  - {v['year']}\n")
            out.write(f"VL  - {v['volume']}\nIS  - {v['issue']}\n")
            if v["first"]:
                out.write(f"SP  - {v['first']}-{v['last']}\n")
            if v["doi"]:
                out.write(f"DO  - {v['doi']}\n")
            if v["abstract"]:
                out.write(f"AB  - {v['abstract']}\n")
            out.write("DP  - EBSCOhost\nER  - \n\n")


def generate(records: int, out: Path, seed: int) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    publications = make_publications(int(records / 1.5) + 100, rng)
    assign_copies(publications, records, rng)
    drafts: dict[str, list[tuple[str, dict[str, object]]]] = {d: [] for d in DATABASES}
    made = 0
    for publication in publications:
        for database in publication.copies:
            if made >= records:
                break
            drafts[database].append((publication.key, variant(publication, database, rng)))
            made += 1
    # Databases list records in their own order. The RIS files carry an ID of their own;
    # the truth names every record as `searchtrail dedup --ids position` does.
    by_database: dict[str, list[tuple[str, dict[str, object]]]] = {}
    truth: list[tuple[str, str]] = []
    for database, copies in drafts.items():
        rng.shuffle(copies)
        listed = []
        for position, (key, values) in enumerate(copies, start=1):
            own = f"{database}-{position:07d}" if database in ("embase", "psycinfo") else ""
            listed.append((own or f"{FILES[database]}:{position}", values))
            truth.append((f"{FILES[database]}:{position}", key))
        by_database[database] = listed
    out.mkdir(parents=True, exist_ok=True)
    write_medline(by_database["medline"], out / FILES["medline"])
    write_ovid(by_database["embase"], out / FILES["embase"])
    write_scopus(by_database["scopus"], out / FILES["scopus"], rng)
    write_wos(by_database["wos"], out / FILES["wos"])
    write_ebsco(by_database["psycinfo"], out / FILES["psycinfo"])
    with (out / "truth.csv").open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("record_id,duplicate_group\n")
        handle.writelines(f"{r},{g}\n" for r, g in sorted(truth))
    return {database: len(copies) for database, copies in by_database.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, required=True, help="number of records to make")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the corpus to")
    parser.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
    args = parser.parse_args(argv)
    counts = generate(args.records, args.out, args.seed)
    print(", ".join(f"{d}: {n:,}" for d, n in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
