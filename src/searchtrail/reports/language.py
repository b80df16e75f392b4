"""The language the reports are written in, and every label in it.

The labels live in ``labels.yaml`` beside this module: one table of label keys, each with its
text in every supported language, and per language how numbers are written and where the
wording comes from. :class:`Words` looks labels up in one language and writes counts the way
that language does (``n = 9 331`` in Norwegian, ``n = 9,331`` in English).

Which language a review's reports use (:func:`report_language`): the optional
``report_language`` of ``searches/review.yaml`` when given (it must be a supported language);
otherwise the review's ``language`` when it is supported; otherwise English.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

import yaml

from searchtrail.counts.build import SOUGHT_FROM_EXPORTS, SOUGHT_FROM_LOG, SOUGHT_FROM_OUTSIDE
from searchtrail.counts.flow import (
    NEEDS_ELIGIBILITY,
    NEEDS_REMOVAL,
    NEEDS_RETRIEVAL,
    NEEDS_SCREENING,
    NEEDS_STUDIES,
)
from searchtrail.counts.number import Count
from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.layout import REVIEW_FILE
from searchtrail.searchlog import RECORD_FILE

if TYPE_CHECKING:
    from searchtrail.searchlog import Review

DEFAULT_LANGUAGE: Final = "en"
NO_BREAK: Final = "\u00a0"
"""Joins words that must stay on one line (``n = 1,234``); wrapping never breaks at it."""
NOT_RECORDED: Final = "—"
"""Shown for a number the log does not keep for that kind of search, in every language."""

LANGUAGE_ALIASES: Final = {"no": "nb"}
"""Language tags read as another: Norwegian without a written standard is read as bokmål."""

PHRASES: Final = {
    SOUGHT_FROM_EXPORTS: "part.from_exports",
    SOUGHT_FROM_LOG: "part.from_log",
    SOUGHT_FROM_OUTSIDE: "part.from_outside",
    NEEDS_REMOVAL: "pending.removal",
    NEEDS_SCREENING: "pending.screening",
    NEEDS_RETRIEVAL: "pending.retrieval",
    NEEDS_ELIGIBILITY: "pending.eligibility",
    NEEDS_STUDIES: "pending.studies",
}
"""The fixed English phrases the counts carry (parts of a box, why a stage waits), by the label
key of their translation. Any other phrase is shown as the counts give it."""


@dataclass(frozen=True)
class Language:
    """How one language writes numbers, and where its wording comes from."""

    code: str
    name: str
    thousands: str
    """The digit-group separator: ``,`` in English, a no-break space in Norwegian."""
    group_from: int
    """Numbers with at least this many digits are grouped (5 in Spanish: 9331, 12.345)."""
    singular: frozenset[int]
    """The counts that take the singular noun (0 and 1 in French)."""
    source: str


@dataclass(frozen=True)
class _Table:
    languages: Mapping[str, Language]
    labels: Mapping[str, Mapping[str, str]]


def placeholders(template: str) -> frozenset[str]:
    """The names of the ``{placeholders}`` in a label's text."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


@cache
def _table() -> _Table:
    text = resources.files(__package__).joinpath("labels.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    languages = {
        code: Language(
            code=code,
            name=str(entry["name"]),
            thousands=str(entry["thousands"]),
            group_from=int(entry["group_from"]),
            singular=frozenset(int(n) for n in entry["singular"]),
            source=" ".join(str(entry["source"]).split()),
        )
        for code, entry in data["languages"].items()
    }
    labels: dict[str, dict[str, str]] = {}
    for key, texts in data["labels"].items():
        missing = [code for code in languages if not str(texts.get(code) or "").strip()]
        if missing:
            raise ValueError(f"labels.yaml: label {key!r} has no text in {', '.join(missing)}")
        labels[key] = {code: str(texts[code]) for code in languages}
    return _Table(languages, labels)


def supported_languages() -> tuple[str, ...]:
    """The language codes reports can be written in, English first."""
    return tuple(_table().languages)


def language_info(language: str) -> Language:
    """How ``language`` writes numbers and where its wording comes from."""
    return _table().languages[_supported(language)]


def label_keys() -> tuple[str, ...]:
    """Every label key, in the order of ``labels.yaml``."""
    return tuple(_table().labels)


def label_text(key: str, language: str) -> str:
    """A label's text as written in ``labels.yaml``, placeholders unfilled."""
    return _table().labels[key][_supported(language)]


