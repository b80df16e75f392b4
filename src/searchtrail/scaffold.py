"""Starting a new review directory from the packaged templates."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.fileio import write_text
from searchtrail.layout import LOG_FILE, REVIEW_FILE

TITLE_LIMIT = 500
"""As searches/review.yaml's schema allows."""

_KEEP = {
    "searches/exports/.gitkeep": "",
    "screening/.gitkeep": "",
    "reports/.gitignore": "# Everything here is made by the pipeline.\n*\n!.gitignore\n",
}


def create_review(directory: Path, *, title: str) -> list[Path]:
    """Write a minimal valid review into ``directory``; return the files made.

    Refuses to overwrite an existing search log or review file.
    """
    problems = []
    if directory.exists() and not directory.is_dir():
        problems.append(
            Problem.of_file(
                str(directory), "a folder for the new review", "it is a file, not a folder"
            )
        )
    if not title.strip() or len(title) > TITLE_LIMIT:
        problems.append(
            Problem(
                "--title",
                None,
                None,
                None,
                show_value(title),
                f"the review's title, 1 to {TITLE_LIMIT} characters",
                f"the title is {len(title):,} characters long",
            )
        )
    if problems:
        raise ReviewError(problems, summary="the review cannot be made")
    templates = resources.files("searchtrail").joinpath("templates")
    files = {
        REVIEW_FILE: templates.joinpath("review.yaml")
        .read_text("utf-8")
        .replace('"{title}"', json.dumps(title, ensure_ascii=False)),
        LOG_FILE: templates.joinpath("log.yaml").read_text("utf-8"),
        **_KEEP,
    }
    for name in (REVIEW_FILE, LOG_FILE):
        if (directory / name).exists():
            raise FileExistsError(f"{directory / name} already exists; not overwriting it")
    created = []
    for name, text in files.items():
        path = directory / name
        if path.exists():
            continue
        write_text(path, text)
        created.append(path)
    return created
