"""Shared fixtures: the seed review, a small two-column review, and review builders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from searchtrail.counts import ReviewCounts
from searchtrail.pipeline import assess
from searchtrail.searchlog import Review, load_review

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
TWO_COLUMNS = DATA / "two_columns"
EXAMPLE = REPO / "examples" / "parenting"


@pytest.fixture(scope="session")
def seed_review() -> Review:
    """The review shipped in the repository root (seed document 003)."""
    return load_review(REPO)


@pytest.fixture(scope="session")
def seed_counts(seed_review: Review) -> ReviewCounts:
    return assess(REPO, seed_review).counts


def counts_of(review: Review, directory: Path = TWO_COLUMNS) -> ReviewCounts:
    """Every number of ``review`` (whose files are in ``directory``), counted in memory."""
    return assess(directory, review).counts


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the worked example in examples/parenting, to change."""
    target = tmp_path / "parenting"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture(scope="session")
def two_column_review() -> Review:
    """A small review with databases, a register, a website and citation searching."""
    return load_review(TWO_COLUMNS)


@pytest.fixture
def review_copy(tmp_path: Path):
    """Copy a review directory into a temporary one and return the copy's path."""

    def copy(source: Path = REPO) -> Path:
        target = tmp_path / "review"
        shutil.copytree(source / "searches", target / "searches")
        if (source / "screening").is_dir():
            shutil.copytree(source / "screening", target / "screening")
        return target

    return copy


def drop_rows(path: Path, *prefixes: str) -> None:
    """Remove the lines of a CSV file that start with any of ``prefixes``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith(prefixes)), encoding="utf-8")


def run_records_steps(directory: Path) -> Path:
    """Read and deduplicate a review's records as the pipeline does; return its data folder."""
    from searchtrail.pipeline import stage_dedup, stage_records

    stage_records(directory)
    stage_dedup(directory)
    return directory / "reports" / "data"


def run_counts_steps(directory: Path) -> ReviewCounts:
    """Place the publications and count them, as the pipeline's screening and counts stages
    do (after :func:`run_records_steps`)."""
    from searchtrail.pipeline import stage_counts, stage_screening

    stage_screening(directory)
    return stage_counts(directory)


# --- a real browser ---------------------------------------------------------------------------

CHROMIUM = os.environ.get("SEARCHTRAIL_CHROMIUM") or next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
"""Debian's Chromium, which Playwright drives (its own browser download is not reachable)."""
BROWSER_REQUIRED = os.environ.get("SEARCHTRAIL_BROWSER") == "required"
"""CI sets this: a browser test that cannot run then fails instead of being skipped."""


def _unavailable(reason: str) -> None:
    if BROWSER_REQUIRED:
        pytest.fail(f"browser tests required, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium through Playwright; skipped when either is missing (unless
    ``SEARCHTRAIL_BROWSER=required``)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if CHROMIUM is None:
        _unavailable("no chromium executable on PATH")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()
