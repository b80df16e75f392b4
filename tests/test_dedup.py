"""Deduplication: normalisation, the decision rules, groups, people's verdicts, the
stand-alone command, and accuracy on the labelled benchmark sets."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from searchtrail.dedup import compare, engine, normalise
from searchtrail.dedup.engine import deduplicate
from searchtrail.dedup.output import merged_records
from searchtrail.dedup.verdicts import questions, read_verdicts, write_questions
from searchtrail.errors import ReviewError
from searchtrail.records.fields import STANDARD_FIELDS
from searchtrail.records.identity import KnownRecords
from searchtrail.records.reader import read_export
from searchtrail.records.table import RecordColumns
from searchtrail.sheets import parse_sheet, read_sheet
from tests.conftest import REPO

LABELLED = REPO.parent / "shared" / "benchmarks" / "dedup"


def records(*rows: dict[str, str]) -> pd.DataFrame:
    """A records table; each row names its record_id and origin_id and any fields."""
    return pd.DataFrame(
        [
            {name: row.get(name, "") for name in ("record_id", "origin_id", *STANDARD_FIELDS)}
            for row in rows
        ]
    )


# A trial report as three databases give it.
TRIAL = {
    "title": "Group parent training for children with conduct problems: a randomised trial",
    "authors": "Larsen, Kari M.\nHaugland, Per\nØvreeide, Siv",
    "year": "2019",
    "journal": "Journal of Child Psychology and Psychiatry",
    "volume": "60",
    "issue": "4",
    "pages": "401-412",
    "doi": "10.1111/jcpp.13012",
}
TRIAL_EMBASE = {
    **TRIAL,
    "title": "Group parent training for children with conduct problems. A randomised trial.",
    "authors": "Larsen K.M.\nHaugland P.\nOvreeide S.",
    "journal": "J Child Psychol Psychiatry",
    "pages": "401-12",
    "doi": "https://doi.org/10.1111/JCPP.13012",
}
TRIAL_NO_DOI = {
    **TRIAL,
    "title": "Group parent training for children with conduct problems - a randomised trial",
    "authors": "Kari M Larsen\nPer Haugland\nSiv Øvreeide",
    "journal": "Journal of child psychology and psychiatry, and allied disciplines",
    "doi": "",
}


def ids(table: pd.DataFrame, result) -> dict[str, str]:
    return dict(zip(table["record_id"], result.group_ids, strict=True))


# --- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.1111/JCPP.13012", "10.1111/jcpp.13012"),
        ("doi:10.1111/jcpp.13012.", "10.1111/jcpp.13012"),
        ("http://dx.doi.org/10.1002%2F14651858.CD003018.pub3", "10.1002/14651858.cd003018.pub3"),
        ("10.1111/jcpp.13012 [doi]", "10.1111/jcpp.13012"),
        ("not a doi", ""),
    ],
)
def test_doi_forms_compare_equal(raw, expected):
    assert normalise.doi(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123-9", ("123", "129")),
        ("123–129", ("123", "129")),
        ("1198-203", ("1198", "1203")),
        ("S27-S31", ("27", "31")),
        ("e12724", ("12724", "")),
        ("No-Specified", ("", "")),
    ],
)
def test_page_ranges(raw, expected):
    assert normalise.page_range(raw) == expected


def test_titles_fold_case_punctuation_diacritics_entities_and_medline_notes():
    assert normalise.title("Foreldreveiledning i Sør-Norge: en &amp; <i>studie</i>") == (
        "foreldreveiledning i sor norge en studie"
    )
    # MEDLINE's bracketed translation of a non-English title.
    assert normalise.title("[Parent training in Norway].") == "parent training in norway"
    assert normalise.title("Ψ-scores in children [Review] [33 refs]") == "psi scores in children"
    assert normalise.title_numbers("results of phase ii part 2") == "2 2"
    # A part named in words is a number too; only after "part", and not a letter ("prendre
    # part a", "la part d un": French titles).
    assert normalise.title_numbers("wound care a narrative review part two") == "2"
    assert normalise.title_numbers("wound care part one the second look") == "1"
    assert normalise.title_numbers("prendre part a la decision la part d un patient") == ""
    # One part written three ways by three databases is one number.
    forms = ("wound care part 1", "wound care part one", "wound care part i")
    assert {normalise.title_numbers(form) for form in forms} == {"1"}


def test_author_forms_agree():
    assert normalise.author("Øvreeide, Siv") == normalise.author("Ovreeide S")
    assert normalise.author("Larsen, Kari M.") == normalise.author("Larsen KM")
    assert normalise.author_words("Kang, Si-Hyun") == normalise.author_words("Sihyun Kang")


def test_journal_abbreviations_agree():
    full = normalise.journal("The Journal of Child Psychology and Psychiatry")
    short = normalise.journal("J Child Psychol Psychiatry")
    assert normalise.journal_agreement(short, full) == 2
    assert normalise.journal_agreement(normalise.journal("Pediatrics"), full) == 0


def _fixture_journals() -> list[str]:
    """The normalised journal names of the export fixtures, and names that take each branch
    of :func:`normalise.journal_agreement` (equal, missing, stop words alone, an acronym, an
    abbreviation, one name inside another)."""
    names = set()
    for path in sorted((REPO / "tests" / "data" / "exports").rglob("*")):
        if path.suffix not in {".ris", ".nbib", ".txt", ".csv", ".bib", ".xml"}:
            continue
        try:
            parsed = read_export(path, path.name)
        except ReviewError:
            continue
        gathered = RecordColumns()
        gathered.add(parsed, origin_id=path.name)
        names.update(gathered.frame()["journal"].fillna("").astype(str))
    names.update(
        [
            "", "The", "Of the", "JAMA", "Journal of the American Medical Association",
            "J Am Med Assoc", "BMJ", "British Medical Journal", "Am J Trop Med Hyg",
            "American Journal of Tropical Medicine and Hygiene", "ICIS",
            "ICIS: Transforming Society with Digital Innovation",
            "ECIS European Conference on Information Systems", "European Conference",
            "Dtsch Med Wochenschr", "Deutsche Medizinische Wochenschrift", "Medicine",
            "Internal Medicine", "Medicine Internal", "Journal of Internal Medicine",
        ]
    )  # fmt: skip
    return sorted({normalise.journal(name) for name in names})


def test_journal_agreement_of_many_pairs_is_that_of_each_pair():
    """The array form (most pairs of different journals, told apart by their first letters)
    gives what the rule gives pair by pair, on every pair of names both ways round."""
    names = _fixture_journals()
    assert len(names) > 80  # the fixtures were read
    every = np.arange(len(names), dtype=np.int64)
    a, b = np.repeat(every, len(names)), np.tile(every, len(names))
    expected = [
        normalise.journal_agreement(names[x], names[y])
        for x, y in zip(a.tolist(), b.tolist(), strict=True)
    ]
    found = compare._journal_agreements(names, a, b)
    assert found.tolist() == expected
    assert {0, 1, 2} <= set(expected)


# --- decisions on crafted pairs -------------------------------------------------------------


def test_one_trial_from_three_databases_is_one_group_kept_once():
    table = records(
        {"record_id": "medline:1", "origin_id": "medline", **TRIAL, "pmid": "30412345"},
        {"record_id": "embase:1", "origin_id": "embase", **TRIAL_EMBASE},
        {"record_id": "psycinfo:1", "origin_id": "psycinfo", **TRIAL_NO_DOI},
    )
    result = deduplicate(table, workers=1)
    assert len(set(result.group_ids)) == 1
    assert result.kept.tolist() == [True, False, False]  # the most complete record
    pairs = result.pairs.set_index(["record_a", "record_b"])
    assert pairs.loc[("medline:1", "embase:1"), "reason"] == "same identifier"
    assert pairs.loc[("medline:1", "embase:1"), "doi"] == 1
    assert result.merge_kind.tolist() == ["", "identifier", "fuzzy"]


def test_a_typo_at_the_start_of_a_title_in_a_large_block_of_one_ending_is_found():
    """Many titles end in "a systematic review and meta-analysis of randomised controlled
    trials": more than a block is paired in full. A record whose title has a typo in its
    first letter shares nothing else with its twin (no DOI, volume or pages, and a typo in
    one of its rarest words); the block of the title's last letters, sorted by the title
    read backwards, still puts the two side by side."""
    from searchtrail.dedup.candidates import BLOCK_LIMIT, WINDOW, candidate_pairs
    from searchtrail.dedup.prepare import prepare

    ending = ": a systematic review and meta-analysis of randomised controlled trials"
    topics = [f"{chr(ord('B') + k % 20)}{'abcdefghij'[k % 10]}{k:03d} therapy" for k in range(60)]
    rows = [
        {"record_id": f"other:{k}", "origin_id": "embase", "title": topic + ending,
         "authors": f"Author{k}, A.", "year": str(2000 + k % 20), "journal": "Reviews"}
        for k, topic in enumerate(topics)
    ]  # fmt: skip
    twin = {"authors": "Larsen, Kari M.", "year": "2019", "journal": "Systematic Reviews"}
    rows.append({"record_id": "medline:1", "origin_id": "medline", **twin,
                 "title": "Parentingzq programmes for toddlers" + ending})  # fmt: skip
    rows.append({"record_id": "embase:1", "origin_id": "embase", **twin,
                 "title": "Xarentingzq programmes for toddlers" + ending})  # fmt: skip
    table = records(*rows)
    assert len(table) > BLOCK_LIMIT + 2 * WINDOW
    first, second = candidate_pairs(prepare(table))
    pairs = set(zip(first.tolist(), second.tolist(), strict=True))
    assert (len(rows) - 2, len(rows) - 1) in pairs
    # Sorted from the start, the twins lie more than a window apart in the block.
    ordered = sorted(table["title"].str.lower())
    apart = ordered.index(rows[-1]["title"].lower()) - ordered.index(rows[-2]["title"].lower())
    assert apart > WINDOW
    result = deduplicate(table, workers=1)
    assert result.group_ids[-1] == result.group_ids[-2]


def test_part_one_and_part_two_are_different_works():
    part2 = {**TRIAL, "title": TRIAL["title"] + ". Part 2", "doi": "", "pages": "413-420"}
    part1 = {**TRIAL, "title": TRIAL["title"] + ". Part 1", "doi": "", "pages": ""}
    result = deduplicate(
        records({"record_id": "a", **part1}, {"record_id": "b", **part2}), workers=1
    )
    assert result.groups == 2


def test_a_number_mistyped_in_one_title_does_not_split_a_group_whose_citations_agree():
    # One database mistypes "III and IV" in the title; all three records have the same
    # volume, pages and year, and the pair rules merge them ("same citation"). The groups'
    # check for different numbers makes the same exception, and leaves the group whole.
    title = "Radiotherapy for stage III and IV non-small-cell lung cancer: a review"
    mistyped = title.replace("III and IV", "III an dIV")
    table = records(
        {"record_id": "a", **TRIAL, "title": title},
        {"record_id": "b", **TRIAL_EMBASE, "title": title, "doi": ""},
        {"record_id": "c", **TRIAL_NO_DOI, "title": mistyped, "doi": ""},
    )
    result = deduplicate(table, workers=1)
    assert result.groups == 1
    assert not result.splits
    # Without the volume on one side, the citation does not agree, and the numbers split.
    table.loc[table["record_id"] == "b", "volume"] = ""
    result = deduplicate(table, workers=1)
    assert result.groups == 2
    assert [(s.record_a, s.record_b, s.why) for s in result.splits] == [
        ("b", "c", "their titles hold different numbers")
    ]


@pytest.mark.parametrize(
    ("change_first", "change_second"),
    [
        # Abstracts of one supplement share its pages.
        (
            {"issue": "Suppl 63", "pages": "S10-S11", "type": "Conference Abstract"},
            {"issue": "Suppl 63", "pages": "S10-S11", "type": "Conference Abstract"},
        ),
        # An electronic journal's page count, the same for many of its articles.
        ({"issue": "", "pages": "1-8"}, {"issue": "", "pages": "1-8"}),
        # Two issues whose pages each start again.
        ({"issue": "3", "pages": "20-28"}, {"issue": "4", "pages": "20-28"}),
    ],
)
def test_parts_one_and_two_with_one_citation_that_does_not_place_them_stay_apart(
    change_first, change_second
):
    """A shared volume, page range and year excuse different numbers in the titles only
    where pages place one article: not abstracts in one supplement, a range from page 1 or
    two issues, in the pair rules or in the groups."""
    title = "Tezepelumab reduces exacerbations in severe asthma: results of the PATHWAY {} study"
    rows = [
        {"record_id": "a", **TRIAL, "doi": "", "title": title.format(1), **change_first},
        {"record_id": "b", **TRIAL, "doi": "", "title": title.format(2), **change_second},
        {
            "record_id": "c",
            **TRIAL_EMBASE,
            "doi": "",
            "title": title.format(1),
            **change_first,
        },
    ]
    result = deduplicate(records(*rows), workers=1)
    groups = ids(records(*rows), result)
    assert groups["a"] == groups["c"]
    assert groups["b"] != groups["a"]


def test_different_dois_are_never_merged():
    # Same title, authors, journal and volume: without the DOIs, the rule on a long title
    # in one volume would merge them (print and online pages can differ).
    other = {**TRIAL, "doi": "10.1111/jcpp.13013", "pages": "413-424"}
    result = deduplicate(records({"record_id": "a", **TRIAL}, {"record_id": "b", **other}))
    assert result.groups == 2


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        ({"title": "Erratum: " + TRIAL["title"], "pages": "1200", "doi": ""}, "erratum"),
        (
            {
                "journal": "medRxiv",
                "doi": "10.1101/2018.11.02.18012345",
                "volume": "",
                "issue": "",
                "pages": "",
                "year": "2018",
            },
            "preprint",
        ),
        (
            {"title": "Retraction: " + TRIAL["title"], "doi": "", "pages": "1201"},
            "retraction notice",
        ),
        (
            {"title": "Retracted: " + TRIAL["title"], "doi": "", "pages": "1201"},
            "marked retracted",
        ),
    ],
)
def test_versions_of_a_work_are_linked_not_merged(change, kind):
    table = records({"record_id": "article", **TRIAL}, {"record_id": "other", **TRIAL, **change})
    result = deduplicate(table, workers=1)
    assert result.groups == 2
    [pair] = result.pairs.itertuples()
    assert pair.decision == "linked version"
    assert kind in pair.reason


def test_titles_and_authors_alone_are_a_question_for_a_person():
    bare = {"title": TRIAL["title"], "authors": TRIAL["authors"], "year": "2019"}
    book = {**bare, "journal": "Handbook of parenting programmes", "type": "CHAP"}
    result = deduplicate(records({"record_id": "a", **bare}, {"record_id": "b", **book}))
    assert result.groups == 2
    assert result.pairs["decision"].tolist() == ["uncertain"]


def test_a_group_joining_two_dois_through_a_third_record_is_split():
    # A record without a DOI looks like both of two different articles.
    twin = {**TRIAL, "doi": "10.1111/jcpp.13099", "pages": "413-424"}
    table = records(
        {"record_id": "a", **TRIAL},
        {"record_id": "b", **twin},
        {"record_id": "c", **TRIAL_NO_DOI},
    )
    result = deduplicate(table, workers=1)
    groups = ids(table, result)
    assert groups["a"] != groups["b"]
    assert groups["c"] in {groups["a"], groups["b"]}
    assert result.splits


# --- people's verdicts ------------------------------------------------------------------------


def sheet(text: str):
    return parse_sheet(text, file="screening/duplicates.csv")


VERDICT_HEADER = "record_a,record_b,verdict,note\n"


def test_verdicts_merge_a_missed_pair_and_split_a_machine_merge():
    table = records(
        {"record_id": "medline:1", "origin_id": "medline", **TRIAL},
        {"record_id": "embase:1", "origin_id": "embase", **TRIAL_EMBASE},
        {
            "record_id": "web:1",
            "origin_id": "web",
            "title": "Parent training works",
            "year": "2019",
        },
    )
    text = VERDICT_HEADER + (
        "medline:1,embase:1,not duplicate,the embase record is the conference version\n"
        "medline:1,web:1,duplicate,the blog post is the press release of the trial\n"
    )
    verdicts, _rows = read_verdicts(sheet(text), known=KnownRecords.of(table))
    assert [v.duplicate for v in verdicts] == [False, True]
    assert verdicts[0].line == 2
    result = deduplicate(table, verdicts, workers=1)
    groups = ids(table, result)
    assert groups["medline:1"] == groups["web:1"] != groups["embase:1"]
    assert result.merge_kind.tolist() == ["", "", "manual"]
    by_person = result.pairs.loc[result.pairs["decided_by"] == "person"]
    assert len(by_person) == 2
    assert all("screening/duplicates.csv:" in reason for reason in by_person["reason"])


def test_verdict_file_errors_name_the_line_and_value():
    known = KnownRecords(frozenset({"a", "b", "c"}))
    text = VERDICT_HEADER + "a,zz,duplicate,\na,b,maybe,\na,c,duplicate,\nc,a,no,\nb,b,yes,\n"
    with pytest.raises(ReviewError) as caught:
        read_verdicts(sheet(text), known=known)
    message = str(caught.value)
    assert "screening/duplicates.csv:2" in message
    assert "no record has the id 'zz'" in message
    assert "screening/duplicates.csv:3" in message
    assert "'maybe'" in message
    assert "line 4 gives the opposite verdict for the same pair" in message
    assert "a record is paired with itself" in message
    with pytest.raises(ReviewError, match="the header lacks verdict"):
        read_verdicts(sheet("record_a,record_b\na,b\n"), known=known)


def test_questions_are_asked_once_and_answers_survive_new_records(tmp_path):
    bare = {"title": TRIAL["title"], "authors": TRIAL["authors"], "year": "2019"}
    book = {**bare, "journal": "Handbook of parenting programmes", "type": "CHAP"}
    table = records(
        {"record_id": "a", "origin_id": "x", **bare}, {"record_id": "b", "origin_id": "y", **book}
    )
    result = deduplicate(table)
    asked = questions(result, table, [])
    assert [(q["record_a"], q["record_b"], q["verdict"]) for q in asked] == [("a", "b", "")]
    assert asked[0]["title_a"] == TRIAL["title"]
    assert asked[0]["journal_b"].startswith("Handbook")
    path = tmp_path / "duplicates.csv"
    write_questions(path, None, asked)
    text = path.read_text(encoding="utf-8")
    # The person answers; the file is read back and the question is not asked again,
    # also when a new record arrives in a later run.
    answered = text.replace("a,b,,", "a,b,duplicate,", 1)
    assert answered != text
    path.write_text(answered, encoding="utf-8")
    grown = pd.concat(
        [table, records({"record_id": "c", "origin_id": "z", **TRIAL_NO_DOI})], ignore_index=True
    )
    existing = read_sheet(path)
    verdicts, rows = read_verdicts(existing, known=KnownRecords.of(grown))
    assert [(v.record_a, v.record_b, v.duplicate) for v in verdicts] == [("a", "b", True)]
    again = deduplicate(grown, verdicts)
    new = questions(again, grown, rows)
    assert ("a", "b") not in {(q["record_a"], q["record_b"]) for q in new}
    assert again.group_ids[0] == again.group_ids[1]
    write_questions(path, existing, new)
    # The person's rows are kept byte for byte; new questions come after them.
    assert path.read_text(encoding="utf-8").startswith(answered)


def test_merged_record_says_where_every_field_came_from():
    table = records(
        {"record_id": "psycinfo:1", "origin_id": "psycinfo", **TRIAL_NO_DOI},
        {
            "record_id": "medline:1",
            "origin_id": "medline",
            **{**TRIAL, "doi": "", "pmid": "30412345"},
        },
        {"record_id": "embase:1", "origin_id": "embase", **{**TRIAL_EMBASE, "pages": ""}},
    )
    table["abstract"] = ["", "", "Background: conduct problems are common."]
    result = deduplicate(table, workers=1)
    assert result.groups == 1
    merged = merged_records(table, result)
    assert len(merged) == 1
    row = merged.iloc[0]
    kept = table["record_id"][result.kept].item()
    assert row["record_id"] == kept
    assert row["abstract"] == "Background: conduct problems are common."
    assert row["abstract_from"] == "embase:1"
    assert row["pmid"] == "30412345"
    assert row["pmid_from"] == "medline:1"
    assert row["doi_from"] == "embase:1"
    assert row["size"] == 3
    assert set(row["records"].split("; ")) == {"psycinfo:1", "medline:1", "embase:1"}


# --- the stand-alone command ----------------------------------------------------------------


RIS_A = """TY  - JOUR
ID  - pubmed-30412345
TI  - {title}
AU  - Larsen, Kari M.
AU  - Haugland, Per
PY  - 2019
JO  - Journal of Child Psychology and Psychiatry
VL  - 60
IS  - 4
SP  - 401
EP  - 412
DO  - 10.1111/jcpp.13012
ER  -{space}

