"""Many reviews in one run: an organisation refreshing its living reviews.

:func:`refresh` runs the workflow on each review directory, several at a time, each in a
Snakemake process of its own with the same profile (the laptop's default, or a cluster's:
``profiles/slurm`` submits every step as a cluster job). A review that fails does not stop
the others; the summary names each review's outcome and the log that says why, and the run
fails when any review did.

Each review is its own Snakemake run in its own directory, so its lock, its metadata and
its reports stay with it, exactly as when it is run alone.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from searchtrail.errors import Problem, ReviewError
from searchtrail.layout import LOG_FILE

LOG_NAME: Final = "reports/logs/refresh.log"
"""Where each review keeps the output of its last refresh."""


@dataclass(frozen=True)
class Outcome:
    """How one review's run ended."""

    review: Path
    status: int
    seconds: float
    log: Path

    @property
    def ok(self) -> bool:
        return self.status == 0


def snakefile() -> Path:
    """The workflow's Snakefile, beside the package in a checkout (the README's install)."""
    found = Path(__file__).resolve().parents[2] / "Snakefile"
    if not found.is_file():
        raise ReviewError(
            [
                Problem.of_file(
                    str(found),
                    "the Snakefile of a searchtrail checkout",
                    "no Snakefile beside the installed package; give it with --snakefile",
                )
            ]
        )
    return found


def reviews_from(names: Sequence[str], listed: Path | None) -> list[Path]:
    """The review directories named on the command line and in ``listed`` (one per line;
    blank lines and lines starting with # are skipped; relative paths are relative to the
    list's folder). Each must hold a search log."""
    found = [Path(name) for name in names]
    problems = []
    if listed is not None:
        try:
            lines = listed.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ReviewError(
                [Problem.of_file(str(listed), "a list of review directories", str(error))]
            ) from error
        for number, line in enumerate(lines, start=1):
            entry = line.strip()
            if entry and not entry.startswith("#"):
                path = Path(entry)
                found.append(path if path.is_absolute() else listed.parent / path)
                if not (found[-1] / LOG_FILE).is_file():
                    problems.append(
                        Problem(
                            str(listed),
                            number,
                            None,
                            None,
                            entry,
                            f"a review directory (one holding {LOG_FILE})",
                            f"{found[-1]} has no {LOG_FILE}",
                        )
                    )
    for path in found[: len(names)]:
        if not (path / LOG_FILE).is_file():
            problems.append(
                Problem.of_file(
                    str(path),
                    f"a review directory (one holding {LOG_FILE})",
                    f"no {LOG_FILE} in it",
                )
            )
    seen: dict[Path, Path] = {}
    for path in found:
        resolved = path.resolve()
        if resolved in seen:
            problems.append(
                Problem.of_file(
                    str(path), "each review once", f"the same directory as {seen[resolved]}"
                )
            )
        seen.setdefault(resolved, path)
    if problems:
        raise ReviewError(problems)
    if not found:
        raise ReviewError(
            [Problem.of_file("(command line)", "at least one review directory", "none given")]
        )
    return found


def command(
    review: Path,
    workflow: Path,
    profile: Path | None,
    cores: int,
    extra: Sequence[str] = (),
) -> list[str]:
    """The Snakemake command that runs the workflow on one review (``extra``: more
    Snakemake options, given to every run)."""
    args = [sys.executable, "-m", "snakemake", "-s", str(workflow), "--directory", str(review)]
    if profile is not None:
        args += ["--profile", str(profile.resolve())]
    else:
        args += ["--cores", str(cores)]
    return [*args, *extra]


def run_one(
    review: Path,
    workflow: Path,
    profile: Path | None,
    cores: int,
    extra: Sequence[str] = (),
) -> Outcome:
    """Run the workflow on one review; its output goes to the review's refresh log."""
    log = review / LOG_NAME
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as handle:
        status = subprocess.call(
            command(review, workflow, profile, cores, extra),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    return Outcome(review, status, time.perf_counter() - started, log)


def refresh(
    reviews: Sequence[Path],
    *,
    workflow: Path,
    profile: Path | None = None,
    parallel: int = 1,
    cores: int = 1,
    extra: Sequence[str] = (),
) -> list[Outcome]:
    """Run the workflow on every review, ``parallel`` at a time; the outcomes in the order
    the reviews were given."""
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        return list(
            pool.map(lambda review: run_one(review, workflow, profile, cores, extra), reviews)
        )


def summary(outcomes: Sequence[Outcome]) -> str:
    """One line per review, and the count of those that failed."""
    lines = []
    for outcome in outcomes:
        state = "ok" if outcome.ok else f"FAILED (exit {outcome.status}; see {outcome.log})"
        lines.append(f"{outcome.review}: {state}, {outcome.seconds:.1f} s")
    failed = sum(1 for outcome in outcomes if not outcome.ok)
    lines.append(
        f"{len(outcomes) - failed} of {len(outcomes)} reviews refreshed"
        + (f"; {failed} failed" if failed else "")
    )
    return "\n".join(lines)


__all__ = ["Outcome", "command", "refresh", "reviews_from", "snakefile", "summary"]
