"""Shared fixtures: the seed review, a small two-column review, and review builders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from searchtrail.counts import ReviewCounts, compute_counts
from searchtrail.searchlog import Review, load_review

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
TWO_COLUMNS = DATA / "two_columns"


@pytest.fixture(scope="session")
def seed_review() -> Review:
    """The review shipped in the repository root (seed document 003)."""
    return load_review(REPO)


@pytest.fixture(scope="session")
def seed_counts(seed_review: Review) -> ReviewCounts:
    return compute_counts(seed_review)


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
    from searchtrail.pipeline import step_duplicates, step_records

    data = directory / "reports" / "data"
    step_records(directory, data / "records.parquet", data / "import.json")
    step_duplicates(directory, data / "records.parquet", data, directory / "reports" / "dedup")
    return data