def label(key: str, language: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The label ``key`` in ``language`` with its placeholders filled; numbers are written
    with the language's digit grouping: ``label("count.n", "nb", n=9331)`` -> ``n = 9 331``."""
    return words(language).label(key, **values)


@cache
def words(language: str = DEFAULT_LANGUAGE) -> Words:
    """The :class:`Words` of ``language`` (one shared instance per language)."""
    return Words(language)


class Words:
    """Labels and counts in one language.

    >>> Words("nb").label("box.records_screened")
    'Referanser screenet'
    """

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language: Final = _supported(language)
        self._info = _table().languages[self.language]
        self._labels = {key: texts[self.language] for key, texts in _table().labels.items()}

    def __repr__(self) -> str:
        return f"Words({self.language!r})"

    @property
    def source(self) -> str:
        """Where this language's wording comes from."""
        return self._info.source

    def label(self, key: str, /, **values: object) -> str:
        """The label ``key`` with its placeholders filled (integers as :meth:`number`)."""
        try:
            template = self._labels[key]
        except KeyError:
            raise KeyError(f"no label {key!r} in labels.yaml") from None
        return template.format_map({name: self._value(v) for name, v in values.items()})

    __call__ = label

    def plural(self, key: str, n: int, /, **values: object) -> str:
        """The ``key.one`` or ``key.other`` form of a label, as ``n`` asks; ``n`` fills
        ``{n}``."""
        form = "one" if n in self._info.singular else "other"
        return self.label(f"{key}.{form}", n=n, **values)

    def number(self, value: int) -> str:
        """An integer with the language's digit grouping: 9331 -> '9,331', '9 331', '9.331'."""
        digits = str(abs(value))
        sign = "-" if value < 0 else ""
        if len(digits) < self._info.group_from:
            return sign + digits
        head = len(digits) % 3 or 3
        groups = [digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))]
        return sign + self._info.thousands.join(groups)

    def searches(self, n: int) -> str:
        """'1 search', '4 searches' ('4 søk', '4 Suchen', ...)."""
        return self.label("searches.one" if n in self._info.singular else "searches.other", n=n)

    def phrase(self, text: str) -> str:
        """A fixed phrase of the counts (a part of a box, why a stage waits) in this
        language; any other text as it is."""
        key = PHRASES.get(text)
        return text if key is None else self.label(key)

    def source_name(self, name: str) -> str:
        """A source's name as the diagram shows it: a record file's ('record file X') in this
        language, any other as it is."""
        prefix = f"{RECORD_FILE} "
        if name.startswith(prefix):
            return self.label("source.record_file", id=name.removeprefix(prefix))
        return name

    def n_phrase(self, count: Count) -> str:
        """The count as the PRISMA template writes it in a box, without brackets:
        'n = 1,239'; 'n = 5,932 + 4 searches with no count'; 'n not reported, 2 searches';
        'pending' (the reason is given separately). ``n = 1,239`` is joined by no-break
        spaces."""
        if count.pending:
            return self.label("count.pending")
        if count.value is None:
            if count.unstated:
                return self.label(
                    "count.n_not_reported_searches", searches=self.searches(count.unstated)
                )
            return self.label("count.n_not_reported")
        if count.unstated:
            return self.label(
                "count.n_unstated", n=count.value, searches=self.searches(count.unstated)
            )
        return self.label("count.n", n=count.value)

    def describe(self, count: Count | None) -> str:
        """A count in words for a table cell: '9,331'; '9,331 + 13 searches with no count';
        'not reported (2 searches)'; 'pending'; '—' when nothing is recorded (``None``)."""
        if count is None:
            return NOT_RECORDED
        if count.pending:
            return self.label("count.pending")
        if count.value is None:
            if count.unstated:
                return self.label(
                    "count.not_reported_searches", searches=self.searches(count.unstated)
                )
            return self.label("count.not_reported")
        if count.unstated:
            return self.label(
                "count.unstated", n=count.value, searches=self.searches(count.unstated)
            )
        return self.number(count.value)

    def awaiting_phrase(self, count: Count) -> str:
        """Records or reports waiting for a decision: '12'; '33 or more' when searches that
        state no count may add to them; 'not known' when none of them states one."""
        if count.value is None:
            return self.label("count.not_known")
        if count.unstated:
            return self.label("count.or_more", n=count.value)
        return self.number(count.value)

    def awaiting(self, count: Count) -> str:
        """'awaiting a decision: 33 or more', in this language."""
        return self.label("count.awaiting", n=self.awaiting_phrase(count))

    def pending(self, reason: str) -> str:
        """'pending: <why>', with the reason in this language where it is a known one."""
        return self.label("count.pending_reason", reason=self.phrase(reason))

    def _value(self, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return self.number(value)
        return value


def language_of_tag(tag: object) -> str | None:
    """The supported language a language tag names ('nb', 'nb-NO', 'de-AT', 'no'), or None."""
    if not isinstance(tag, str) or not tag.strip():
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    primary = LANGUAGE_ALIASES.get(primary, primary)
    return primary if primary in _table().languages else None


def report_language(review: Review) -> str:
    """The language of ``review``'s reports: ``report_language`` from review.yaml when
    given, else the review's ``language`` when reports can be written in it, else English.

    Raises :class:`~searchtrail.errors.ReviewError` naming the file, the value and the
    supported languages when ``report_language`` is not one of them (the schema refuses it
    too when the review is read from its files)."""
    metadata = review.metadata
    chosen = metadata.get("report_language")
    if chosen is not None:
        if isinstance(chosen, str) and chosen in _table().languages:
            return chosen
        raise ReviewError([report_language_problem(chosen)])
    return language_of_tag(metadata.get("language")) or DEFAULT_LANGUAGE


def report_language_problem(value: object) -> Problem:
    """The problem with a ``report_language`` that is not supported."""
    shown = show_value(value)
    return Problem(
        file=REVIEW_FILE,
        line=None,
        entry=None,
        field="report_language",
        value=shown,
        expected=f"one of the languages reports can be written in: {_listed()}",
        message=f"value {shown} is not a language searchtrail can write reports in",
    )


def _listed() -> str:
    return ", ".join(_table().languages)


def _supported(language: str) -> str:
    if language not in _table().languages:
        raise ValueError(f"no report wording in language {language!r}; expected one of {_listed()}")
    return language


__all__ = [
    "DEFAULT_LANGUAGE",
    "NOT_RECORDED",
    "NO_BREAK",
    "Language",
    "Words",
    "label",
    "label_keys",
    "label_text",
    "language_info",
    "language_of_tag",
    "placeholders",
    "report_language",
    "report_language_problem",
    "supported_languages",
    "words",
]
