"""The files for the next tools: unique.ris (screening tools), unique.json (CSL-JSON, for
reference managers) and asreview.csv (ASReview, labelled with earlier decisions). Each is
written, read back by our reader and by rispy or pandas, and compared with the unique
records it was written from: nothing lost."""

from __future__ import annotations

import csv
import errno
import fcntl
import itertools
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import rispy

from searchtrail import fileio
from searchtrail.csvtext import restored
from searchtrail.dedup.engine import deduplicate
from searchtrail.dedup.files import read_files
from searchtrail.dedup.handoff import (
    ASREVIEW_COLUMNS,
    asreview_table,
    csl_item,
    csl_name,
    csl_type,
    write_asreview_csv,
    write_unique_json,
)
from searchtrail.dedup.output import (
    _first_and_last_page,
    concatenated,
    first_and_last_pages,
    merged_records,
    optional,
    ris_type,
    write_unique_ris,
)
from searchtrail.fileio import write_chunks
from searchtrail.layout import OUTPUTS
from searchtrail.pipeline import stage_dedup, stage_records, stage_screening
from searchtrail.records.fields import STANDARD_FIELDS
from searchtrail.screening.tools import read_tool_export
from searchtrail.sheets import read_sheet
from tests.conftest import DATA

EXPORTS = DATA / "exports"
REAL = [
    EXPORTS / name for name in ("pubmed.nbib", "scopus.csv", "ovid_psycinfo.ris", "wos_plain.txt")
]

# Values a careless writer would lose or let loose: a title a spreadsheet would run, an
# abstract over several lines (one of them looking like a RIS end tag), an organisation
# as author, letters outside ASCII, a PubMed id known only from the record's database.
HOSTILE_RIS = """\
TY  - JOUR
DB  - Ovid MEDLINE(R)
AN  - 31234567
TI  - =HYPERLINK("http://example.org","Parent training") in Tromsø: a trial
AU  - Ødegård, Åse K.
AU  - Folkehelseinstituttet,
AU  - Nguyễn, Văn An
PY  - 2019
JO  - Tidsskrift for Den norske legeforening
VL  - 139
IS  - 7
SP  - 612
EP  - 618
DO  - 10.4045/tidsskr.19.0042
AB  - Background: parents in Tromsø.
ER  - and the next line is still the abstract.
    Results: fewer conduct problems.
KW  - parenting
KW  - +conduct problems
ER  -

TY  - RPRT
TI  - -5 % readmissions: a national report
AU  - Helsedirektoratet
PY  - 2021
UR  - https://www.helsedirektoratet.no/rapporter/x
ER  -
"""


