"""The worked example with two records the machine asks people about: web pages summarising
the PT-Nord trial and the Incredible Years trial, with only a title, an author and a year,
among Google Scholar's records taken forward."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import EXAMPLE

SUMMARIES = (
    "\nTY  - GEN\nAU  - Larsen, Kari M.\nTI  - Group parent training for children with conduct "
    "problems: a randomised trial in Norwegian child welfare services\nPY  - 2019\n"
    "UR  - https://www.example.org/pt-nord-summary\nER  - \n"
    "\nTY  - GEN\nAU  - Olsen, Trine\nTI  - Incredible Years parent training in Norwegian "
    "municipalities: a pragmatic randomised controlled trial\nPY  - 2020\n"
    "UR  - https://www.example.org/incredible-years-summary\nER  - \n"
)
PT_NORD = ("medline-1:pmid-30811234", "web-1:larsen2019-22310a")
"""The first question: the PT-Nord trial's article and its web summary."""
INCREDIBLE_YEARS = ("medline-1:pmid-32045678", "web-1:olsen2020-a20de8")
"""The second question: the Incredible Years trial's article and its web summary."""


def with_two_questions(target: Path) -> Path:
    """A copy of the worked example (without reports) in ``target``, with the two web
    summaries added to Google Scholar's export and its count taken forward raised to 4."""
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("reports"))
    web = target / "searches/exports/web-1.ris"
    web.write_text(web.read_text(encoding="utf-8") + SUMMARIES, encoding="utf-8")
    log = target / "searches/log.yaml"
    text = log.read_text(encoding="utf-8")
    old = "identified: 250\n    for_assessment: 2"
    assert old in text
    log.write_text(text.replace(old, "identified: 250\n    for_assessment: 4"), encoding="utf-8")
    return target
