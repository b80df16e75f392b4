"""The duplicate questions page in a real browser: headless Chromium, driven by Playwright,
opening ``reports/duplicates.html`` of the worked example with two open questions.

A person answers one pair 'duplicate' (with the keyboard) and one 'not duplicate' (with the
mouse), reloads the page (the answers are still there), and saves the verdicts; the saved
file is added with ``searchtrail screening verdicts`` and the stages run again: the first
pair is one publication, the second two, no question is left open, and
``screening/duplicates.csv`` kept every byte it had. The page is photographed into
``tests/artifacts/browser/duplicates.png``.

Like tests/test_browser.py, the tests need Chromium and the ``playwright`` package and are
skipped when either is missing, unless ``SEARCHTRAIL_BROWSER=required``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from searchtrail.cli import main
from searchtrail.layout import OUTPUTS, VERDICTS_FILE
from searchtrail.pipeline import (
    stage_counts,
    stage_dedup,
    stage_records,
    stage_reports,
    stage_screening,
)

from .conftest import REPO
from .two_questions import INCREDIBLE_YEARS, PT_NORD, with_two_questions

ARTIFACTS = REPO / "tests" / "artifacts" / "browser"
STAGES = (stage_records, stage_dedup, stage_screening, stage_counts, stage_reports)


@pytest.fixture
def asked(tmp_path: Path) -> Path:
    """The worked example with two open duplicate questions, every stage run."""
    target = with_two_questions(tmp_path / "parenting")
    for stage in STAGES:
        stage(target)
    return target


@pytest.fixture
def page(browser: Any, asked: Path) -> Iterator[Any]:
    """The questions page, opened from disk; fails the test on any script error."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, accept_downloads=True)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.goto((asked / OUTPUTS["reports"]["duplicates_html"]).as_uri())
    yield opened
    context.close()
    assert errors == []


def open_questions(directory: Path) -> list[dict[str, Any]]:
    summary = json.loads((directory / OUTPUTS["dedup"]["summary"]).read_text("utf-8"))
    questions: list[dict[str, Any]] = summary["open_questions"]
    return questions


def groups(directory: Path) -> dict[str, str]:
    table = pd.read_parquet(directory / OUTPUTS["dedup"]["groups"])
    return dict(zip(table["record_id"], table["duplicate_group"], strict=True))


def article_of(page: Any, pair: tuple[str, str]) -> str:
    """The id of the page's article that asks about ``pair``."""
    data = json.loads(page.locator("#questions-data").text_content())
    return next(p["id"] for p in data["pairs"] if (p["a"], p["b"]) == pair)


def test_answers_saved_on_the_page_are_applied_by_the_next_run(
    page: Any, asked: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    verdicts = asked / VERDICTS_FILE
    original = verdicts.read_bytes()
    assert len(open_questions(asked)) == 2
    assert page.locator("article.pair").count() == 2
    assert page.locator("#answered").inner_text() == "0"
    first, second = article_of(page, PT_NORD), article_of(page, INCREDIBLE_YEARS)
    assert first == "q1"  # the questions follow the file's lines

    # The first pair with the keyboard: j goes to it, a answers 'duplicate - keep A'.
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == first
    page.keyboard.press("a")
    assert page.locator(f"#{first} input[value='a']").is_checked()
    # The second with the mouse, and a note.
    page.locator(f"#{second} label", has_text="Not duplicate").click()
    page.locator(f"#{second} input.note-input").fill("two reports, one is a web summary")
    assert page.locator("#answered").inner_text() == "2"
    # Differences are marked, agreeing fields greyed.
    assert page.locator(f"#{first} tr[data-field='journal'] mark").count() >= 1
    assert page.locator(f"#{first} tr.same[data-field='year']").count() == 1

    # A reload keeps the answers (once stored: Chromium hands a page's storage writes to its
    # browser process on their own, and a person does not reload within milliseconds).
    page.wait_for_timeout(300)
    page.reload()
    expect(page.locator("#answered")).to_have_text("2")
    assert page.locator(f"#{first} input[value='a']").is_checked()
    assert page.locator(f"#{second} input[value='no']").is_checked()
    note = page.locator(f"#{second} input.note-input").input_value()
    assert note == "two reports, one is a web summary"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "duplicates.png"), full_page=True)

    with page.expect_download() as waiting:
        page.locator("#save").click()
    download = waiting.value
    assert download.suggested_filename == "duplicate-verdicts.csv"
    saved = tmp_path / "duplicate-verdicts.csv"
    download.save_as(saved)
    assert "2 verdicts saved" in page.locator("#saved").inner_text()
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    records = pd.read_parquet(asked / OUTPUTS["records"]["records"], columns=["record_id", "title"])
    titles = dict(zip(records["record_id"], records["title"], strict=True))
    assert [(r["record_a"], r["record_b"], r["verdict"], r["keep"]) for r in rows] == [
        (*PT_NORD, "duplicate", "a"),
        (*INCREDIBLE_YEARS, "not duplicate", ""),
    ]
    assert rows[1]["note"] == "two reports, one is a web summary"
    assert all(r["title_a"] == titles[r["record_a"]] for r in rows)
    assert all(r["title_b"] == titles[r["record_b"]] for r in rows)

    assert main(["screening", "verdicts", str(asked), str(saved)]) == 0
    for stage in STAGES:
        stage(asked)

    assert verdicts.read_bytes().startswith(original)
    assert len(verdicts.read_bytes()) > len(original)
    assert open_questions(asked) == []  # down by 2
    group = groups(asked)
    assert group[PT_NORD[0]] == group[PT_NORD[1]]
    assert group[INCREDIBLE_YEARS[0]] != group[INCREDIBLE_YEARS[1]]
    flow = (asked / OUTPUTS["screening"]["flow_csv"]).read_text("utf-8")
    assert PT_NORD[1] not in flow  # part of the trial's publication now
    page.reload()
    assert "No duplicate questions are open" in page.locator("main").inner_text()


def test_saving_with_nothing_answered_downloads_nothing(page: Any) -> None:
    page.locator("#save").click()
    assert "nothing to save" in page.locator("#saved").inner_text()
    # Leaving a pair open again takes it out of the count.
    page.locator("#q1 label", has_text="Not duplicate").click()
    assert page.locator("#answered").inner_text() == "1"
    page.locator("#q1").focus()
    page.keyboard.press("o")
    assert page.locator("#answered").inner_text() == "0"