TY  - JOUR
ID  - pubmed-29999999
TI  - Home visiting by nurses and child maltreatment: a 15-year follow-up
AU  - Olds, David L.
PY  - 1997
JO  - JAMA
VL  - 278
SP  - 637
EP  - 643
ER  -{space}
"""

CSV_B = (
    "Authors,Title,Year,Source title,Volume,Issue,Page start,Page end,DOI,EID\n"
    '"Larsen K.M., Haugland P.","{title}",2019,J Child Psychol Psychiatry,60,4,401,412,'
    "10.1111/JCPP.13012,2-s2.0-850001\n"
)


def run_dedup(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "searchtrail", "dedup", *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_dedup_command_writes_unique_records_and_groups(tmp_path):
    (tmp_path / "pubmed.ris").write_text(
        RIS_A.format(title=TRIAL["title"], space=" "), encoding="utf-8"
    )
    (tmp_path / "scopus.csv").write_text(CSV_B.format(title=TRIAL["title"]), encoding="utf-8")
    out = tmp_path / "out"
    result = run_dedup(
        str(tmp_path / "pubmed.ris"), str(tmp_path / "scopus.csv"), "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "3 records, 2 unique" in result.stdout
    assert "1 duplicates removed: 1 by identifier" in result.stdout
    assert "read " in result.stderr  # progress
    with (out / "groups.csv").open(encoding="utf-8") as handle:
        groups = list(csv.DictReader(handle))
    assert next(set(row) for row in groups) == {"record_id", "duplicate_group"}
    by_id = {row["record_id"]: row["duplicate_group"] for row in groups}
    # Own ids where the file has them; file name and the record's key where it has none
    # (first author, year and a hash of its content: the same for the same record).
    scopus = "scopus.csv:larsen2019-a4a138"
    assert set(by_id) == {"pubmed-30412345", "pubmed-29999999", scopus}
    assert by_id["pubmed-30412345"] == by_id[scopus] != by_id["pubmed-29999999"]
    unique_ris = (out / "unique.ris").read_text(encoding="utf-8")
    assert unique_ris.count("ER  - ") == 2
    unique = pd.read_csv(out / "unique.csv", dtype=str, keep_default_na=False)
    assert len(unique) == 2
    pairs = pd.read_csv(out / "pairs.csv", dtype=str, keep_default_na=False)
    assert {"record_a", "record_b", "decision", "reason"} <= set(pairs.columns)


def test_dedup_command_refuses_repeated_ids_without_a_traceback(tmp_path):
    text = RIS_A.format(title=TRIAL["title"], space=" ")
    (tmp_path / "one.ris").write_text(text, encoding="utf-8")
    (tmp_path / "two.ris").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_dedup(str(tmp_path / "one.ris"), str(tmp_path / "two.ris"), "--out", str(out))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "pubmed-30412345" in result.stderr
    assert "--ids key" in result.stderr
    again = run_dedup(
        str(tmp_path / "one.ris"), str(tmp_path / "two.ris"), "--out", str(out), "--ids", "key",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "4 records, 2 unique" in again.stdout


def test_dedup_command_asks_and_applies_verdicts(tmp_path):
    bare = "TY  - JOUR\nTI  - {t}\nAU  - Larsen, Kari M.\nPY  - 2019\nER  - \n"
    book = "TY  - CHAP\nTI  - {t}\nAU  - Larsen, Kari M.\nPY  - 2019\nT2  - Handbook\nER  - \n"
    (tmp_path / "a.ris").write_text(bare.format(t=TRIAL["title"]), encoding="utf-8")
    (tmp_path / "b.ris").write_text(book.format(t=TRIAL["title"]), encoding="utf-8")
    verdicts = tmp_path / "verdicts.csv"
    args = [str(tmp_path / "a.ris"), str(tmp_path / "b.ris"), "--out", str(tmp_path / "out")]
    first = run_dedup(*args, "--verdicts", str(verdicts))
    assert first.returncode == 0, first.stderr
    assert "1 uncertain pairs (1 new in" in first.stdout
    rows = list(csv.DictReader(io.StringIO(verdicts.read_text(encoding="utf-8"))))
    assert [(r["record_a"], r["record_b"], r["verdict"]) for r in rows] == [
        ("a.ris:larsen2019-934042", "b.ris:larsen2019-231aee", "")
    ]
    verdicts.write_text(verdicts.read_text(encoding="utf-8").replace(",,", ",dup,"), "utf-8")
    second = run_dedup(*args, "--verdicts", str(verdicts))
    assert second.returncode == 0, second.stderr
    assert "2 records, 1 unique" in second.stdout
    assert "1 by people's verdicts" in second.stdout
    assert "(0 new in" in second.stdout


# --- accuracy on the labelled sets ------------------------------------------------------------


@pytest.mark.skipif(
    not (LABELLED / "README.md").exists(),
    reason="the labelled benchmark sets are not beside the repository",
)
def test_accuracy_on_the_labelled_sets(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/dedup_accuracy.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads((tmp_path / "dedup_accuracy.json").read_text(encoding="utf-8"))
    by_set = {row["set"]: row for row in rows}
    assert len(by_set) == 8  # seven sets and the pooled line
    assert by_set["pooled"]["false_merges"] == 0
    assert by_set["pooled"]["sensitivity"] >= 0.995
    assert all(row["false_merges"] == 0 for row in rows)


def test_bib_dedupes_hard_cases_merge_no_two_publications(tmp_path):
    """bib-dedupe's own labelled pairs of hard cases (benchmarks/data, from its repository):
    no pair of two publications is merged, and the pairs of one publication merged are
    those whose records agree on an identifier. The others go to a person (uncertain: one
    record gives title, authors and year and little else, or is an online-first record
    without its DOI), are linked as versions (a record of the Proceedings of the National
    Academy of Sciences, whose name is a meeting's proceedings' too, beside one with no
    venue), or are two versions of a Cochrane review with two DOIs, which are two
    publications here."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from dedup_cases import CASES, decide_case
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    rows = [decide_case(case, tmp_path) for case in cases]
    assert not [r["case"] for r in rows if r["merged"] and not r["expected_duplicate"]]
    missed = {r["case"]: r["decision"] for r in rows if r["expected_duplicate"] and not r["merged"]}
    assert missed == {
        "abrahao_parigi_gupta_cook_2017_pnas_short_vs_full": "linked version",
        "stahl_elbeltagi_2004_cmc_missing_doi_vs_with_doi": "uncertain",
        "pare_wagner_prester_jds_2024_vs_2023_online_first": "uncertain",
        "tan_2004_2005_pub2_vs_pub3": "not duplicate",
    }


