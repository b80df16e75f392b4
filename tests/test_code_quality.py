"""The code checks the project holds itself to, run with the tests so CI enforces them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

PYTHON_DIRS = [
    name for name in ("src", "tests", "workflow", "benchmarks") if (REPO / name).is_dir()
]
CHECKS = {
    "ruff lint": ["ruff", "check", *PYTHON_DIRS],
    "ruff format": ["ruff", "format", "--check", *PYTHON_DIRS],
    "mypy": ["mypy"],
    "snakefmt": ["snakefmt", "--check", "Snakefile", "workflow"],
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_code_check_passes(name):
    result = subprocess.run(
        [sys.executable, "-m", *CHECKS[name]],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
