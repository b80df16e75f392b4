"""Make a labelled set for ``dedup_accuracy.py --data`` from the two public forms they come in.

Usage::

    python benchmarks/labelled_sets.py bib-dedupe DIR NAME --out FOLDER
    python benchmarks/labelled_sets.py endnote-flags FILE.xml NAME --out FOLDER

Each writes ``FOLDER/NAME.ris`` (every record in file order, ``ID`` its record id, no labels)
and ``FOLDER/NAME.truth.csv`` (``record_id,duplicate_group``, one row per record, a
singleton in a group of its own), with the RIS mapping of ``../shared/benchmarks/dedup``:
``TY`` from the entry or reference type, one ``AU`` per author, ``TI``, ``T2``, ``PY``,
``VL``, ``IS``, ``SP``/``EP`` (a range of two tokens split at ``-``, ``--`` or an en dash,
anything else whole in ``SP``), ``AB``, ``DO``, ``UR``; values on one line; CoLRev's
placeholder ``UNKNOWN`` left out.

- ``bib-dedupe``: a folder of bib-dedupe's benchmark (``records_pre_merged.csv`` with
  ``ID``, ``ENTRYTYPE``, ``title``, ``author`` joined by `` and ``, ...; and
  ``merged_record_ids.csv``, one group per line as ids joined by ``;``). The table is also
  copied to ``NAME.records.csv``, which ``dedup_protocol.py`` gives bib-dedupe.
- ``endnote-flags``: an EndNote XML export whose duplicates carry the caption
  ``Duplicate`` on every member of a set, with no links (the form of dedupe-sweep's test
  sets). Groups are rebuilt: flagged records with the same title (lower case, letters and
  digits only) are one group; a flagged record left alone joins the flagged group whose
  title starts with its own or whose own title starts with that group's (a title cut
  short), else stays alone, and each such choice is printed. The ids are
  ``rn_<rec-number>``. The groups are a reconstruction; the flags are the labels.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import defusedxml.ElementTree as SafeET

ENTRY_TYPES = {
    "article": "JOUR", "inproceedings": "CONF", "book": "BOOK", "incollection": "CHAP",
    "phdthesis": "THES", "techreport": "RPRT",
}  # fmt: skip
REFERENCE_TYPES = {
    "Journal Article": "JOUR", "Conference Proceedings": "CONF", "Conference Paper": "CONF",
    "Book": "BOOK", "Book Section": "CHAP", "Thesis": "THES", "Report": "RPRT",
    "Electronic Article": "EJOUR",
}  # fmt: skip
BIB_DEDUPE_FIELDS = (
    ("TI", "title"), ("T2", "journal"), ("T2", "booktitle"), ("PY", "year"), ("VL", "volume"),
    ("IS", "number"), ("SP", "pages"), ("AB", "abstract"), ("DO", "doi"), ("UR", "url"),
)  # fmt: skip
ENDNOTE_FIELDS = (
    ("TI", "titles/title"), ("T2", "titles/secondary-title"), ("PY", "dates/year"),
    ("VL", "volume"), ("IS", "number"), ("SP", "pages"), ("AB", "abstract"),
    ("DO", "electronic-resource-num"),
)  # fmt: skip
_RANGE = re.compile(r"(\S+?)\s*(?:--|-|\u2013)\s*(\S+)")


def _one_line(value: str | None) -> str:
    text = " ".join((value or "").split())
    return "" if text in ("UNKNOWN", "nan") else text


def ris_record(record_id: str, kind: str, fields: Iterable[tuple[str, str]]) -> str:
    """One RIS record: ``TY``, ``ID``, then each (tag, value) with a value, pages split."""
    lines = [f"TY  - {kind}", f"ID  - {record_id}"]
    for tag, raw in fields:
        value = _one_line(raw)
        if not value:
            continue
        if tag == "SP":
            pages = _RANGE.fullmatch(value)
            if pages:
                lines += [f"SP  - {pages[1]}", f"EP  - {pages[2]}"]
                continue
        lines.append(f"{tag}  - {value}")
    return "\n".join([*lines, "ER  - "]) + "\n"


def write_set(folder: Path, name: str, records: list[str], truth: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.ris").write_text("\n".join(records), encoding="utf-8")
    with (folder / f"{name}.truth.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["record_id", "duplicate_group"])
        writer.writerows(truth)
    groups = {group for _, group in truth}
    print(f"{name}: {len(truth)} records, {len(truth) - len(groups)} removable duplicates")


def from_bib_dedupe(source: Path, name: str, out: Path) -> None:
    with (source / "records_pre_merged.csv").open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    records = []
    for row in rows:
        authors = [a.strip() for a in _one_line(row.get("author")).split(" and ") if a.strip()]
        fields = [("AU", author) for author in authors]
        fields += [(tag, row.get(key, "")) for tag, key in BIB_DEDUPE_FIELDS]
        kind = ENTRY_TYPES.get(row.get("ENTRYTYPE", ""), "GEN")
        records.append(ris_record(row["ID"], kind, fields))
    group: dict[str, str] = {}
    with (source / "merged_record_ids.csv").open(encoding="utf-8", newline="") as merged:
        for n, line in enumerate(csv.DictReader(merged)):
            for record_id in line["merged_ids"].split(";"):
                group[record_id.strip()] = f"m{n:05d}"
    write_set(out, name, records, [(r["ID"], group.get(r["ID"], f"s_{r['ID']}")) for r in rows])
    shutil.copyfile(source / "records_pre_merged.csv", out / f"{name}.records.csv")


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _key(title: str) -> str:
    return re.sub(r"[^a-z0-9]", "", title.lower())


def from_endnote_flags(source: Path, name: str, out: Path) -> None:
    records, rows = [], []
    root = SafeET.parse(source).getroot()
    if root is None:
        raise SystemExit(f"{source}: expected an EndNote XML export; the file has no root element")
    for record in root.iter("record"):
        record_id = "rn_" + _text(record.find("rec-number"))
        kind = record.find("ref-type")
        fields = [("AU", _text(a)) for a in record.findall("contributors/authors/author")]
        fields += [(tag, _text(record.find(path))) for tag, path in ENDNOTE_FIELDS]
        fields += [("UR", _text(u)) for u in record.findall("urls/related-urls/url")]
        type_name = kind.get("name", "") if kind is not None else ""
        records.append(ris_record(record_id, REFERENCE_TYPES.get(type_name, "GEN"), fields))
        flagged = _text(record.find("caption")) == "Duplicate"
        rows.append((record_id, _key(_text(record.find("titles/title"))), flagged))
    by_title: dict[str, list[str]] = {}
    for record_id, key, flagged in rows:
        if flagged:
            by_title.setdefault(key, []).append(record_id)
    alone = sorted(key for key, ids in by_title.items() if len(ids) == 1)
    for key in alone:
        if len(by_title.get(key, ())) != 1:
            continue
        partners = sorted(
            other
            for other in by_title
            if other != key and key and other and (other.startswith(key) or key.startswith(other))
        )
        if partners:
            print(f"{by_title[key][0]} (flagged alone) joins {', '.join(by_title[partners[0]])}")
            by_title[partners[0]] += by_title.pop(key)
        else:
            print(f"{by_title[key][0]} (flagged alone) has no flagged partner; kept alone")
    group = {rid: f"t{n:05d}" for n, ids in enumerate(by_title.values()) for rid in ids}
    write_set(out, name, records, [(rid, group.get(rid, f"s_{rid}")) for rid, _, _ in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("form", choices=("bib-dedupe", "endnote-flags"))
    parser.add_argument("source", type=Path)
    parser.add_argument("name")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    convert = from_bib_dedupe if args.form == "bib-dedupe" else from_endnote_flags
    convert(args.source, args.name, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
