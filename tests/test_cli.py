"""The searchtrail command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from searchtrail.cli import main
from searchtrail.layout import LOG_FILE, OUTPUTS, STAGES
from searchtrail.searchlog import load_review
from tests.conftest import REPO, TWO_COLUMNS


def test_validate_prints_the_per_source_counts(capsys):
    assert main(["validate", str(REPO)]) == 0
    out = capsys.readouterr().out
    assert "57 searches in 15 sources, 1 round; no problems found." in out
    lines = out.splitlines()
    nice = next(line for line in lines if line.startswith("NICE "))
    assert nice.split()[-3:] == ["0", "1,239", "29"]
    total = lines[-1]
    assert total.split()[:5] == ["Total", "57", "13", "9,331", "45"]


def test_validate_reports_problems_without_a_traceback(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    path = directory / LOG_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("identified: 23", "identified: -23"), "utf-8"
    )
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "search 'ctgov-1': field 'identified': value -23 is negative" in err


def test_validate_checks_the_screening_files(review_copy, capsys):
    directory = review_copy(REPO)
    assert main(["validate", str(directory)]) == 0
    assert "screening/: 14 decisions in 2 files; no problems found." in capsys.readouterr().out
    path = directory / "screening/full_text.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",include,", ",included?,"), "utf-8")
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert (
        "screening/full_text.csv:14: record included:national2017-746726: field 'decision'" in err
    )
    assert "value 'included?' is not allowed" in err


def test_the_stages_one_by_one(review_copy):
    """Each stage writes the files the layout names, reading what the ones before wrote."""
    directory = review_copy(TWO_COLUMNS)
    for stage in STAGES:
        assert main(["stage", stage, str(directory), "--quiet"]) == 0, stage
    for stage in STAGES:
        for name in OUTPUTS[stage].values():
            assert (directory / name).stat().st_size > 0, name
    data = json.loads((directory / OUTPUTS["counts"]["counts"]).read_text(encoding="utf-8"))
    assert data["identified"] == {"n": 2414, "searches_without_count": 1, "pending": None}
    assert set(data["inputs"]) == {
        "searches/review.yaml",
        "searches/log.yaml",
        "searches/exports/medline-1.ris",
    }
    svg = directory / OUTPUTS["reports"]["prisma_svg"]
    assert svg.read_text(encoding="utf-8").startswith("<?xml")
    assert (directory / OUTPUTS["reports"]["sources_csv"]).read_bytes().count(b"\r") == 0


def test_reports_refuse_counts_of_an_older_log(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    for stage in STAGES[:-1]:
        assert main(["stage", stage, str(directory), "--quiet"]) == 0, stage
    path = directory / LOG_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("identified: 23", "identified: 24"), "utf-8"
    )
    assert main(["stage", "reports", str(directory)]) == 1
    assert "earlier version of searches/log.yaml" in capsys.readouterr().err


def test_init_makes_a_valid_review_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "new-review"
    assert main(["init", str(target), "--title", "Exercise for low back pain: a review"]) == 0
    review = load_review(target)
    assert review.title == "Exercise for low back pain: a review"
    assert [s.id for s in review.searches] == ["medline-01", "web-01"]
    assert (target / "reports/.gitignore").exists()
    assert main(["init", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err


THREADS_AFTER_NUMPY = """
import os, sys
sys.argv = ["searchtrail", "--version"]
from searchtrail.__main__ import program
try:
    program()
except SystemExit:
    pass
import numpy
print(os.environ.get("OPENBLAS_NUM_THREADS"), len(os.listdir("/proc/self/task")))
"""


def _threads_after_numpy(openblas: str | None) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if openblas:
        env["OPENBLAS_NUM_THREADS"] = openblas
    out = subprocess.run(
        [sys.executable, "-c", THREADS_AFTER_NUMPY],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    setting, threads = out.splitlines()[-1].split()
    return setting, int(threads)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads are counted in /proc")
def test_the_command_line_starts_no_linear_algebra_threads():
    # numpy's OpenBLAS would start a thread per core that spins before it sleeps; the
    # command line asks for none of its own, unless the environment says how many.
    assert _threads_after_numpy(None) == _threads_after_numpy("1")
    setting, threads = _threads_after_numpy("2")
    assert setting == "2"
    assert threads == _threads_after_numpy("1")[1] + 1
