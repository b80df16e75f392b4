"""The Snakemake workflow, run end to end on copies of the shipped reviews."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from searchtrail.layout import OUTPUTS, STAGES
from tests.conftest import REPO, TWO_COLUMNS

pytestmark = pytest.mark.pipeline

REPORTS = [name for stage in STAGES for name in OUTPUTS[stage].values() if "data/" not in name]
REPORTS.append(OUTPUTS["counts"]["counts"])


def snakemake(directory: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(directory),
        "--cores",
        "1",
        "--quiet",
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("seed")
    import shutil

    shutil.copytree(REPO / "searches", directory / "searches")
    shutil.copytree(REPO / "screening", directory / "screening")
    result = snakemake(directory)
    assert result.returncode == 0, result.stderr
    return directory


def test_seed_review_includes_nice_ng76_and_excludes_the_assessed_list(seed_run):
    n = {row["data"]: row["n"] for row in read_rows(seed_run / "reports/PRISMA.csv")}
    # The document: NG76 (found outside these searches) is the one reference used; none of
    # the twelve assessed references in its partial hit list answered the questions.
    assert (n["new_studies"], n["new_reports"]) == ("1", "1")
    assert n["other_assessed"] == "13"
    assert n["other_excluded"] == "Does not answer the review questions, 12"
    # 45 reports taken forward by the searches that state a number, and NG76; four searches
    # state none, so the reports still without a decision are not a known number.
    assert n["other_sought_reports"] == "46"
    rows = {r["data"]: r for r in read_rows(seed_run / "reports/PRISMA.csv")}
    assert rows["other_sought_reports"]["boxtext"] == (
        "Reports sought for retrieval (plus 4 searches with no count; awaiting a decision: "
        "33 or more)"
    )
    flow = {row["record_id"]: row for row in read_rows(seed_run / "reports/flow.csv")}
    assert flow["included:national2017-746726"]["status"] == "included"
    assert flow["included:national2017-746726"]["study"] == "NICE NG76 (2017)"


def test_pipeline_writes_every_report(seed_run):
    for name in REPORTS:
        assert (seed_run / name).stat().st_size > 0, name


def test_pipeline_source_table_matches_the_document(seed_run):
    rows = {row["source"]: row for row in read_rows(seed_run / "reports/sources.csv")}
    assert len(rows) == 15
    assert {name: rows[name]["identified"] for name in rows} == {
        "Google Scholar": "5932",
        "Helsedirektoratet": "1261",
        "NICE": "1239",
        "Socialstyrelsen Sweden": "87",
        "Kunnskapsguiden": "232",
        "SBU": "26",
        "MFoF": "",
        "IVO": "",
        "FORTE": "294",
        "regeringen.se": "76",
        "SFBUP": "",
        "Socialstyrelsen Denmark": "61",
        "regeringen.dk": "",
        "VIVE": "123",
        "Snowballing": "",
    }
    assert sum(int(r["searches_without_count"]) for r in rows.values()) == 13


def test_pipeline_search_table_has_every_search(seed_run):
    rows = read_rows(seed_run / "reports/searches.csv")
    assert len(rows) == 57
    assert rows[0]["id"] == "gs-01"
    assert rows[-1]["id"] == "snowball-01"


def test_pipeline_is_deterministic(seed_run, tmp_path):
    """A second, independent run gives byte-identical reports."""
    import shutil

    shutil.copytree(REPO / "searches", tmp_path / "searches")
    shutil.copytree(REPO / "screening", tmp_path / "screening")
    result = snakemake(tmp_path)
    assert result.returncode == 0, result.stderr
    for name in REPORTS:
        assert (tmp_path / name).read_bytes() == (seed_run / name).read_bytes(), name


def test_pipeline_runs_a_review_with_both_columns(tmp_path):
    import shutil

    shutil.copytree(TWO_COLUMNS / "searches", tmp_path / "searches")
    result = snakemake(tmp_path)
    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "reports/prisma.svg").read_text(encoding="utf-8")
    assert "Identification of studies via databases and registers" in svg
    assert "Identification of studies via other methods" in svg


def test_differences_between_log_and_exports_are_reported_with_their_numbers(tmp_path):
    """MEDLINE's log says 412 records; its export holds 2, one of them unreadable and
    skipped as the log allows. The tables say so; the unreadable record is counted as
    removed for other reasons, not dropped."""
    import shutil

    shutil.copytree(TWO_COLUMNS / "searches", tmp_path / "searches")
    export = tmp_path / "searches/exports/medline-1.ris"
    export.write_text(
        export.read_text(encoding="utf-8")
        + "\nTI  - A record whose TY line was lost\nAU  - Berg, Ola\nER  - \n",
        encoding="utf-8",
    )
    log = tmp_path / "searches/log.yaml"
    log.write_text(
        log.read_text(encoding="utf-8").replace(
            "      holds: identified\n", "      holds: identified\n      skip_unreadable: true\n", 1
        ),
        encoding="utf-8",
    )
    result = snakemake(tmp_path)
    assert result.returncode == 0, result.stderr
    [medline] = [r for r in read_rows(tmp_path / "reports/searches.csv") if r["id"] == "medline-1"]
    assert (medline["identified"], medline["records_in_file"], medline["records_read"]) == (
        "412",
        "2",
        "1",
    )
    assert medline["records_skipped"] == "1"
    assert medline["reconciliation"] == (
        "documented 412 identified, the export holds 2; 1 unreadable record(s) skipped"
    )
    sources = {r["source"]: r for r in read_rows(tmp_path / "reports/sources.csv")}
    assert sources["MEDLINE"]["reconciliation"] == (
        "medline-1: documented 412 identified, the export holds 2; 1 unreadable record(s) skipped"
    )
    text = (tmp_path / "reports/sources.md").read_text(encoding="utf-8")
    assert "## Where the exports differ from the log" in text
    assert "- MEDLINE: medline-1: documented 412 identified, the export holds 2" in text
    # where the skipped record is, and why: the file, its line, what is wrong
    lines = export.read_text(encoding="utf-8").splitlines()
    lost = lines.index("TI  - A record whose TY line was lost") + 1
    dedup = (tmp_path / "reports/duplicates.md").read_text(encoding="utf-8")
    assert "## Records that could not be read" in dedup
    [entry] = [line for line in dedup.splitlines() if line.startswith("- medline-1: ")]
    assert f"medline-1.ris:{lost}" in entry


def test_pipeline_stops_with_the_problem_list(tmp_path):
    import shutil

    shutil.copytree(TWO_COLUMNS / "searches", tmp_path / "searches")
    log = tmp_path / "searches/log.yaml"
    log.write_text(
        log.read_text(encoding="utf-8").replace("kind: register", "kind: registry"), "utf-8"
    )
    result = snakemake(tmp_path)
    assert result.returncode == 1
    assert "search 'ctgov-1': field 'kind': value 'registry' is not allowed" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "reports").exists()


def test_workflow_lint_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint", "--snakefile", str(REPO / "Snakefile")],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_snakemake_audit_report(seed_run):
    result = snakemake(seed_run, "--report", "reports/audit.html")
    assert result.returncode == 0, result.stderr
    page = (seed_run / "reports/audit.html").read_text(encoding="utf-8")
    assert "prisma.svg" in page
    assert "sources.csv" in page
