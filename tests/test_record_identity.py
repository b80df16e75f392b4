"""A decision or verdict stays with the record it was made on, whatever the export's order.

Exports are made again: a database sorts by relevance one day and by date the next, a
rerun adds records in front, a reference manager writes them in its own order. A record's
id is its accession or a fingerprint of what it says (docs/screening.md, "Record ids"), so
none of this moves a decision to another record; an id that names a position, as ids did
before, is refused with the record now at that position, and ``searchtrail screening
migrate`` rewrites such ids once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchtrail.cli import main
from searchtrail.errors import ReviewError
from searchtrail.fileio import PREVIOUS
from searchtrail.pipeline import assess
from searchtrail.records.fields import standardiser
from searchtrail.records.identity import KEY_FIELDS, record_key, record_keys
from searchtrail.records.reader import read_export
from tests.conftest import run_records_steps
from tests.reviews import REASONS, ReviewFiles, Work, build, record_id, ris, rows
from tests.test_worked_example import round_one_only, with_a_web_summary

STAGE_FILES = ("removed", "title_abstract", "retrieval", "full_text", "studies")


def by_title(reports: dict[str, str], directory: Path) -> dict[str, dict[str, str]]:
    """flow.csv's rows by the title of the record each names."""
    records = pd.read_parquet(
        directory / "reports/data/records.parquet", columns=["record_id", "title"]
    )
    title = dict(zip(records["record_id"], records["title"], strict=True))
    return {title[row["record_id"]]: row for row in rows(reports["reports/flow.csv"])}


def screened_review(*, pmids: bool) -> ReviewFiles:
    """Three publications from MEDLINE: 0 included, 1 excluded at title/abstract, 2 not
    retrieved."""
    review = ReviewFiles()
    review.search("medline-1", identified=3, export=[0, 1, 2], pmids=pmids)
    return review


def ids_of(directory: Path, origin: str) -> list[str]:
    records = pd.read_parquet(
        directory / "reports/data/records.parquet", columns=["record_id", "origin_id"]
    )
    return [
        r for r, o in zip(records["record_id"], records["origin_id"], strict=True) if o == origin
    ]


@pytest.mark.parametrize("pmids", [True, False], ids=["accessions", "fingerprints"])
def test_decisions_stay_with_their_records_when_the_export_is_sorted_otherwise(tmp_path, pmids):
    """The export is made again in reverse order with a new record in front: each decision
    still applies to the publication it was made on, and the new record awaits one."""
    review = screened_review(pmids=pmids)
    directory = review.write(tmp_path / "review")
    run_records_steps(directory)
    first, second, third = ids_of(directory, "medline-1")
    review.decide("title_abstract", first, "include")
    review.decide("title_abstract", second, "exclude")
    review.decide("title_abstract", third, "include")
    review.decide("retrieval", third, "no")
    review.decide("full_text", first, "include", "")
    before = by_title(build(review.write(directory)), directory)

    export = directory / "searches/exports/medline-1.ris"
    export.write_text(ris([3, 2, 1, 0], pmids=pmids), encoding="utf-8")
    log = directory / "searches/log.yaml"
    log.write_text(log.read_text("utf-8").replace("identified: 3", "identified: 4"), "utf-8")
    after = by_title(build(directory), directory)

    for key, status in ((0, "included"), (1, "excluded at screening"), (2, "not retrieved")):
        title = Work(key).title
        assert before[title]["status"] == after[title]["status"] == status, title
        assert before[title]["record_id"] == after[title]["record_id"]
    assert after[Work(3).title]["status"] == "awaiting screening"
    if pmids:
        assert after[Work(1).title]["record_id"] == record_id("medline-1", 1)