@pytest.mark.skipif(
    not (LABELLED / "README.md").exists(),
    reason="the generator needs the real record sets beside the repository",
)
def test_generated_corpus_is_deduplicated_without_false_merges(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from dedup_accuracy import score
        from generate_corpus import FILES, generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    counts = generate(3000, tmp_path / "corpus", seed=7)
    assert sum(counts.values()) == 3000
    files = [str(tmp_path / "corpus" / name) for name in FILES.values()]
    # The truth names records by their position in the generated files.
    result = run_dedup(*files, "--out", str(tmp_path / "out"), "--quiet", "--ids", "position")
    assert result.returncode == 0, result.stderr
    groups = pd.read_csv(tmp_path / "out/groups.csv", dtype=str)
    truth = pd.read_csv(tmp_path / "corpus/truth.csv", dtype=str)
    assert sorted(groups["record_id"]) == sorted(truth["record_id"])  # no record lost
    unique = pd.read_csv(tmp_path / "out/unique.csv", dtype=str, keep_default_na=False)
    kept = groups["record_id"].isin(unique["record_id"])
    figures = score(
        groups["record_id"].tolist(),
        groups["duplicate_group"].tolist(),
        kept.tolist(),
        dict(zip(truth["record_id"], truth["duplicate_group"], strict=True)),
    )
    assert figures["false_merges"] == 0
    assert figures["sensitivity"] >= 0.99


def test_verdicts_that_contradict_each_other_through_a_group_stop_the_run():
    table = records(
        {"record_id": "a", "title": "Alpha study of parent groups"},
        {"record_id": "b", "title": "Beta study of parent groups"},
        {"record_id": "c", "title": "Gamma trial of home visits"},
    )
    text = VERDICT_HEADER + "a,b,duplicate,\nb,c,duplicate,\na,c,not duplicate,\n"
    verdicts, _ = read_verdicts(sheet(text), known=KnownRecords.of(table))
    with pytest.raises(ReviewError) as caught:
        deduplicate(table, verdicts)
    message = str(caught.value)
    assert "screening/duplicates.csv:4" in message
    assert "verdicts (lines 2, 3) join them through a - b - c" in message


def test_titles_normalised_in_a_process_of_their_own_are_those_made_here(monkeypatch):
    from dataclasses import fields

    import numpy as np

    from searchtrail.dedup import prepare as preparing
    from searchtrail.dedup.files import read_files
    from tests.conftest import DATA

    exports = [*(DATA / "exports").rglob("*.ris"), *(DATA / "exports").rglob("*.nbib")]
    records, _ = read_files(sorted(exports), ids="position", skip_unreadable=True)
    here = preparing.prepare(records)
    monkeypatch.setattr(preparing, "TITLES_APART_FROM", 1)
    monkeypatch.setattr(preparing.os, "cpu_count", lambda: 2)
    started = []
    pool = preparing.ProcessPoolExecutor

    def counted(*args, **kwargs):
        started.append(kwargs)
        return pool(*args, **kwargs)

    monkeypatch.setattr(preparing, "ProcessPoolExecutor", counted)
    apart = preparing.prepare(records)
    assert started, "the titles were not normalised in a process of their own"
    assert len(records) >= 30
    for field in fields(here):
        mine, theirs = getattr(here, field.name), getattr(apart, field.name)
        if isinstance(mine, np.ndarray):
            assert mine.tolist() == theirs.tolist(), field.name
        elif isinstance(mine, preparing.TextColumn):
            assert mine.values.equals(theirs.values), field.name
        else:
            assert mine == theirs, field.name


def test_pairs_compared_among_their_own_records_compare_as_among_all():
    """Splitting a group compares only the few pairs found in conflict, among their own
    records (``Prepared.take``): every score of a pair depends on its two records alone."""
    from dataclasses import fields

    import numpy as np

    from searchtrail.dedup.candidates import candidate_pairs
    from searchtrail.dedup.compare import compare
    from searchtrail.dedup.files import read_files
    from searchtrail.dedup.prepare import prepare
    from tests.conftest import DATA

    exports = [*(DATA / "exports").rglob("*.ris"), *(DATA / "exports").rglob("*.nbib")]
    records, _ = read_files(sorted(exports), ids="position", skip_unreadable=True)
    # Each record again under the next record's authors: titles alike, authors not, which
    # sends a pair to be compared name by name.
    others = records.assign(
        record_id=records["record_id"] + "-other",
        authors=np.roll(records["authors"].to_numpy(), 1),
    )
    records = pd.concat([records, others], ignore_index=True)
    prepared = prepare(records)
    first, second = candidate_pairs(prepared)
    # Every candidate pair, and pairs of records that are no candidates (far apart, one
    # without a title, a record with itself), some of them reversed.
    rng = np.random.default_rng(7)
    extra = rng.integers(0, prepared.n, size=(200, 2))
    i = np.concatenate([first, second[:5], extra[:, 0], [0, 3]])
    j = np.concatenate([second, first[:5], extra[:, 1], [0, 3]])
    whole = compare(prepared, i, j, workers=1)
    rows = rng.permutation(np.unique(np.concatenate([i, j])))
    position = np.empty(prepared.n, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    own = compare(prepared.take(rows), position[i], position[j], workers=1)
    assert len(records) >= 60
    assert len(first) >= 5
    for field in fields(whole):
        if field.name in ("i", "j"):
            continue
        mine, theirs = getattr(whole, field.name), getattr(own, field.name)
        assert np.asarray(mine).tolist() == np.asarray(theirs).tolist(), field.name


def test_candidate_pairs_are_the_same_whatever_the_number_of_threads():
    """The keys are made in threads, several at a time; the pairs, and their order, do not
    depend on how many run at once or which finishes first (real export files, each record
    again under another record's authors so that every key has blocks)."""
    import numpy as np

    from searchtrail.dedup.candidates import candidate_pairs
    from searchtrail.dedup.files import read_files
    from searchtrail.dedup.prepare import prepare
    from tests.conftest import DATA

    exports = [*(DATA / "exports").rglob("*.ris"), *(DATA / "exports").rglob("*.nbib")]
    records, _ = read_files(sorted(exports), ids="position", skip_unreadable=True)
    others = records.assign(
        record_id=records["record_id"] + "-other",
        authors=np.roll(records["authors"].to_numpy(), 1),
    )
    prepared = prepare(pd.concat([records, others], ignore_index=True))
    one = candidate_pairs(prepared, workers=1)
    pairs = set(zip(one[0].tolist(), one[1].tolist(), strict=True))
    assert len(pairs) == len(one[0]) >= len(records)
    assert all(a < b for a, b in pairs)
    assert sorted(pairs) == list(zip(one[0].tolist(), one[1].tolist(), strict=True))
    for workers in (2, 4):
        many = candidate_pairs(prepared, workers=workers)
        assert many[0].tolist() == one[0].tolist()
        assert many[1].tolist() == one[1].tolist()


def test_a_text_paired_with_itself_is_given_the_score_rapidfuzz_gives_it():
    """Texts paired with themselves are not scored where the scorer gives them full marks;
    every pair's scores are still rapidfuzz's own, for real titles and author names paired
    with themselves and with others, and for texts with no word (empty, spaces, white space
    that Python strips and rapidfuzz does not split at in text of one byte a character)."""
    import numpy as np
    from rapidfuzz import fuzz

    from searchtrail.dedup.compare import FULL_MARKS_WITH_ITSELF, _similarities
    from searchtrail.dedup.files import read_files
    from searchtrail.dedup.prepare import prepare
    from tests.conftest import DATA

    records, _ = read_files(sorted((DATA / "exports").rglob("*.ris")), ids="position")
    prepared = prepare(records)
    odd = ["", " ", "\x85", "\xa0", " \xa0 ", "\u3000", "\x1c\u2028", "a", "\xa0b"]
    rng = np.random.default_rng(3)
    for name in ("title", "surnames", "author_words"):
        values = np.concatenate([getattr(prepared, name), np.array(odd, dtype=object)])
        n = values.size
        i = np.concatenate([np.arange(n), rng.integers(0, n, 400), np.arange(n - len(odd), n)])
        j = np.concatenate(
            [np.arange(n), rng.integers(0, n, 400), np.arange(n - len(odd), n)[::-1]]
        )
        scorers = tuple(FULL_MARKS_WITH_ITSELF)
        for scorer, scores in zip(scorers, _similarities(values, i, j, scorers, 1), strict=True):
            expected = [scorer(values[a], values[b]) for a, b in zip(i, j, strict=True)]
            assert scores.tolist() == np.asarray(expected, dtype=np.float32).tolist(), name
    assert fuzz.token_set_ratio("\xa0", "\xa0") == 100  # one byte a character: not split
    assert fuzz.token_set_ratio("\u3000", "\u3000") == 0


@pytest.mark.parametrize("suffix", ["", "\u3000"], ids=["one byte a character", "two bytes"])
def test_rapidfuzz_splits_words_only_at_white_space_python_strips(suffix):
    """The ground of FULL_MARKS_WITH_ITSELF: a character that Python's ``str.strip`` keeps
    is a word for ``fuzz.token_set_ratio``, so a text that holds one scores 100 against
    itself; checked for every character, alone (text of one, two or four bytes a character,
    as the character needs) and beside a space of two bytes."""
    import numpy as np
    from rapidfuzz import fuzz, process

    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    texts = [c + suffix for c in characters]
    scores = np.asarray(process.cpdist(texts, texts, scorer=fuzz.token_set_ratio, workers=1))
    no_word = {c for c, score in zip(characters, scores, strict=True) if score == 0}
    assert no_word <= {c for c in characters if not c.strip()}
    assert " " in no_word
    assert all(score == 100 for c, score in zip(characters, scores, strict=True) if c.strip())


@pytest.mark.parametrize(
    "values",
    [
        ["same DOI", "no", "same DOI", "title, volume and page"],
        ["a", None, "b"],
        [float("nan"), "x"],
        [],
        ["only"],
        ["b", "a", "", "é", "a"],
    ],
)
def test_the_pairs_reasons_are_the_categorical_pandas_makes(values):
    made = engine._categorical(np.array(values, dtype=object))
    expected = pd.Categorical(np.array(values, dtype=object))
    assert made.codes.tolist() == expected.codes.tolist()
    assert list(made.categories) == list(expected.categories)
