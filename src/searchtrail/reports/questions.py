"""The duplicate questions page: ``reports/duplicates.html``.

Every pair the verdicts file (``screening/duplicates.csv``) still asks about, its two
records side by side, field by field: words one side has and the other lacks are marked,
fields the two agree on are greyed. Beside each pair: the machine's reason and scores, and
the answers a person can give (duplicate, keeping A or B; not duplicate; leave open) with a
note. The page keeps the answers in the browser (``localStorage``, under the review's title
and the pair) and its "Save verdicts" button downloads them as a CSV file with the verdicts
file's columns, which ``searchtrail screening verdicts`` checks and adds to
``screening/duplicates.csv``; the next run applies them.

The page is one file that works offline from disk. Everything on it that comes from the
review is escaped here (:func:`~searchtrail.reports.words.xml`); the script sets text with
``textContent`` only, and reads the pairs from a JSON block. The same inputs give the same
bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from importlib.resources import files
from typing import Any, Final

import pandas as pd

from searchtrail import __version__
from searchtrail.dedup.verdicts import SAVED_COLUMNS, OpenQuestion
from searchtrail.folding import fold
from searchtrail.layout import VERDICTS_FILE
from searchtrail.reports.browse import PAIR_SCORES, Trail
from searchtrail.reports.words import number, xml
from searchtrail.searchlog import Review

QUESTION_FIELDS: Final = (
    "type", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid",
    "abstract",
)  # fmt: skip
"""The fields of each record the page shows (columns of the records table)."""
ASKED_COLUMNS: Final = ("record_id", "origin_id", "file", "line", *QUESTION_FIELDS)
"""The columns of the records table the page reads."""
SHOWN: Final = (
    ("title", "Title"),
    ("authors", "Authors"),
    ("year", "Year"),
    ("journal", "Journal"),
    ("volume", "Volume"),
    ("issue", "Issue"),
    ("pages", "Pages"),
    ("doi", "DOI"),
    ("pmid", "PubMed id"),
    ("type", "Type"),
    ("abstract", "Abstract"),
)
"""The compared fields, in the order of the page's rows."""
ABSTRACT_SHOWN: Final = 600
"""Characters of an abstract shown before the rest is folded away."""
SAVED_FILE: Final = "duplicate-verdicts.csv"
"""The name the saved verdicts are downloaded under."""
STORAGE: Final = "searchtrail-duplicate-questions"
"""The first part of every key the page stores answers under."""

_STYLE: Final = files("searchtrail.reports").joinpath("questions.css").read_text("utf-8")
_SCRIPT: Final = files("searchtrail.reports").joinpath("questions.js").read_text("utf-8")
_TOKEN: Final = re.compile(r"\S+|\s+")


def asked_records(records: pd.DataFrame, questions: Sequence[OpenQuestion]) -> pd.DataFrame:
    """The rows of ``records`` (the records table, with :data:`ASKED_COLUMNS`) that the open
    ``questions`` name, for :attr:`Trail.asked`."""
    ids = {q.record_a for q in questions} | {q.record_b for q in questions}
    return records.loc[records["record_id"].astype(str).isin(ids)].reset_index(drop=True)