def test_a_record_whose_content_changes_loses_its_decision_loudly(tmp_path):
    """A record without an accession is known by what it says. Corrected in the database
    (another title), it is another record: the decision made on the old one stops the run,
    naming it, and is never applied to a record nobody decided on."""
    review = screened_review(pmids=False)
    directory = review.write(tmp_path / "review")
    run_records_steps(directory)
    first, second, _ = ids_of(directory, "medline-1")
    review.decide("title_abstract", first, "include")
    review.decide("title_abstract", second, "exclude")
    review.write(directory)
    export = directory / "searches/exports/medline-1.ris"
    export.write_text(
        export.read_text("utf-8").replace(Work(1).title, Work(1).title + " (corrected)"), "utf-8"
    )
    with pytest.raises(ReviewError) as caught:
        assess(directory)
    message = str(caught.value)
    assert f"screening/title_abstract.csv:3: record {second}" in message
    assert f"no record has the id '{second}'" in message


def test_copies_of_one_record_in_one_export_are_numbered_in_order(tmp_path):
    """MEDLINE's export holds publication 0 twice: the second copy is ``~2``; a decision on
    either is a decision on the publication."""
    review = ReviewFiles()
    review.search("medline-1", identified=3, export=[0, 1, 0])
    review.decide("title_abstract", record_id("medline-1", 0, copy=2), "exclude")
    review.decide("title_abstract", record_id("medline-1", 1), "include")
    directory = review.write(tmp_path)
    reports = build(directory)
    assert ids_of(directory, "medline-1") == [
        "medline-1:pmid-30000000",
        "medline-1:pmid-30000001",
        "medline-1:pmid-30000000~2",
    ]
    flow = {row["record_id"]: row for row in rows(reports["reports/flow.csv"])}
    assert flow["medline-1:pmid-30000000"]["status"] == "excluded at screening"


def test_a_verdict_follows_its_records_when_an_export_is_sorted_otherwise(tmp_path):
    """A person answers 'duplicate' about the web summary of the PT-Nord trial. Google
    Scholar's records are then exported again, in reverse order: the answer still joins
    the same two records, and nothing is asked again."""
    target = with_a_web_summary(round_one_only(tmp_path / "parenting"))
    assert main(["stage", "records", str(target), "--quiet"]) == 0
    assert main(["stage", "dedup", str(target), "--quiet"]) == 0
    verdicts = target / "screening/duplicates.csv"
    text = verdicts.read_text("utf-8")
    assert "medline-1:pmid-30811234,web-1:larsen2019-22310a,," in text
    verdicts.write_text(
        text.replace(",web-1:larsen2019-22310a,,", ",web-1:larsen2019-22310a,duplicate,"), "utf-8"
    )
    export = target / "searches/exports/web-1.ris"
    blocks = [b for b in re.split(r"\n(?=TY  - )", export.read_text("utf-8").strip()) if b]
    assert len(blocks) == 3
    export.write_text("\n\n".join(reversed(blocks)) + "\n", encoding="utf-8")
    assert main(["stage", "records", str(target), "--quiet"]) == 0
    assert main(["stage", "dedup", str(target), "--quiet"]) == 0
    assert verdicts.read_text("utf-8").count("web-1:larsen2019-22310a") == 1
    groups = pd.read_parquet(target / "reports/data/groups.parquet")
    group_of = dict(zip(groups["record_id"], groups["duplicate_group"], strict=True))
    assert group_of["web-1:larsen2019-22310a"] == group_of["medline-1:pmid-30811234"]


# --- ids that name a position ------------------------------------------------------------------


def positional(directory: Path) -> dict[str, str]:
    """Every record id of the review -> ``<origin>:<position>``."""
    records = pd.read_parquet(
        directory / "reports/data/records.parquet", columns=["record_id", "origin_id", "position"]
    )
    return {
        r: f"{o}:{p}"
        for r, o, p in zip(
            records["record_id"], records["origin_id"], records["position"], strict=True
        )
    }


