"""Reruns: unchanged inputs do no work, an answer reruns what it changes, and a run killed
half-way is followed by one that finishes, with a message that says what to run."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searchtrail.layout import OUTPUTS
from tests.conftest import REPO
from tests.test_worked_example import EXAMPLE, with_a_web_summary

pytestmark = pytest.mark.pipeline


def snakemake(directory: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-c1", "-s", str(REPO / "Snakefile"),
         "--directory", str(directory), *extra],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def reports(directory: Path) -> dict[str, bytes]:
    return {
        name: (directory / name).read_bytes()
        for stage in ("screening", "counts", "reports")
        for name in OUTPUTS[stage].values()
    }


@pytest.fixture
def asked(tmp_path) -> Path:
    """The worked example with a record the machine asks people about."""
    target = tmp_path / "parenting"
    shutil.copytree(EXAMPLE, target)
    return with_a_web_summary(target)


def test_a_second_run_on_unchanged_inputs_does_nothing(asked):
    first = snakemake(asked)
    assert first.returncode == 0, first.stderr
    # The first run asked a question: it wrote screening/duplicates.csv itself.
    assert "medline-1:pmid-30811234,web-1:larsen2019-22310a,," in (
        asked / "screening/duplicates.csv"
    ).read_text("utf-8")
    before = reports(asked)
    second = snakemake(asked)
    assert second.returncode == 0, second.stderr
    assert "Nothing to be done" in second.stdout + second.stderr
    assert reports(asked) == before


def test_an_answer_reruns_deduplication_and_what_follows(asked):
    assert snakemake(asked).returncode == 0
    path = asked / "screening/duplicates.csv"
    path.write_text(
        path.read_text("utf-8").replace(
            "medline-1:pmid-30811234,web-1:larsen2019-22310a,,",
            "medline-1:pmid-30811234,web-1:larsen2019-22310a,duplicate,",
        ),
        "utf-8",
    )
    again = snakemake(asked)
    assert again.returncode == 0, again.stderr
    assert "localrule dedup:" in again.stdout + again.stderr
    flow = (asked / "reports/flow.csv").read_text("utf-8")
    assert "web-1:larsen2019-22310a" not in flow  # merged into the trial's group


def test_a_stale_lock_says_what_to_run(asked):
    locks = asked / ".snakemake/locks"
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("", "utf-8")
    stopped = snakemake(asked)
    assert stopped.returncode == 1
    assert "the last run on" in stopped.stderr
    assert f"snakemake --unlock -s {REPO / 'Snakefile'} --directory {asked}" in stopped.stderr
    assert snakemake(asked, "--unlock").returncode == 0
    assert snakemake(asked).returncode == 0


def test_a_run_killed_half_way_is_finished_by_the_next(asked, tmp_path):
    """Killed once the records are read: unlock, rerun, and the reports are those of a run
    that was never interrupted."""
    clean = tmp_path / "clean"
    shutil.copytree(asked, clean)
    assert snakemake(clean).returncode == 0
    command = [sys.executable, "-m", "snakemake", "-c1", "-s", str(REPO / "Snakefile"),
               "--directory", str(asked)]  # fmt: skip
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    records = asked / OUTPUTS["records"]["records"]
    deadline = time.monotonic() + 60
    while not records.exists() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.wait()
    rerun = snakemake(asked)
    if rerun.returncode != 0:
        assert "--unlock" in rerun.stderr
        assert snakemake(asked, "--unlock").returncode == 0
        rerun = snakemake(asked)
    assert rerun.returncode == 0, rerun.stderr
    assert reports(asked) == reports(clean)