def _fold(text: object) -> str:
    return " ".join(str(text).split())


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Unique records of four real exports and a hostile RIS file, as deduplication
    merges them."""
    folder = tmp_path_factory.mktemp("inputs")
    hostile = folder / "hostile.ris"
    hostile.write_text(HOSTILE_RIS, encoding="utf-8")
    records, skipped = read_files([*REAL, hostile])
    assert skipped == []
    table = merged_records(records, deduplicate(records))
    assert (table["pmid"] != "").sum() >= 3  # PubMed ids from nbib, WoS and Ovid's AN
    return table


def _by_id(table: pd.DataFrame) -> dict[str, dict[str, str]]:
    return {str(row["record_id"]): row for row in table.astype(str).to_dict("records")}


# --- unique.ris -------------------------------------------------------------------------------


def test_unique_ris_reads_back_through_our_reader_with_nothing_lost(merged, tmp_path):
    path = tmp_path / "unique.ris"
    write_unique_ris(merged, path)
    back, skipped = read_files([path])
    assert skipped == []
    assert len(back) == len(merged)
    expected, found = _by_id(merged), _by_id(back)
    assert set(found) == set(expected)  # the ID tag carries the record id
    for record_id, want in expected.items():
        got = found[record_id]
        for name in ("title", "year", "doi", "pmid", "abstract", "journal", "volume"):
            assert _fold(got[name]) == _fold(want[name]), (record_id, name)
        assert got["authors"].split("\n") == [_fold(a) for a in want["authors"].split("\n")]
        assert got["keywords"].split("\n") == [_fold(k) for k in want["keywords"].split("\n")]


def test_unique_ris_reads_back_through_rispy_as_screening_tools_read_it(merged, tmp_path):
    path = tmp_path / "unique.ris"
    write_unique_ris(merged, path)
    entries = rispy.loads(path.read_text(encoding="utf-8"))
    assert len(entries) == len(merged)
    for entry, (_, want) in zip(entries, merged.astype(str).iterrows(), strict=True):
        assert entry["id"] == want["record_id"]
        assert _fold(entry.get("title", "")) == _fold(want["title"])
        authors = [_fold(a) for a in want["authors"].split("\n") if a.strip()]
        assert entry.get("authors", []) == authors  # one AU line each, in order
        assert entry.get("year", "") == want["year"]
        assert entry.get("doi", "") == want["doi"]
        assert entry.get("accession_number", "") == want["pmid"]  # AN: the PubMed id
        assert _fold(entry.get("abstract", "")) == _fold(want["abstract"])
        if want["pmid"]:
            assert f"PMID: {want['pmid']}" in entry["notes"]  # EPPI-Reviewer keeps notes


def test_unique_ris_keeps_the_record_id_where_eppi_reviewer_reads_it(merged, tmp_path):
    """EPPI-Reviewer's RIS filter takes its 'Old ItemID' from U1 or ID, the last one
    written: U1 is never written, so the record id in ID is what it keeps."""
    path = tmp_path / "unique.ris"
    write_unique_ris(merged, path)
    text = path.read_text(encoding="utf-8")
    assert "\nU1  - " not in text
    record = text.split("ER  - \n")[0]
    assert record.splitlines()[1].startswith("ID  - ")
    assert record.count("\nAU  - ") == len(merged["authors"].iloc[0].split("\n"))
    assert "\r" not in text


def test_unique_ris_is_the_same_bytes_every_time_and_replaced_whole(merged, tmp_path):
    path = tmp_path / "unique.ris"
    write_unique_ris(merged, path)
    first = path.read_bytes()
    write_unique_ris(merged, path)
    assert path.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["unique.ris"]


def test_a_write_that_fails_half_way_leaves_the_old_file(tmp_path):
    path = tmp_path / "unique.ris"
    path.write_text("old\n", encoding="utf-8")

    def chunks():
        yield "new part\n"
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        write_chunks(path, chunks())
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["unique.ris"]


def _pieces() -> list[str]:
    """RIS records of uneven lengths, about 3.7 KB in all."""
    return [f"TY  - JOUR\nTI  - record {n} {'x' * (n % 7) * 9}\nER  - \n" for n in range(60)]


def _goes_direct(descriptor: int) -> bool:
    return bool(fcntl.fcntl(descriptor, fcntl.F_GETFL) & getattr(os, "O_DIRECT", 0))


@pytest.fixture
def writes(monkeypatch):
    """Every write to a file open for writing straight to the disk, as (offset, bytes) at
    the moment it was made; ``refuse`` makes the system refuse them, as some file systems
    do."""
    seen: list[tuple[int, int]] = []
    write = os.write
    refuse = {"direct": False}

    def spy(descriptor: int, data) -> int:
        if _goes_direct(descriptor):
            if refuse["direct"]:
                raise OSError(errno.EINVAL, "Invalid argument")
            seen.append((os.lseek(descriptor, 0, os.SEEK_CUR), len(data)))
        return write(descriptor, data)

    monkeypatch.setattr(os, "write", spy)
    return seen, refuse


def _can_write_direct(folder: Path) -> bool:
    with (folder / "probe").open("wb") as probe:
        return fileio._write_direct(probe.fileno(), on=True)


def test_a_large_file_goes_straight_to_the_disk_in_whole_blocks_and_arrives_whole(
    tmp_path, monkeypatch, writes
):
    """Bytes go to the disk from an aligned buffer, in whole blocks (the system refuses
    other writes straight to the disk); the last part of a block goes through the file
    cache; the pieces arrive in order, each once, and the old file stays under the name
    until the new one is whole."""
    if not _can_write_direct(tmp_path):
        pytest.skip("this file system does not take writes straight to the disk")
    seen, _ = writes
    path = tmp_path / "unique.ris"
    path.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(fileio, "DIRECT_BUFFER", 2 * fileio.DIRECT_BLOCK)
    pieces = _pieces() * 11  # 40,216 bytes: 4 buffers, 1 block and 3,352 bytes more
    olds = []
    synced = []
    monkeypatch.setattr(fileio, "_DATA_SYNC", synced.append)

    def chunks():
        for n, piece in enumerate(pieces):
            olds.append(path.read_text(encoding="utf-8"))
            yield piece.encode() if n % 2 else piece

    write_chunks(path, chunks())
    text = "".join(pieces)
    assert path.read_text(encoding="utf-8") == text
    assert set(olds) == {"old\n"}
    block = fileio.DIRECT_BLOCK
    assert [offset for offset, _ in seen] == list(range(0, len(text) - block, 2 * block))
    assert [size for _, size in seen] == [2 * block] * 4 + [block]
    assert synced == []  # what goes straight to the disk needs no flush while it is written
    assert [p.name for p in tmp_path.iterdir()] == ["probe", "unique.ris"]


def test_where_the_disk_refuses_direct_writes_the_file_goes_through_the_cache_and_is_flushed_as_it_grows(
    tmp_path, monkeypatch, writes
):
    """A file system that refuses writes straight to the disk at the first of them: the
    file is written through the file cache, and every FLUSH_EVERY bytes the writing thread
    has the system put it on the disk; the pieces still arrive in order, each once, and
    the name shows the new file only after the last of them is on the disk."""
    seen, refuse = writes
    refuse["direct"] = True
    path = tmp_path / "unique.ris"
    path.write_text("old\n", encoding="utf-8")
    synced: list[tuple[int, str]] = []

    def data_sync(descriptor: int) -> None:
        assert not _goes_direct(descriptor)
        synced.append((os.fstat(descriptor).st_size, path.read_text(encoding="utf-8")))

    monkeypatch.setattr(fileio, "DIRECT_BUFFER", 64)
    monkeypatch.setattr(fileio, "FLUSH_EVERY", 100)
    monkeypatch.setattr(fileio, "_DATA_SYNC", data_sync)
    pieces = _pieces()
    write_chunks(path, (p.encode() if n % 2 else p for n, p in enumerate(pieces)))
    assert path.read_text(encoding="utf-8") == "".join(pieces)
    assert seen == []
    sizes = [size for size, _ in synced]
    assert len(sizes) == sum(map(len, pieces)) // 128  # two buffers of 64 bytes a sync
    assert all(later - earlier == 128 for earlier, later in itertools.pairwise(sizes))
    assert {seen for _, seen in synced} == {"old\n"}


def test_without_direct_writes_a_large_file_is_flushed_as_it_grows(tmp_path, monkeypatch):
    """Where the system has no writes straight to the disk (macOS, Windows), the same."""
    monkeypatch.delattr(os, "O_DIRECT", raising=False)
    monkeypatch.setattr(fileio, "DIRECT_BUFFER", 100)
    monkeypatch.setattr(fileio, "FLUSH_EVERY", 250)
    synced: list[int] = []
    monkeypatch.setattr(
        fileio, "_DATA_SYNC", lambda descriptor: synced.append(os.fstat(descriptor).st_size)
    )
    path = tmp_path / "unique.ris"
    pieces = _pieces()
    write_chunks(path, pieces)
    assert path.read_text(encoding="utf-8") == "".join(pieces)
    assert synced == list(range(300, sum(map(len, pieces)) + 1, 300))


# --- unique.json (CSL-JSON) ------------------------------------------------------------------


def test_csl_json_holds_every_unique_record_with_its_fields(merged, tmp_path):
    path = tmp_path / "unique.json"
    write_unique_json(merged, path)
    items = json.loads(path.read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == merged["record_id"].astype(str).tolist()
    for item, (_, want) in zip(items, merged.astype(str).iterrows(), strict=True):
        assert item.get("title", "") == _fold(want["title"])
        assert item.get("DOI", "") == want["doi"]
        assert item.get("PMID", "") == want["pmid"]
        assert item.get("abstract", "") == _fold(want["abstract"])
        names = [a for a in want["authors"].split("\n") if a.strip()]
        assert len(item.get("author", [])) == len(names)
        if want["year"]:
            assert item["issued"] == {"date-parts": [[int(want["year"])]]}
    hostile = next(i for i in items if i.get("DOI") == "10.4045/tidsskr.19.0042")
    assert hostile["author"] == [
        {"family": "Ødegård", "given": "Åse K."},
        {"literal": "Folkehelseinstituttet"},
        {"family": "Nguyễn", "given": "Văn An"},
    ]
    assert hostile["type"] == "article-journal"
    assert hostile["container-title"] == "Tidsskrift for Den norske legeforening"
    assert (hostile["volume"], hostile["issue"], hostile["page"]) == ("139", "7", "612-618")
    report = next(i for i in items if i.get("title", "").startswith("-5 %"))
    assert report["type"] == "report"
    assert report["author"] == [{"literal": "Helsedirektoratet"}]
    assert report["URL"] == "https://www.helsedirektoratet.no/rapporter/x"


def test_csl_json_reads_back_through_our_reader(merged, tmp_path):
    path = tmp_path / "unique.json"
    write_unique_json(merged, path)
    back, skipped = read_files([path])
    assert skipped == []
    assert len(back) == len(merged)
    for (_, got), (_, want) in zip(
        back.astype(str).iterrows(), merged.astype(str).iterrows(), strict=True
    ):
        for name in ("title", "year", "doi", "pmid", "abstract"):
            assert _fold(got[name]) == _fold(want[name]), name
        # Each name as CSL splits it, read back as "Family, Given" (or whole).
        names = [csl_name(a) for a in want["authors"].split("\n") if a.strip()]
        expected = [n.get("literal") or f"{n['family']}, {n['given']}" for n in names]
        assert [_fold(a) for a in got["authors"].split("\n") if a.strip()] == expected


def test_csl_json_is_the_same_bytes_every_time(merged, tmp_path):
    write_unique_json(merged, tmp_path / "a.json")
    write_unique_json(merged, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert json.loads(write_empty(tmp_path)) == []


def write_empty(tmp_path: Path) -> str:
    write_unique_json(pd.DataFrame(columns=["record_id"]), tmp_path / "empty.json")
    return (tmp_path / "empty.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Larsen, Ingrid M", {"family": "Larsen", "given": "Ingrid M"}),
        ("Larsen IM", {"family": "Larsen", "given": "IM"}),
        ("Strand L.", {"family": "Strand", "given": "L."}),
        ("van der Berg, Anna", {"family": "van der Berg", "given": "Anna"}),
        ("World Health Organization", {"literal": "World Health Organization"}),
        (
            "Norwegian Institute of Public Health, Oslo",
            {"literal": "Norwegian Institute of Public Health, Oslo"},
        ),
        (
            "Statens beredning för medicinsk utvärdering",
            {"literal": "Statens beredning för medicinsk utvärdering"},
        ),
    ],
)
def test_csl_names_are_split_only_where_the_parts_can_be_told(written, name):
    assert csl_name(written) == name


def test_a_csl_item_leaves_out_what_the_record_does_not_have():
    record = dict.fromkeys(
        (
            "duplicate_group", "record_id", "size", "records", "type", "title", "authors",
            "year", "journal", "volume", "issue", "pages", "doi", "pmid", "issn", "isbn", "url",
            "abstract", "keywords", "language", "publisher",
        ),
        "",
    )  # fmt: skip
    record.update(record_id="x:1", duplicate_group="g000001", size="1", year="n.d.")
    assert csl_item(record) == {
        "id": "x:1",
        "type": "article-journal",
        "note": "searchtrail duplicate group g000001",
    }


@pytest.mark.parametrize(
    ("written", "ris", "csl"),
    [
        ("JOUR", "JOUR", "article-journal"),
        ("Journal Article", "JOUR", "article-journal"),  # PubMed
        ("J", "JOUR", "article-journal"),  # Web of Science's source type
        # Document types of Scopus, Web of Science and PubMed: items printed in a journal.
        ("Review", "JOUR", "article-journal"),
        ("Letter", "JOUR", "article-journal"),
        ("Editorial Material", "JOUR", "article-journal"),
        ("Erratum", "JOUR", "article-journal"),
        ("Correction, Addition", "JOUR", "article-journal"),
        ("Article; Retracted Publication", "JOUR", "article-journal"),
        ("Article; Proceedings Paper", "JOUR", "article-journal"),
        ("Book Review", "JOUR", "article-journal"),
        ("Meeting Abstract", "CONF", "paper-conference"),
        ("Conference Abstract", "CONF", "paper-conference"),  # Embase
        ("Proceedings Paper", "CONF", "paper-conference"),
        ("Book Chapter", "CHAP", "chapter"),
        ("Article; Book Chapter", "CHAP", "chapter"),  # Web of Science, a book series
        ("Review; Book Chapter", "CHAP", "chapter"),
        ("ABST", "CONF", "paper-conference"),
        ("Case Reports; Clinical Conference; Journal Article", "JOUR", "article-journal"),
        (";", "JOUR", "article-journal"),
        ("Book", "BOOK", "book"),
        # PubMed's publication types, in its alphabetical order: the first that names one.
        ("Comparative Study; Journal Article", "JOUR", "article-journal"),
        ("English Abstract; Journal Article", "JOUR", "article-journal"),
        ("Congress", "CONF", "paper-conference"),
        ("Comparative Study", "GEN", "document"),
        ("ELEC", "GEN", "webpage"),
        # RIS's reference type, then its type of work (M3): the reference type decides
        # where it names one (TRID's "JOUR" and "RPRT" with "Web"; Scopus's "SER" does not).
        ("ELEC; Web", "GEN", "webpage"),
        ("JOUR; Web", "JOUR", "article-journal"),
        ("RPRT; Web", "RPRT", "report"),
        ("JOUR; Conference Abstract", "JOUR", "article-journal"),
        ("SER; Conference Paper", "CONF", "paper-conference"),
        # A reference type of its own decides: a conference's or a book's review or
        # editorial is not a journal article.
        ("CONF; Review", "CONF", "paper-conference"),
        ("CONF; Journal: Conference Abstract", "CONF", "paper-conference"),
        ("BOOK; Editorial", "BOOK", "book"),
        ("RPRT; Journal Article", "RPRT", "report"),
        ("PCOMM; Letter", "GEN", "document"),
        ("NEWS; Editorial", "GEN", "document"),
        ("GEN; Article", "JOUR", "article-journal"),
    ],
)
def test_a_records_type_as_its_database_writes_it_becomes_a_ris_and_a_csl_type(written, ris, csl):
    assert (ris_type(written), csl_type(written)) == (ris, csl)


# --- asreview.csv -----------------------------------------------------------------------------


def test_asreview_csv_reads_back_through_pandas_with_labels_and_nothing_lost(merged, tmp_path):
    groups = merged["duplicate_group"].astype(str).tolist()
    statuses = {
        groups[0]: "included",
        groups[1]: "excluded at screening",
        groups[2]: "excluded at eligibility",
        groups[3]: "awaiting screening",
        groups[4]: "not retrieved",
    }
    path = tmp_path / "asreview.csv"
    write_asreview_csv(merged, statuses, path)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert tuple(back.columns) == ASREVIEW_COLUMNS
    assert back["included"].tolist()[:5] == ["1", "0", "0", "", ""]
    assert set(back["included"].tolist()[5:]) <= {""}
    # As ASReview reads it: labels as numbers, unlabelled as missing.
    numeric = pd.read_csv(path)
    assert numeric["included"].tolist()[:3] == [1, 0, 0]
    assert numeric["included"].isna().sum() == len(merged) - 3
    for (_, got), (_, want) in zip(back.iterrows(), merged.astype(str).iterrows(), strict=True):
        assert got["searchtrail_id"] == want["record_id"]
        assert restored(got["title"]) == _fold(want["title"])
        assert restored(got["abstract"]) == _fold(want["abstract"])
        assert got["doi"] == want["doi"]
        assert got["year"] == want["year"]
        authors = [_fold(a) for a in want["authors"].split("\n") if a.strip()]
        assert (got["authors"].split("; ") if got["authors"] else []) == authors


def test_asreview_csv_cells_a_spreadsheet_would_run_are_neutralised(merged, tmp_path):
    path = tmp_path / "asreview.csv"
    write_asreview_csv(merged, {}, path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    titles = [row["title"] for row in rows]
    assert any(t.startswith("'=HYPERLINK(") for t in titles)
    assert any(t.startswith("'-5 %") for t in titles)
    assert not any(t[:1] in ("=", "+", "-", "@") for t in titles)
    assert path.read_bytes().count(b"\r") == 0


def test_asreview_years_are_whole_numbers_or_empty():
    table = pd.DataFrame(
        {
            "duplicate_group": ["g1", "g2"],
            "record_id": ["a:1", "a:2"],
            "title": ["One", "Two"],
            "abstract": ["", ""],
            "keywords": ["", "x\ny"],
            "authors": ["", ""],
            "year": ["2019", "in press"],
            "doi": ["", ""],
            "url": ["", ""],
        }
    )
    written = asreview_table(table, {"g2": "included"})
    assert written["year"].tolist() == ["2019", ""]
    assert written["keywords"].tolist() == ["", "x; y"]
    assert written["included"].tolist() == ["", "1"]


def test_the_pipeline_writes_the_files_for_the_next_tools_with_earlier_decisions(example):
    """The worked example: two search rounds; the decisions already made label
    asreview.csv, so screening the update starts from them."""
    stage_records(example)
    stage_dedup(example)
    placement = stage_screening(example)
    unique = pd.read_parquet(example / OUTPUTS["dedup"]["unique"])
    table = pd.read_csv(
        example / OUTPUTS["screening"]["asreview_csv"], dtype=str, keep_default_na=False
    )
    assert table["searchtrail_id"].tolist() == unique["record_id"].tolist()
    status = {p.group: p.status for p in placement.publications}
    for group, label in zip(table["duplicate_group"], table["included"], strict=True):
        expected = {"included": "1", "excluded at screening": "0"}.get(status[group], "")
        if status[group] == "excluded at eligibility":
            expected = "0"
        assert label == expected, (group, status[group])
    assert {"1", "0", ""} <= set(table["included"])
    items = json.loads((example / OUTPUTS["dedup"]["unique_json"]).read_text("utf-8"))
    assert len(items) == len(unique)
    assert len(rispy.loads((example / OUTPUTS["dedup"]["unique_ris"]).read_text("utf-8"))) == len(
        unique
    )


def test_an_asreview_export_of_the_file_is_matched_back_by_our_id(merged, tmp_path):
    """ASReview numbers the records itself (its own ``record_id``) and keeps our columns in
    the dataset it exports; the decisions come back to the records by ``searchtrail_id``."""
    path = tmp_path / "asreview.csv"
    table = write_asreview_csv(merged, {}, path)
    exported = table.assign(record_id=range(len(table)), included=["1"] + [""] * (len(table) - 1))
    exported.to_csv(tmp_path / "export.csv", index=False)
    rows = read_tool_export(read_sheet(tmp_path / "export.csv"), "asreview")
    assert [row.ids[0] for row in rows] == table["searchtrail_id"].tolist()
    assert rows[0].decision == "include"


def test_unique_ris_writes_an_abbreviated_page_range_in_full(tmp_path):
    # MEDLINE abbreviates the end of a range ("1320-35"); a screening tool reads EP as a
    # page number, so the end is written out. Other page forms are kept as they are.
    rows = [
        ("m1", "1320-35", ("1320", "1335")),
        ("m2", "e2045", ("e2045", None)),
        ("m3", "S27-S31", ("S27", "S31")),
        ("m4", "401-412", ("401", "412")),
        # BibTeX's two dashes (Zotero's and Web of Science's BibTeX), an en dash:
        ("b1", "508--513", ("508", "513")),
        ("b2", "1320--35", ("1320", "1335")),
        ("b3", "77\u201385", ("77", "85")),
        # Web of Science's "and following" marks name no last page:
        ("w1", "135-&", ("135", None)),
        ("w2", "968-+", ("968", None)),
        # A list of ranges is no one range: the first page is all of it.
        ("l1", "459-66, e106-107", ("459-66, e106-107", None)),
    ]
    records = pd.DataFrame(
        [
            {"record_id": rid, "origin_id": "o", "title": f"Title {rid}", "pages": pages}
            for rid, pages, _ in rows
        ]
    ).reindex(columns=["record_id", "origin_id", *STANDARD_FIELDS], fill_value="")
    path = tmp_path / "unique.ris"
    write_unique_ris(merged_records(records, deduplicate(records, workers=1)), path)
    entries = {e["id"]: e for e in rispy.loads(path.read_text(encoding="utf-8"))}
    for rid, _, (start, end) in rows:
        assert entries[rid]["start_page"] == start
        assert entries[rid].get("end_page") == end


# Text that JSON escapes or that is not one line, in the places a record holds it: quotes
# and backslashes alone (escaped by Arrow), and with control characters, tabs, line
# breaks, doubled spaces and Unicode spaces (escaped through Python's json).
AWKWARD = (
    'A "quoted" phrase',
    "C:\\path\\to and a \\u0041 that is text",
    'quote " and line\nbreak',
    "tab\there and a bell \x07 and \x1f unit separator",
    "  leading and trailing  ",
    "no\u00a0break\u2028line separator\u3000ideographic space",
    "ends in a backslash \\",
    '"',
    "plain words",
    "",
)


def test_csl_json_escapes_every_awkward_value_as_json_dumps_does(tmp_path):
    fields = ("title", "journal", "volume", "pages", "url", "abstract", "publisher", "doi")
    records = pd.DataFrame(
        [
            {
                "record_id": f"r{index}",
                "origin_id": "o",
                **{
                    name: AWKWARD[(index + shift) % len(AWKWARD)]
                    for shift, name in enumerate(fields)
                },
                "keywords": f"{value}\nsecond \\ keyword",
                "issn": f"1234-5678\n{value}",
            }
            for index, value in enumerate(AWKWARD)
        ]
    ).reindex(columns=["record_id", "origin_id", *STANDARD_FIELDS], fill_value="")
    merged = merged_records(records, deduplicate(records, workers=1))
    path = tmp_path / "unique.json"
    write_unique_json(merged, path)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "["
    assert lines[-2:] == ["]", ""]
    items = [line.removesuffix(",") for line in lines[1:-2]]
    expected = [
        json.dumps(csl_item(row), ensure_ascii=False)
        for row in merged.astype(str).to_dict("records")
    ]
    assert items == expected
    assert any('\\"quoted\\"' in item for item in items)  # the rows Arrow escapes are there
    assert any("\\u0007" in item for item in items)  # and the rows Python escapes
    ris = tmp_path / "unique.ris"
    write_unique_ris(merged, ris)
    entries = rispy.loads(ris.read_text(encoding="utf-8"))
    for entry, row in zip(entries, merged.astype(str).to_dict("records"), strict=True):
        assert entry["id"] == row["record_id"]
        assert entry.get("title", "") == _fold(row["title"])
        assert entry.get("abstract", "") == _fold(row["abstract"])
        assert entry.get("urls", [""]) == [_fold(row["url"])]


def test_ris_pages_split_by_arrow_match_the_rule_for_every_form():
    forms = [
        "123-145", "123-45", "1320-35", "9-12", "99-100", "0012-0019", "5-5", "10-9",
        "e2045", "S27-S31", "508--513", "77\u201385", "135-&", "968-+", "459-66, e106-107",
        " 123-145", "123 - 145", "\u0661\u0662-\u0661\u0663", "-12", "12-", "", "1-2-3",
    ]  # fmt: skip
    values = pa.array(forms, pa.large_string())
    assert first_and_last_pages(values).to_pylist() == [_first_and_last_page(v) for v in forms]


def test_a_tagged_line_or_member_is_left_out_where_its_value_is_missing():
    values = pa.array(["a", None, "c", ""], pa.large_string())
    condition = pa.array([True, True, False, True])
    pieces = optional(condition, "X  - ", values, "\n")
    assert concatenated("<", *pieces, ">").to_pylist() == ["<X  - a\n>", "<>", "<>", "<X  - \n>"]


def test_a_year_with_unusual_white_space_is_issued_in_csl_json(tmp_path):
    # Python's str.strip() takes \x1c-\x1f and \x85 as white space; int() does not.
    records = pd.DataFrame(
        [
            {"record_id": "y1", "origin_id": "o", "title": "One", "year": "\x1d2019\t\t"},
            {"record_id": "y2", "origin_id": "o", "title": "Two", "year": "\x852020"},
        ]
    ).reindex(columns=["record_id", "origin_id", *STANDARD_FIELDS], fill_value="")
    merged = merged_records(records, deduplicate(records, workers=1))
    path = tmp_path / "unique.json"
    write_unique_json(merged, path)
    items = json.loads(path.read_text(encoding="utf-8"))
    assert [item["issued"] for item in items] == [
        {"date-parts": [[2019]]},
        {"date-parts": [[2020]]},
    ]
    assert [csl_item(row)["issued"] for row in merged.astype(str).to_dict("records")] == [
        {"date-parts": [[2019]]},
        {"date-parts": [[2020]]},
    ]