def to_positions(path: Path, columns: tuple[str, ...], mapping: dict[str, str]) -> None:
    reader = csv.DictReader(io.StringIO(path.read_text("utf-8")))
    header = list(reader.fieldnames or [])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    for row in reader:
        writer.writerow({k: mapping.get(v, v) if k in columns else v for k, v in row.items()})
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture
def positional_example(tmp_path) -> tuple[Path, dict[str, bytes]]:
    """The worked example with its decisions and a verdict written as ids used to be:
    ``<search>:<position>``; with the files as they were."""
    target = with_a_web_summary(round_one_only(tmp_path / "parenting"))
    (target / "screening/duplicates.csv").write_text(
        "record_a,record_b,verdict,note\n"
        "medline-1:pmid-30811234,web-1:larsen2019-22310a,duplicate,the same trial\n",
        encoding="utf-8",
    )
    build(target)  # the last run: reports/data/counts.json holds the exports' hashes
    mapping = positional(target)
    files = [(f"screening/{stage}.csv", ("record_id",)) for stage in STAGE_FILES]
    files.append(("screening/duplicates.csv", ("record_a", "record_b")))
    original = {}
    for name, columns in files:
        original[name] = (target / name).read_bytes()
        to_positions(target / name, columns, mapping)
    return target, original


def test_an_id_naming_a_position_is_refused_with_the_record_now_there(positional_example, capsys):
    """The verdicts are read first (deduplication comes before screening), then the
    decisions: each id is named with the record now at its position."""
    target, original = positional_example
    assert main(["validate", str(target)]) == 1
    err = capsys.readouterr().err
    assert "screening/duplicates.csv:2: row medline-1:1 / web-1:3: field 'record_a'" in err
    assert "the record at that position is medline-1:pmid-30811234" in err
    assert "the record at that position is web-1:larsen2019-22310a" in err
    (target / "screening/duplicates.csv").write_bytes(original["screening/duplicates.csv"])
    assert main(["validate", str(target)]) == 1
    err = capsys.readouterr().err
    assert "screening/title_abstract.csv:2: record medline-1:1" in err
    assert "no record has the id 'medline-1:1': it names the record at a position" in err
    assert "the record at that position is medline-1:pmid-30811234" in err
    assert "searchtrail screening migrate" in err


def test_migrate_rewrites_positions_as_the_records_ids(positional_example, capsys):
    """Every id is given back as it was, every other byte stays, and the positional version
    is kept beside the files."""
    target, original = positional_example
    before = {name: (target / name).read_bytes() for name in original}
    assert main(["screening", "migrate", str(target)]) == 0
    out = capsys.readouterr().out
    assert "screening/title_abstract.csv: 8 id(s) rewritten" in out
    assert "screening/duplicates.csv: 2 id(s) rewritten" in out
    for name, data in original.items():
        assert (target / name).read_bytes() == data, name
        assert (target / "screening" / PREVIOUS / Path(name).name).read_bytes() == before[name]
    assert main(["validate", str(target)]) == 0
    assert main(["screening", "migrate", str(target)]) == 0
    assert "nothing to rewrite" in capsys.readouterr().out


def test_a_records_key_is_its_accession_or_what_it_says_in_any_unicode_form():
    """Keys are part of the file format: pinned here. A title written with composed or
    decomposed letters (as macOS saves them) is the same record; another title is not."""
    from unicodedata import normalize

    record = {
        "authors": "Ødegård, Åse\nBerg, Per",
        "year": "2020",
        "title": "Foreldreveiledning for barn med atferdsvansker: en randomisert studie",
        "journal": "Tidsskrift for Den norske legeforening",
    }
    # The documented recipe: title, journal, volume, issue, pages and DOI in lower case
    # without accents or punctuation, joined by "|", hashed with SHA-1.
    content = (
        "foreldreveiledning for barn med atferdsvansker en randomisert studie"
        "|tidsskrift for den norske legeforening||||"
    )
    digest = hashlib.sha1(content.encode()).hexdigest()[:6]
    assert record_key(record) == f"odegard2020-{digest}"
    decomposed = {name: normalize("NFD", value) for name, value in record.items()}
    assert record_key(decomposed) == record_key(record)
    hyphenated = {**record, "title": record["title"].replace("atferds", "atferds\u00ad")}
    assert record_key(hyphenated) == record_key(record)  # an invisible soft hyphen
    assert record_key({**record, "title": record["title"] + " (erratum)"}) != record_key(record)
    assert record_key({**record, "ids": "pmid:30811234\nembase:2003456789"}) == (
        "embase-2003456789"
    )
    assert record_key({**record, "ids": "an@ebscohost:2020-33321-007"}) == ("an-2020-33321-007")
    # The next export names its database otherwise (DB  - APA PsycInfo): the same record.
    assert record_key({**record, "ids": "an@apa-psycinfo-ebscohost:2020-33321-007"}) == (
        "an-2020-33321-007"
    )
    assert record_key({"title": "Untitled note"}).startswith("anon-")


