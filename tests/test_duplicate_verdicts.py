"""Answering duplicate questions: which questions are still open, the record a verdict keeps,
verdicts saved from the questions page checked and added to screening/duplicates.csv
(``searchtrail screening verdicts``), and the page itself as HTML."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from searchtrail.cli import main
from searchtrail.dedup.engine import deduplicate
from searchtrail.dedup.output import merged_records
from searchtrail.dedup.verdicts import (
    COLUMNS,
    SAVED_COLUMNS,
    OpenQuestion,
    add_saved,
    check_saved,
    open_questions,
    read_verdicts,
)
from searchtrail.errors import ReviewError
from searchtrail.layout import OUTPUTS, VERDICTS_FILE
from searchtrail.pipeline import stage_dedup, stage_records
from searchtrail.records.fields import STANDARD_FIELDS
from searchtrail.records.identity import KnownRecords
from searchtrail.reports.browse import Trail
from searchtrail.reports.questions import duplicates_html
from searchtrail.searchlog import load_review
from searchtrail.sheets import parse_sheet, read_sheet

from .two_questions import INCREDIBLE_YEARS, PT_NORD, with_two_questions

TRIAL = {
    "title": "Group parent training for children with conduct problems: a randomised trial",
    "authors": "Larsen, Kari M.\nHaugland, Per",
    "year": "2019",
    "journal": "Journal of Child Psychology and Psychiatry",
    "volume": "60",
    "pages": "401-412",
    "doi": "10.1111/jcpp.13012",
}
OTHER = {
    "title": "Incredible Years in Norwegian municipalities: a pragmatic trial",
    "authors": "Olsen, Trine",
    "year": "2020",
}


def records(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {name: row.get(name, "") for name in ("record_id", "origin_id", *STANDARD_FIELDS)}
            for row in rows
        ]
    )


def sheet(text: str, file: str = VERDICTS_FILE):
    return parse_sheet(text, file=file)


# --- open questions -------------------------------------------------------------------------------


def test_a_question_answered_by_a_later_row_is_no_longer_open_in_either_order():
    text = (
        "record_a,record_b,verdict,note\n"
        "a,b,,\n"
        "c,d,,\n"
        "e,f,,\n"
        "b,a,duplicate,answered from the page\n"
        "c,d,not duplicate,\n"
    )
    assert open_questions(sheet(text)) == [OpenQuestion("e", "f", 4)]
    assert open_questions(None) == []


# --- the record a verdict keeps -------------------------------------------------------------------


def two_copies() -> pd.DataFrame:
    return records(
        {"record_id": "medline:1", "origin_id": "medline", **TRIAL},
        {"record_id": "web:1", "origin_id": "web", **TRIAL, "doi": ""},
        {"record_id": "other:1", "origin_id": "other", **OTHER},
    )


@pytest.mark.parametrize("keep", ["b", "B", "web:1"])
def test_a_duplicate_verdict_keeps_the_record_it_names(keep):
    table = two_copies()
    machine = deduplicate(table, workers=1)
    assert machine.kept.tolist()[:2] == [True, False]  # the more complete record
    text = f"record_a,record_b,verdict,keep,note\nmedline:1,web:1,duplicate,{keep},\n"
    verdicts, _ = read_verdicts(sheet(text), known=KnownRecords.of(table))
    assert verdicts[0].keep == "web:1"
    result = deduplicate(table, verdicts, workers=1)
    assert result.group_ids[0] == result.group_ids[1]
    assert result.kept.tolist() == [False, True, True]
    merged = merged_records(table, result)
    assert merged["record_id"].tolist() == ["web:1", "other:1"]
    assert merged.loc[0, "doi"] == TRIAL["doi"]  # its gaps are filled from the other record


def test_a_keep_beside_an_earlier_answer_of_the_same_pair_is_applied():
    table = two_copies()
    text = (
        "record_a,record_b,verdict,keep,note\n"
        "medline:1,web:1,duplicate,,\n"
        "web:1,medline:1,duplicate,a,saved from the page\n"
    )
    verdicts, _ = read_verdicts(sheet(text), known=KnownRecords.of(table))
    assert [(v.line, v.keep) for v in verdicts] == [(2, "web:1")]


def test_keep_values_that_cannot_be_used_name_line_value_and_expectation():
    table = two_copies()
    text = (
        "record_a,record_b,verdict,keep,note\n"
        "medline:1,web:1,duplicate,c,\n"
        "medline:1,other:1,not duplicate,a,\n"
        "web:1,other:1,,b,\n"
        "medline:1,web:1,duplicate,a,\n"
        "web:1,medline:1,duplicate,a,\n"
    )
    with pytest.raises(ReviewError) as caught:
        read_verdicts(sheet(text), known=KnownRecords.of(table))
    message = str(caught.value)
    assert f"{VERDICTS_FILE}:2: row medline:1 / web:1: field 'keep'" in message
    assert "the keep value 'c' names neither record" in message
    assert "expected a (keep record_a), b (keep record_b)" in message
    assert f"{VERDICTS_FILE}:3" in message
    assert f"{VERDICTS_FILE}:4" in message
    assert "keep only beside the verdict duplicate" in message
    assert f"{VERDICTS_FILE}:6" in message
    assert "line 5 keeps medline:1, this row keeps web:1" in message


def test_two_verdicts_keeping_different_records_of_one_group_stop_the_run():
    table = records(
        {"record_id": "a", "origin_id": "x", **OTHER},
        {"record_id": "b", "origin_id": "y", **TRIAL},
        {"record_id": "c", "origin_id": "z", **TRIAL, "doi": ""},
    )
    text = "record_a,record_b,verdict,keep,note\na,b,duplicate,a,\nb,c,duplicate,c,\n"
    verdicts, _ = read_verdicts(sheet(text), known=KnownRecords.of(table))
    with pytest.raises(ReviewError) as caught:
        deduplicate(table, verdicts, workers=1)
    message = str(caught.value)
    assert "line 2 keeps a, line 3 keeps c" in message
    assert "clear all but one of the keep cells" in message


# --- saved verdicts checked and added -------------------------------------------------------------

QUESTIONS = (
    "record_a,record_b,verdict,keep,note,title_a,title_b\n"
    "medline:1,web:1,,,,,\n"
    "medline:1,other:1,not duplicate,,a person's own row,,\n"
)


def saved(*rows: str) -> str:
    return ",".join(SAVED_COLUMNS) + "\n" + "".join(row + "\n" for row in rows)


def test_saved_verdicts_with_unknown_ids_words_or_opposite_answers_are_refused():
    table = two_copies()
    text = saved(
        "medline:1,web:9,duplicate,a,,,",
        "medline:1,web:1,maybe,,,,",
        f"medline:1,web:1,duplicate,a,,{TRIAL['title']},a title the record does not have",
    )
    with pytest.raises(ReviewError) as caught:
        check_saved(
            sheet(text, "duplicate-verdicts.csv"), sheet(QUESTIONS), known=KnownRecords.of(table)
        )
    message = str(caught.value)
    assert "duplicate-verdicts.csv:2: row medline:1 / web:9: field 'record_b'" in message
    assert "no record has the id 'web:9'" in message
    assert "duplicate-verdicts.csv:3" in message
    assert "'maybe'" in message
    assert "expected duplicate or not duplicate" in message
    assert "duplicate-verdicts.csv:4" in message
    assert "web:1 now has the title" in message
    opposite = saved("other:1,medline:1,duplicate,a,,,")
    with pytest.raises(ReviewError) as caught:
        check_saved(
            sheet(opposite, "duplicate-verdicts.csv"),
            sheet(QUESTIONS),
            known=KnownRecords.of(table),
        )
    message = str(caught.value)
    assert "duplicate-verdicts.csv:2: row other:1 / medline:1: field 'verdict'" in message
    assert f"{VERDICTS_FILE}:3 answers this pair 'not duplicate'" in message
    assert f"expected the answer {VERDICTS_FILE} already gives (not duplicate)" in message


def test_saved_verdicts_are_added_after_the_peoples_rows_byte_for_byte(tmp_path):
    table = two_copies()
    path = tmp_path / "duplicates.csv"
    # A person's file as a spreadsheet saved it: CRLF, a quoted note, no final line end.
    mine = (
        QUESTIONS.replace("\n", "\r\n")
        .replace("a person's own row", '"a note, with a comma"')
        .removesuffix("\r\n")
    )
    path.write_bytes(mine.encode("utf-8"))
    existing = read_sheet(path, file=VERDICTS_FILE)
    text = saved(
        f"medline:1,web:1,duplicate,b,the web page copies the article,{TRIAL['title']},",
        "other:1,medline:1,not duplicate,,,,",
        "web:1,other:1,,,,,",
    )
    found = check_saved(
        sheet(text, "duplicate-verdicts.csv"), existing, known=KnownRecords.of(table)
    )
    assert [(r["record_a"], r["verdict"], r["keep"]) for r in found.rows] == [
        ("medline:1", "duplicate", "b")
    ]
    assert found.already == [3]
    assert found.unanswered == [4]
    add_saved(path, existing, found.rows)
    data = path.read_bytes()
    assert data.startswith(mine.encode("utf-8"))
    added = data[len(mine) :].decode("utf-8")
    assert added == (
        f"\r\nmedline:1,web:1,duplicate,b,the web page copies the article,{TRIAL['title']},\r\n"
    )
    after = read_sheet(path, file=VERDICTS_FILE)
    assert open_questions(after) == []
    verdicts, _ = read_verdicts(after, known=KnownRecords.of(table))
    assert [(v.record_a, v.record_b, v.duplicate, v.keep) for v in verdicts] == [
        ("medline:1", "other:1", False, ""),
        ("medline:1", "web:1", True, "web:1"),
    ]


def test_saved_verdicts_make_the_verdicts_file_when_there_is_none(tmp_path):
    table = two_copies()
    path = tmp_path / "screening" / "duplicates.csv"
    found = check_saved(
        sheet(saved("medline:1,web:1,duplicate,a,,,"), "duplicate-verdicts.csv"),
        None,
        known=KnownRecords.of(table),
    )
    add_saved(path, None, found.rows)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1].startswith("medline:1,web:1,duplicate,a,")
    assert not list(path.parent.glob(".*.tmp"))


def test_a_keep_for_a_verdicts_file_without_that_column_stops_the_write(tmp_path):
    table = two_copies()
    path = tmp_path / "duplicates.csv"
    path.write_text("record_a,record_b,verdict,note\n", encoding="utf-8")
    existing = read_sheet(path, file=VERDICTS_FILE)
    found = check_saved(
        sheet(saved("medline:1,web:1,duplicate,a,,,"), "duplicate-verdicts.csv"),
        existing,
        known=KnownRecords.of(table),
    )
    with pytest.raises(ReviewError, match="the header lacks keep"):
        add_saved(path, existing, found.rows)
    assert path.read_text(encoding="utf-8") == "record_a,record_b,verdict,note\n"


# --- the command, on the worked example with two questions ---------------------------------------


@pytest.fixture
def asked(tmp_path: Path) -> Path:
    target = with_two_questions(tmp_path / "parenting")
    stage_records(target)
    stage_dedup(target)
    return target


def page_file(directory: Path, answers: dict[tuple[str, str], tuple[str, str]]) -> str:
    """The CSV file the page saves for ``answers`` ((record_a, record_b) -> verdict, keep)."""
    titles = dict(
        pd.read_parquet(directory / OUTPUTS["records"]["records"], columns=["record_id", "title"])
        .astype(str)
        .itertuples(index=False)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SAVED_COLUMNS)
    for (a, b), (verdict, keep) in answers.items():
        writer.writerow([a, b, verdict, keep, "", titles[a], titles[b]])
    return "\ufeff" + buffer.getvalue()


def test_the_command_adds_saved_verdicts_and_the_next_run_applies_them(asked, tmp_path, capsys):
    verdicts = asked / VERDICTS_FILE
    before = verdicts.read_bytes()
    file = tmp_path / "duplicate-verdicts.csv"
    file.write_text(
        page_file(asked, {PT_NORD: ("duplicate", "a"), INCREDIBLE_YEARS: ("not duplicate", "")}),
        encoding="utf-8",
    )
    assert main(["screening", "verdicts", str(asked), str(file)]) == 0
    out = capsys.readouterr().out
    assert f"2 verdict(s) added to {verdicts}; 0 already there" in out
    after = verdicts.read_bytes()
    assert after.startswith(before)
    stage_dedup(asked)
    summary = json.loads((asked / OUTPUTS["dedup"]["summary"]).read_text("utf-8"))
    assert summary["open_questions"] == []
    assert summary["verdicts"] == 2
    assert verdicts.read_bytes() == after  # nothing asked again
    groups = pd.read_parquet(asked / OUTPUTS["dedup"]["groups"])
    group = dict(zip(groups["record_id"], groups["duplicate_group"], strict=True))
    kept = dict(zip(groups["record_id"], groups["kept"], strict=True))
    assert group[PT_NORD[0]] == group[PT_NORD[1]]
    assert kept[PT_NORD[0]]
    assert group[INCREDIBLE_YEARS[0]] != group[INCREDIBLE_YEARS[1]]
    # The same file again adds nothing.
    assert main(["screening", "verdicts", str(asked), str(file)]) == 0
    assert "0 verdict(s) added" in capsys.readouterr().out
    assert verdicts.read_bytes() == after


def test_the_command_refuses_a_file_with_mistakes_and_changes_nothing(asked, tmp_path, capsys):
    verdicts = asked / VERDICTS_FILE
    before = verdicts.read_bytes()
    file = tmp_path / "duplicate-verdicts.csv"
    text = page_file(asked, {PT_NORD: ("perhaps", "")}).replace(
        INCREDIBLE_YEARS[0], "medline-1:pmid-99999999"
    )
    text += f"{INCREDIBLE_YEARS[1]},medline-1:pmid-99999999,duplicate,,,,\n"
    file.write_text(text, encoding="utf-8")
    assert main(["screening", "verdicts", str(asked), str(file)]) == 1
    err = capsys.readouterr().err
    assert f"{file}:2: row {PT_NORD[0]} / {PT_NORD[1]}: field 'verdict'" in err
    assert "'perhaps'" in err
    assert f"{file}:3" in err
    assert "no record has the id 'medline-1:pmid-99999999'" in err
    assert "Traceback" not in err
    assert verdicts.read_bytes() == before


# --- the page as HTML -----------------------------------------------------------------------------


def trail(questions: tuple[OpenQuestion, ...], table: pd.DataFrame) -> Trail:
    table = table.assign(file="searches/exports/x.ris", line=range(1, len(table) + 1))
    groups = pd.DataFrame(
        {"record_id": table["record_id"], "duplicate_group": [f"g{i}" for i in range(len(table))]}
    )
    pairs = pd.DataFrame(
        {
            "record_a": ["medline:1"],
            "record_b": ["web:1"],
            "title": [97.0],
            "authors": [100.0],
            "decision": ["uncertain"],
            "reason": ["titles and authors match; too little else is known to decide"],
        }
    )
    return Trail(
        members=None,  # type: ignore[arg-type]
        records=table,
        groups=groups,
        pairs=pairs,
        unique=pd.DataFrame(),
        flow={},
        questions=questions,
        asked=table,
    )


def test_the_page_escapes_every_text_and_gives_the_same_bytes_twice(two_column_review):
    hostile = '<script>alert("x")</script> & </script><!-- parent training'
    abstract = " ".join(f"word{n}" for n in range(200))
    table = records(
        {"record_id": "medline:1", "origin_id": "medline", **TRIAL, "title": hostile},
        {
            "record_id": "web:1",
            "origin_id": "web",
            **TRIAL,
            "journal": "Another journal",
            "abstract": abstract,
        },
    )
    given = trail((OpenQuestion("medline:1", "web:1", 2),), table)
    page = duplicates_html(two_column_review, given)
    assert page == duplicates_html(two_column_review, given)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<script") == 2  # the data and the page's own script
    packed = page.split('id="questions-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(packed)["pairs"][0]["title_a"] == hostile
    # Words only one side has are marked; identical fields are greyed.
    assert "<mark>Another</mark>" in page
    assert '<tr class="same" data-field="year">' in page
    assert "title 97%" in page
    # A long abstract shows its beginning and opens the rest.
    lead, rest = page.split('<span class="lead">', 1)[1].split('<details class="more">', 1)
    assert 600 <= len(lead.replace("<mark>", "").replace("</mark>", "")) < 700
    assert "word199" in rest
    assert "word199" not in lead
    # Offline: nothing is loaded from elsewhere.
    assert "<link" not in page
    assert 'src="' not in page


def test_the_page_says_when_no_question_is_open(two_column_review):
    page = duplicates_html(two_column_review, trail((), two_copies()))
    assert "No duplicate questions are open" in page
    assert 'id="save"' not in page
    assert "made without the records" in duplicates_html(two_column_review, None)


def test_the_reports_stage_writes_the_page_with_both_questions(asked):
    from searchtrail.pipeline import stage_counts, stage_reports, stage_screening

    stage_screening(asked)
    stage_counts(asked)
    stage_reports(asked)
    page = (asked / OUTPUTS["reports"]["duplicates_html"]).read_text("utf-8")
    for a, b in (PT_NORD, INCREDIBLE_YEARS):
        assert f'"a": "{a}"' in page
        assert f'"b": "{b}"' in page
    assert "screening/duplicates.csv line 2" in page
    assert "searches/exports/web-1.ris:" in page
    assert load_review(asked).title in page