def duplicates_html(review: Review, trail: Trail | None) -> str:
    """The questions page of ``review``: every open duplicate question in ``trail`` (None:
    the page says it was made without the records)."""
    if trail is None:
        body = (
            '<p class="none">This page was made without the records of the review. Run the '
            "pipeline (or <code>searchtrail stage reports</code>) to see the open questions.</p>"
        )
        return _page(review, body, [])
    questions = sorted(trail.questions, key=lambda q: (q.line, q.record_a, q.record_b))
    if not questions:
        body = (
            '<p class="none">No duplicate questions are open: every pair the machine was '
            f"unsure about has an answer in <code>{xml(VERDICTS_FILE)}</code>.</p>"
        )
        return _page(review, body, [])
    records = _by_id(trail.asked if trail.asked is not None else trail.records)
    groups = _groups(trail.groups)
    pairs = _pairs(trail.pairs, {_pair(q.record_a, q.record_b) for q in questions})
    origins = {o.id: o for o in review.origins()}
    articles = []
    saved: list[dict[str, str]] = []
    for n, question in enumerate(questions, start=1):
        anchor = f"q{n}"
        first = records.get(question.record_a, {})
        second = records.get(question.record_b, {})
        articles.append(
            _article(
                anchor,
                n,
                len(questions),
                question,
                (first, second),
                (
                    _origin(first.get("origin_id", ""), origins),
                    _origin(second.get("origin_id", ""), origins),
                ),
                (groups.get(question.record_a, ""), groups.get(question.record_b, "")),
                pairs.get(_pair(question.record_a, question.record_b)),
            )
        )
        saved.append(
            {
                "id": anchor,
                "a": question.record_a,
                "b": question.record_b,
                "title_a": first.get("title", ""),
                "title_b": second.get("title", ""),
            }
        )
    return _page(review, _instructions(len(questions)) + "\n".join(articles), saved)


# --- the parts of the page ----------------------------------------------------------------------