_KEY_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            *"aZ09 ,.-_|;:'\"()[]/\t\n\r\x0b\x0c\x1c\x1f\x00",
            *("\u00e5", "\u00d8", "\u00df", "\u0301", "\u00ad", "\u200b", "\u0131"),
            *("\ufb01", "\u00a0", "\u2013", "\u0130", "\u4e2d", "\U0001d400", "\u2163"),
        ]
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {name: _KEY_TEXT for name in KEY_FIELDS if name != "ids"},
            optional={"ids": st.sampled_from(["", "pmid:1", "x:y", "an@db:2020-1", "nope"])},
        ),
        min_size=1,
        max_size=8,
    )
)
def test_keys_made_column_by_column_are_the_keys_made_one_by_one(records):
    """The column reader makes the keys of a whole piece at once; any text, in any script,
    with any white space or punctuation, gets the key :func:`record_key` gives it."""
    columns = {
        name: pa.array([record.get(name, "") for record in records], pa.large_string())
        for name in KEY_FIELDS
    }
    assert record_keys(columns) == [record_key(record) for record in records]


def test_the_keys_of_every_test_export_are_the_same_made_column_by_column():
    """Every export of the test data, and of the shared benchmarks when they are there."""
    here = Path(__file__).resolve().parent
    roots = [here / "data/exports", here.parent.parent / "shared/benchmarks"]
    exports = sorted(p for root in roots if root.is_dir() for p in root.rglob("*") if p.is_file())
    checked = 0
    for path in exports:
        try:
            parsed = read_export(path, path.name)
        except ReviewError:
            continue
        standardise = standardiser(parsed.format)
        fields = [standardise(record.fields) for record in parsed.records]
        if not fields:
            continue
        columns = {
            name: pa.array([record.get(name, "") for record in fields], pa.large_string())
            for name in KEY_FIELDS
        }
        assert record_keys(columns) == [record_key(record) for record in fields], path.name
        checked += len(fields)
    assert checked > 150


# --- what the person saw -----------------------------------------------------------------------


def test_a_verdict_on_records_whose_ids_were_reused_stops_the_run(tmp_path):
    """A reference manager numbers its records (RIS ``ID``) and numbers them again on the
    next export: the ids of a saved verdict now name two other works. The titles the
    person saw, kept in the verdict's row, no longer match: the run stops naming the row,
    and applies nothing."""
    from tests.test_dedup import run_dedup

    def export(order: list[str]) -> str:
        return "".join(
            f"TY  - JOUR\nID  - {n}\nTI  - {title}\nAU  - Larsen, Kari\nPY  - 2019\nER  - \n\n"
            for n, title in enumerate(order, start=1)
        )

    trial = "Parent training for conduct problems: a randomised trial"
    summary = "Parent training for conduct problems: a randomised trial summarised"
    other = "Screen time and sleep in toddlers: a cohort study"
    (tmp_path / "a.ris").write_text(export([trial, other]), encoding="utf-8")
    (tmp_path / "b.ris").write_text(export([summary]).replace("ID  - 1", "ID  - 9"), "utf-8")
    verdicts = tmp_path / "verdicts.csv"
    args = [str(tmp_path / "a.ris"), str(tmp_path / "b.ris"), "--out", str(tmp_path / "out")]
    assert run_dedup(*args, "--verdicts", str(verdicts)).returncode == 0
    text = verdicts.read_text("utf-8")
    assert text.splitlines()[1].startswith("1,9,,")
    verdicts.write_text(text.replace("1,9,,", "1,9,duplicate,"), "utf-8")
    assert "1 by people's verdicts" in run_dedup(*args, "--verdicts", str(verdicts)).stdout

    (tmp_path / "a.ris").write_text(export([other, trial]), encoding="utf-8")  # renumbered
    result = run_dedup(*args, "--verdicts", str(verdicts))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{verdicts}:2: row 1 / 9: field 'title_a'" in result.stderr
    assert f"1 now has the title '{other}'" in result.stderr
    assert "Check the verdict against the record as it is now" in result.stderr


