"""Many reviews in one run, with the cluster profile as it runs on a machine without a
cluster (profiles/cluster submits each step as a background process when there is no
sbatch), and the same reports as a plain run."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from searchtrail.cli import main
from searchtrail.errors import ReviewError
from searchtrail.refresh import reviews_from

from .conftest import EXAMPLE, REPO

pytestmark = pytest.mark.pipeline

REPORTS = ("reports/prisma.html", "reports/prisma.svg", "reports/PRISMA.csv", "reports/flow.csv")


def _copy(target: Path) -> Path:
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("reports"))
    return target


@pytest.mark.skipif(
    importlib.util.find_spec("snakemake_executor_plugin_cluster_generic") is None,
    reason="the generic cluster executor is not installed (searchtrail[test] installs it)",
)
def test_reviews_refreshed_through_the_cluster_profile_match_a_plain_run(tmp_path, capsys):
    first, second = _copy(tmp_path / "first"), _copy(tmp_path / "second")
    broken = _copy(tmp_path / "broken")
    log = broken / "searches" / "log.yaml"
    log.write_text(log.read_text(encoding="utf-8").replace("date:", "dated:", 1), "utf-8")
    plain = _copy(tmp_path / "plain")
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", "-c1", "-s", str(REPO / "Snakefile")],
        cwd=plain,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    status = main(
        [
            "refresh",
            str(first),
            str(broken),
            str(second),
            "--profile",
            str(REPO / "profiles" / "cluster"),
            "--parallel",
            "3",
            "--snakemake-args",
            "--seconds-between-status-checks 1",
        ]
    )
    said = capsys.readouterr().out
    assert status == 1
    assert f"{broken}: FAILED" in said
    assert "2 of 3 reviews refreshed; 1 failed" in said
    assert "log.yaml" in (broken / "reports/logs/refresh.log").read_text(encoding="utf-8")
    # each step ran as a submitted job, and the reports are those of a plain run
    assert any((first / ".snakemake" / "local-jobs").iterdir())
    for review in (first, second):
        assert f"{review}: ok" in said
        for name in REPORTS:
            assert (review / name).read_bytes() == (plain / name).read_bytes(), name


def test_a_list_of_reviews_is_checked_before_anything_runs(tmp_path):
    good = _copy(tmp_path / "good")
    listed = tmp_path / "reviews.txt"
    listed.write_text("# living reviews\ngood\n\nmissing\ngood\n", encoding="utf-8")
    with pytest.raises(ReviewError) as raised:
        reviews_from([], listed)
    text = str(raised.value)
    assert f"{listed}:4" in text
    assert "has no searches/log.yaml" in text
    assert "the same directory as" in text
    listed.write_text("good\n", encoding="utf-8")
    assert reviews_from([], listed) == [good]