def _page(review: Review, body: str, pairs: Sequence[Mapping[str, str]]) -> str:
    data = {
        "columns": list(SAVED_COLUMNS),
        "file": SAVED_FILE,
        "pairs": list(pairs),
        "review": review.title,
        "storage": STORAGE,
    }
    packed = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    total = len(pairs)
    bar = (
        f"""<div class="bar">
<p class="counter" aria-live="polite"><strong id="answered">0</strong> of {number(total)}
{"pair" if total == 1 else "pairs"} answered</p>
<button type="button" id="save">Save verdicts</button>
<p id="saved" class="saved" aria-live="polite"></p>
</div>"""
        if pairs
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="searchtrail {xml(__version__)}">
<title>Duplicate questions: {xml(review.title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>{xml(review.title)}</h1>
<p class="subtitle">Duplicate questions: pairs of records the machine could not decide on</p>
{bar}
</header>
<main>
{body}
</main>
<footer>Made by searchtrail {xml(__version__)} from <code>{xml(VERDICTS_FILE)}</code> and the
records the pipeline read. Answers given here count once they are saved, added with
<code>searchtrail screening verdicts</code> and the pipeline has run again.</footer>
<script type="application/json" id="questions-data">{packed}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def _instructions(total: int) -> str:
    return f"""<section class="help" aria-labelledby="help-title">
<h2 id="help-title">How to answer</h2>
<ol>
<li>For each pair, compare the two records: words that only one of them has are
<mark>marked</mark>; fields the two agree on are greyed.</li>
<li>Answer <em>Duplicate — keep A</em> or <em>keep B</em> (the record the merged publication
keeps), <em>Not duplicate</em>, or leave it open; a note is welcome. Answers stay in this
browser when the page is closed or reloaded.</li>
<li>Press <em>Save verdicts</em>: the answered pairs are downloaded as
<code>{xml(SAVED_FILE)}</code>. Keep that file outside the review's <code>screening/</code>
folder.</li>
<li>Add them to <code>{xml(VERDICTS_FILE)}</code> with
<code>searchtrail screening verdicts REVIEW {xml(SAVED_FILE)}</code> and run the pipeline
again: answered pairs are merged or kept apart, and leave this page.</li>
</ol>
<p class="keys">Keyboard: <kbd>j</kbd> and <kbd>k</kbd> go to the next and previous pair;
on a pair, <kbd>a</kbd> duplicate — keep A, <kbd>b</kbd> duplicate — keep B, <kbd>n</kbd>
not duplicate, <kbd>o</kbd> leave open; <kbd>Tab</kbd> reaches every control.</p>
<p><strong>{number(total)}</strong> {"question is" if total == 1 else "questions are"} open.</p>
<noscript><p class="saved">Saving answers needs JavaScript, which this browser does not
run: write the verdicts in <code>{xml(VERDICTS_FILE)}</code> instead.</p></noscript>
</section>
"""


def _article(
    anchor: str,
    n: int,
    total: int,
    question: OpenQuestion,
    sides: tuple[Mapping[str, str], Mapping[str, str]],
    origins: tuple[str, str],
    groups: tuple[str, str],
    pair: Mapping[str, Any] | None,
) -> str:
    first, second = sides
    rows = []
    for name, label in SHOWN:
        rows.append(_field_row(name, label, first.get(name, ""), second.get(name, "")))
    where = [f"{r.get('file', '')}:{r.get('line', '')}" if r.get("file") else "" for r in sides]
    ids = [
        f"{record_id} (duplicate group {group})" if group else record_id
        for record_id, group in zip((question.record_a, question.record_b), groups, strict=True)
    ]
    for label, values in (("Search", origins), ("Export file and line", where), ("Record id", ids)):
        same = " same" if values[0] == values[1] else ""
        rows.append(
            f'<tr class="meta{same}"><th scope="row">{label}</th>'
            f'<td class="where">{xml(values[0]) or "—"}</td>'
            f'<td class="where">{xml(values[1]) or "—"}</td></tr>'
        )
    together = (
        f'<p class="together">Both records are already in one duplicate group '
        f"({xml(groups[0])}), through other links; <em>Not duplicate</em> parts them.</p>"
        if groups[0] and groups[0] == groups[1]
        else ""
    )
    name = f"answer-{anchor}"
    choices = (
        ("a", "Duplicate — keep A"),
        ("b", "Duplicate — keep B"),
        ("no", "Not duplicate"),
        ("", "Leave open"),
    )
    radios = "".join(
        f'<label><input type="radio" name="{name}" value="{value}"'
        f"{' checked' if not value else ''}> {label}</label>"
        for value, label in choices
    )
    return f"""<article class="pair" id="{anchor}" tabindex="-1" aria-labelledby="{anchor}-title">
<h2 id="{anchor}-title">Question {number(n)} of {number(total)}
<span class="line">{xml(VERDICTS_FILE)} line {question.line}</span></h2>
{_machine(pair)}
{together}
<table class="sides">
<colgroup><col class="field"><col class="side"><col class="side"></colgroup>
<thead><tr><th scope="col">Field</th><th scope="col">A: <span class="id">{xml(question.record_a)}</span></th>
<th scope="col">B: <span class="id">{xml(question.record_b)}</span></th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<fieldset class="answer">
<legend>Your answer on question {number(n)}</legend>
<div class="choices">{radios}</div>
<label class="note">Note <input type="text" class="note-input" name="note-{anchor}"
autocomplete="off"></label>
</fieldset>
</article>"""


def _machine(pair: Mapping[str, Any] | None) -> str:
    if pair is None:
        return (
            '<p class="machine">The machine did not compare these two records: the question '
            "was written into the verdicts file by hand.</p>"
        )
    scores = [
        PAIR_SCORES[name](name, float(pair[name]))
        for name in PAIR_SCORES
        if name in pair and pair[name] is not None and not pd.isna(pair[name])
    ]
    listed = "".join(f"<li>{xml(score)}</li>" for score in scores)
    return (
        f'<div class="machine"><p><strong>Machine:</strong> {xml(str(pair.get("decision", "")))}'
        f" — {xml(str(pair.get('reason', '')))}</p>"
        + (f'<ul class="scores" aria-label="Scores">{listed}</ul>' if listed else "")
        + "</div>"
    )


def _field_row(name: str, label: str, first: str, second: str) -> str:
    if not first.strip() and not second.strip():
        return f'<tr class="same empty"><th scope="row">{label}</th><td>—</td><td>—</td></tr>'
    same = " ".join(first.split()) == " ".join(second.split())
    runs = (
        _marked(first, None if same else _words(second)),
        _marked(second, None if same else _words(first)),
    )
    if name == "abstract":
        left, right = _folded(first, runs[0]), _folded(second, runs[1])
    else:
        left, right = _html(runs[0]), _html(runs[1])
    return (
        f'<tr class="{"same" if same else "differ"}" data-field="{name}">'
        f'<th scope="row">{label}</th><td>{left or "—"}</td><td>{right or "—"}</td></tr>'
    )


def _words(text: str) -> set[str]:
    return set(fold(text).split())


def _marked(text: str, other: set[str] | None) -> list[tuple[str, bool]]:
    """``text`` as runs of (text, marked): a word is marked when a word of it (as
    deduplication folds words: no case, accents or punctuation) is not in ``other`` (None:
    nothing is marked); the spaces between two marked words are marked too."""
    tokens = _TOKEN.findall(text)
    flags = []
    for token in tokens:
        if token.isspace() or other is None:
            flags.append(False)
            continue
        words = fold(token).split()
        flags.append(bool(words) and not set(words) <= other)
    for i, token in enumerate(tokens):
        if token.isspace() and 0 < i < len(tokens) - 1 and flags[i - 1] and flags[i + 1]:
            flags[i] = True
    runs: list[tuple[str, bool]] = []
    for token, flag in zip(tokens, flags, strict=True):
        if runs and runs[-1][1] == flag:
            runs[-1] = (runs[-1][0] + token, flag)
        else:
            runs.append((token, flag))
    return runs


def _html(runs: Sequence[tuple[str, bool]]) -> str:
    return "".join(f"<mark>{xml(text)}</mark>" if flag else xml(text) for text, flag in runs)


def _folded(text: str, runs: Sequence[tuple[str, bool]]) -> str:
    """An abstract's runs: the first :data:`ABSTRACT_SHOWN` characters (to a word's end),
    and the rest in a ``<details>`` element that opens it."""
    if len(text) <= ABSTRACT_SHOWN:
        return _html(runs)
    lead: list[tuple[str, bool]] = []
    rest: list[tuple[str, bool]] = []
    length = 0
    for run_text, flag in runs:
        for token in _TOKEN.findall(run_text):
            (lead if length < ABSTRACT_SHOWN or not lead else rest).append((token, flag))
            if not rest:
                length += len(token)
    remaining = sum(len(token) for token, _ in rest)
    if not remaining:
        return _html(runs)
    return (
        f'<span class="lead">{_html(lead)}</span>'
        f'<details class="more"><summary>the whole abstract ({number(remaining)} more '
        f"characters)</summary>{_html(rest)}</details>"
    )


def _field_text(name: str, value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value)
    return "; ".join(text.split("\n")) if name == "authors" else text


def _by_id(records: pd.DataFrame) -> dict[str, dict[str, str]]:
    columns = [c for c in ASKED_COLUMNS if c in records.columns]
    found: dict[str, dict[str, str]] = {}
    for row in records[columns].itertuples(index=False):
        values = dict(zip(columns, row, strict=True))
        found[str(values["record_id"])] = {
            name: _field_text(name, value) for name, value in values.items()
        }
    return found


def _groups(groups: pd.DataFrame) -> dict[str, str]:
    return dict(
        zip(
            groups["record_id"].astype(str),
            groups["duplicate_group"].astype(str),
            strict=True,
        )
    )


def _pairs(
    pairs: pd.DataFrame, asked: set[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The compared pairs among ``asked``, by their two ids in order."""
    ids = {record_id for pair in asked for record_id in pair}
    first, second = pairs["record_a"].astype(str), pairs["record_b"].astype(str)
    near = pairs.loc[first.isin(ids) & second.isin(ids)]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in near.to_dict("records"):
        key = _pair(str(row["record_a"]), str(row["record_b"]))
        if key in asked:
            found.setdefault(key, {str(name): value for name, value in row.items()})
    return found


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _origin(origin_id: str, origins: Mapping[str, Any]) -> str:
    origin = origins.get(origin_id)
    if origin is None:
        return origin_id
    return f"{origin_id}: {origin.name}, round {origin.round}"


__all__ = ["ASKED_COLUMNS", "asked_records", "duplicates_html"]