def test_a_decision_on_a_record_that_changed_under_its_accession_stops_the_run(tmp_path):
    """PubMed corrects a title; the record keeps its PMID. A decision written with the
    title the person saw (the optional ``title`` column, which ``screening import``
    fills) stops the run until someone checks it; without a title it applies as before."""
    review = screened_review(pmids=True)
    review.screening["title_abstract"] = []
    directory = review.write(tmp_path / "review")
    (directory / "screening/title_abstract.csv").write_text(
        "record_id,decision,title\n"
        f"{record_id('medline-1', 0)},include,{Work(0).title}\n"
        f"{record_id('medline-1', 1)},exclude,{Work(1).title.upper()}\n"
        f"{record_id('medline-1', 2)},exclude,\n",
        encoding="utf-8",
    )
    assert assess(directory).decisions == 3  # the same title in another case is the same
    export = directory / "searches/exports/medline-1.ris"
    corrected = Work(1).title.replace("families", "households")
    export.write_text(export.read_text("utf-8").replace(Work(1).title, corrected), "utf-8")
    with pytest.raises(ReviewError) as caught:
        assess(directory)
    message = str(caught.value)
    assert (
        f"screening/title_abstract.csv:3: record {record_id('medline-1', 1)}: field 'title'"
        in message
    )
    assert f"now has the title '{corrected[:40]}" in message  # shortened in the message
    assert message.count("title_abstract.csv:") == 1


# --- records that share a key --------------------------------------------------------------------

WEB_PAGES = (
    "TY  - ELEC\nUR  - https://www.example.org/a.pdf\n"
    "AB  - Evaluation of a group parent training programme in Bergen.\nER  - \n",
    "TY  - ELEC\nUR  - https://www.example.org/b.pdf\n"
    "AB  - Cost analysis of home visiting in Oslo.\nER  - \n",
)
ONE_ACCESSION = tuple(
    f"TY  - JOUR\nAN  - 2020-33321-007\nDP  - EBSCOhost\nTI  - {title}\nAU  - Moen, Siri\n"
    "PY  - 2020\nER  - \n"
    for title in (
        "Parent management training in Norwegian municipalities: a randomised trial",
        "Home visiting for families of toddlers: a randomised trial",
    )
)


EDITIONS = tuple(
    "TY  - RPRT\nAU  - Larsen, Kari\nPY  - 2021\nTI  - Parent training in child welfare: "
    f"three-year follow-up\nPB  - Folkehelseinstituttet\nET  - {edition}\nER  - \n"
    for edition in ("1st edition (withdrawn)", "2nd revised edition")
)


@pytest.mark.parametrize(
    "records",
    [WEB_PAGES, ONE_ACCESSION, EDITIONS],
    ids=["untitled", "one-accession", "editions"],
)
def test_records_that_share_a_key_keep_their_decisions_in_any_order(tmp_path, records):
    """Two web pages with neither author, year nor title, or two records a database gave
    one accession, share a key. Each is named by what it says, so an export in the other
    order leaves every decision on the record it was made on."""
    review = ReviewFiles()
    review.search("web-1", "website", source="Google Scholar", identified=40, for_assessment=2)
    review.searches[-1]["export"] = {
        "files": "searches/exports/web-1.ris",
        "holds": "for_assessment",
    }
    review.exports["searches/exports/web-1.ris"] = "\n".join(records)
    directory = review.write(tmp_path / "review")
    run_records_steps(directory)
    first, second = ids_of(directory, "web-1")
    assert first != second
    assert first.split("~")[0] == second.split("~")[0]  # one key, told apart
    review.decide("retrieval", first, "no")
    review.decide("full_text", second, "exclude", REASONS[1])
    before = {
        row["record_id"]: row["status"]
        for row in rows(build(review.write(directory))["reports/flow.csv"])
    }
    assert before == {first: "not retrieved", second: "excluded at eligibility"}

    export = directory / "searches/exports/web-1.ris"
    export.write_text("\n".join(reversed(records)), encoding="utf-8")
    after = {row["record_id"]: row["status"] for row in rows(build(directory)["reports/flow.csv"])}
    assert after == before


def test_a_record_that_changed_is_named_with_the_records_it_may_now_be(tmp_path):
    """A Google Scholar record gains its page numbers on re-export: its content key changes.
    The decision on the old id stops the run, and the message names the record of the same
    author and year that it may now be."""
    review = ReviewFiles()
    review.search("web-1", "website", source="Google Scholar", identified=40, for_assessment=1,
                  export=[5], holds="for_assessment", pmids=False)  # fmt: skip
    directory = review.write(tmp_path / "review")
    run_records_steps(directory)
    [old] = ids_of(directory, "web-1")
    review.decide("full_text", old, "include", "")
    review.write(directory)
    export = directory / "searches/exports/web-1.ris"
    export.write_text(export.read_text("utf-8").replace("EP  - 123", "EP  - 124"), "utf-8")
    run_records_steps(directory)
    [new] = ids_of(directory, "web-1")
    assert new != old
    with pytest.raises(ReviewError) as caught:
        assess(directory)
    message = str(caught.value)
    assert f"no record has the id '{old}'" in message
    assert f"this search has {new} ('{Work(5).title[:49]}…') by the same first author" in message


@pytest.mark.parametrize(
    ("seen", "current"),
    [
        ("Odegard: parenttraining in Lodz", "Ødegård: parent training in Łódź"),
        ("Ødegård: parent training in ?ód?", "Ødegård: parent training in Łódź"),
        ("Parent <i>training</i> &amp; care", "Parent training & care"),
        ("'=Parent training", "=Parent training"),
    ],
)
def test_the_title_guard_reads_titles_as_people_and_spreadsheets_write_them(seen, current):
    from searchtrail.records.identity import KnownRecords

    known = KnownRecords(frozenset({"web-1:x"}), {"web-1:x": current})
    assert known.changed("web-1:x", seen, "decision") is None
    assert known.changed("web-1:x", "Screen time in toddlers", "decision") is not None


def test_migrate_refuses_once_an_export_changed(positional_example, capsys):
    """MEDLINE's export was made again, in another order, before the ids were rewritten:
    its positions name other records now. Nothing is rewritten."""
    target, _ = positional_example
    before = {path: path.read_bytes() for path in (target / "screening").glob("*.csv")}
    export = target / "searches/exports/medline-1.nbib"
    records = export.read_text("utf-8").strip().split("\n\n")
    export.write_text("\n\n".join(reversed(records)) + "\n", encoding="utf-8")
    assert main(["screening", "migrate", str(target)]) == 1
    err = capsys.readouterr().err
    assert "no file was changed" in err
    assert "searches/exports/medline-1.nbib: the file changed since the pipeline last ran" in err
    assert {path: path.read_bytes() for path in (target / "screening").glob("*.csv")} == before


def test_migrate_refuses_a_position_whose_record_is_not_the_one_seen(positional_example, capsys):
    """A decision row keeps the title the person saw; the record at its position now has
    another one: nothing is rewritten."""
    target, _ = positional_example
    path = target / "screening/title_abstract.csv"
    lines = path.read_text("utf-8").splitlines()
    lines[0] += ",title"
    lines[1] += ",Screen time and sleep in toddlers"
    lines[2:] = [line + "," for line in lines[2:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["screening", "migrate", str(target)]) == 1
    err = capsys.readouterr().err
    assert "screening/title_abstract.csv:2: record medline-1:1: field 'title'" in err
    assert "medline-1:pmid-30811234 now has the title" in err


def test_an_id_with_lookalike_letters_is_named_as_such():
    from searchtrail.records.identity import KnownRecords

    known = KnownRecords(frozenset({"medline-1:pmid-30811234"}))
    message = known.unknown("mеdline-1:pmid-30811234", "decisions")  # a Cyrillic е
    assert "U+0435" in message
    assert "copy them from reports/dedup/groups.csv" in message
