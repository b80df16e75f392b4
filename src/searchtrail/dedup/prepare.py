"""Records in matching form: normalised fields as NumPy arrays, one position per record."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from searchtrail.dedup import normalise, processes
from searchtrail.folding import fold
from searchtrail.records.fields import type_parts
from searchtrail.records.identifiers import by_type, typed

# Kinds of publication that are never merged silently with a record of another kind.
ERRATUM: Final = 1
RETRACTION: Final = 2
PREPRINT: Final = 4
CONFERENCE: Final = 8
COMMENT: Final = 16
REGISTER: Final = 32
RETRACTED: Final = 64
"""A title that begins "Retracted": the publisher's mark on a retracted article (Elsevier
prefixes "RETRACTED:" to the article's own title) or the title of the notice that retracts
it (Hindawi's "Retracted: <the article's title>"). Which one, the DOI tells: a notice is a
publication of its own, with a DOI and pages of its own."""

MARKER_NAMES: Final = {
    ERRATUM: "erratum or correction",
    RETRACTION: "retraction notice",
    PREPRINT: "preprint",
    CONFERENCE: "conference abstract",
    COMMENT: "comment or reply",
    REGISTER: "trial register entry",
    RETRACTED: "title marked retracted",
}

_ERRATUM_TITLE: Final = re.compile(
    r"^(?:erratum|errata|corrigendum|corrigenda|correction|author correction|"
    r"publisher correction)\b"
)
_RETRACTION_TITLE: Final = re.compile(
    r"^(?:retraction|notice of retraction|withdrawn|expression of concern)\b"
)
_RETRACTED_TITLE: Final = re.compile(r"^retracted\b")
_COMMENT_TITLE: Final = re.compile(
    r"^(?:reply|response to|in reply|comment on|comments on|commentary on|re\b|"
    r"letter to the editor)"
)
# A reply or comment named anywhere in the title: "... AUTHORS REPLY", "... : reply to
# Smith", "In response to ...". Words of the normalised (folded) title.
_COMMENT_WORDS: Final = re.compile(
    r"^in response to\b|\b(?:(?:the )?authors? s? (?:reply|response)|reply to|comment on|"
    r"response to (?:the )?(?:letter|comment|comments|correspondence))\b|\breply$"
)
_CORRECTION_WORDS: Final = re.compile(r"^(?:correction to|erratum to|erratum for|corrigendum to)\b")
# Trial registers, by the address a register entry gives as its source (CENTRAL writes
# "https://clinicaltrials.gov/show/NCT..." as the journal) or by its type.
_REGISTER_SOURCE: Final = re.compile(
    r"clinicaltrials\.gov|isrctn\.(?:com|org)|trialsearch\.who\.int|who\.int/trialsearch|"
    r"anzctr\.org\.au|drks\.de|clinicaltrialsregister\.eu|chictr\.org|ctri\.nic\.in|"
    r"trialregister\.nl|onderzoekmetmensen\.nl|jrct\.niph\.go\.jp|umin\.ac\.jp|irct\.ir|"
    r"pactr\.(?:org|samrc)|ensaiosclinicos\.gov\.br|cris\.nih\.go\.kr|who ictrp|"
    r"\bictrp\b",
    re.IGNORECASE,
)
_CORPORATE: Final = re.compile(
    r"\b(?:group|study|trial|investigators|consortium|collaborat\w*|committee|network|"
    r"society|association|council|institute|organi[sz]ation|team|working party|anonymous)\b",
    re.IGNORECASE,
)
_ANONYMOUS: Final = re.compile(
    r"^\W*(?:anon|anonymous|no authorship indicated|no authors? listed)\W*$", re.IGNORECASE
)
_REGISTRY_ID: Final = re.compile(
    r"\b(NCT\d{8}|ISRCTN\d{8}|ACTRN\d{14}|DRKS\d{8}|ChiCTR(?:-[A-Z]{2,4}-)?\d{8,10}|"
    r"EUCTR\d{4}-\d{6}-\d{2}(?:-[A-Z]{2})?|CTRI/\d{4}/\d{2,3}/\d{6})\b",
    re.IGNORECASE,
)
_REGISTER_TYPES: Final = re.compile(
    r"trial regist|\bregistry (?:record|entry)\b|\bregister entry\b", re.IGNORECASE
)
REGISTRY_TYPES: Final = frozenset(
    {"nct", "isrctn", "drks", "actrn", "euctr", "chictr", "ctri", "trial"}
)
"""Identifier types that name a registered trial: on a register entry they name the entry;
on a journal article they name the trial it reports, not the article."""
# DOIs of preprint servers. A prefix names the registrant, not the server: Research Square,
# SSRN, arXiv, Preprints.org, OSF (PsyArXiv, SocArXiv), EarthArXiv, ChemRxiv, TechRxiv and
# Authorea register only postings; JMIR registers its postings as 10.2196/preprints.*
# beside its journals' articles; Cold Spring Harbor registers bioRxiv and medRxiv beside its
# journals (Genome Research's 10.1101/gr.232629.117), so there only the servers' numeric
# suffixes (10.1101/2023.04.18.23288775, the older 10.1101/123456) name a preprint.
_PREPRINT_DOI: Final = re.compile(
    r"10\.(?:21203|2139|48550|20944|31234|31219|31235|31223|26434|36227|22541)/"
    r"|10\.2196/preprints\."
    r"|10\.1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d+(?:v\d+)?(?:\.full|\.abstract|/v\d+)?$"
)
# A preprint server's name as a journal: the *rXiv family (arXiv, bioRxiv, medRxiv,
# ChemRxiv, PsyArXiv, SocArXiv, ...), SSRN, Research Square (PubMed's "Res Sq"),
# Preprints.org, OSF Preprints.
_PREPRINT_WORDS: Final = re.compile(r"\b(?:[a-z]*rxiv|ssrn|research square|res sq|preprints)\b")
# A server's address of a posting among a record's links. arXiv's own BibTeX export gives a
# posting as its number, its archive and this address, with no DOI and no journal.
_PREPRINT_URL: Final = re.compile(
    r"\bhttps?://(?:www\.|export\.|papers\.)?"
    r"(?:arxiv\.org/(?:abs|pdf|html)/|xxx\.lanl\.gov/abs/|(?:bio|med)rxiv\.org/(?:cgi/)?content/"
    r"|researchsquare\.com/article/rs-|ssrn\.com/(?:sol3/papers\.cfm\?abstract_id=|abstract=)"
    r"|ssrn\.com/sol3/delivery\.cfm.*abstractid=|preprints\.org/manuscript/|osf\.io/preprints/"
    r"|psyarxiv\.com/|chemrxiv\.org/engage/chemrxiv/article-details/|techrxiv\.org/"
    r"|eartharxiv\.org/repository/view/)",
    re.IGNORECASE,
)
# Types of a record that is a publication of its own beside any posting of it.
_PUBLISHED_TYPES: Final = re.compile(
    r"conf|proceed|cpaper|paper-conference|chap|book|thes|dissert|report|rprt|patent",
    re.IGNORECASE,
)
_NUMBERED: Final = re.compile(r"^\s*\d")
"""A volume or issue that is a number (not DBLP's "abs/2305.18290" for an arXiv posting)."""
_CONFERENCE_WORDS: Final = re.compile(
    r"\b(?:conference|congress|meetings?|symposium|workshops?|summits?|abstracts|proceedings"
    r"|annual scientific)\b"
)
# A supplement issue ("Suppl. 1") holds articles as well as abstracts: a record in one is
# taken for a conference abstract only when it does not span pages (an abstract has a page,
# or an abstract number, of its own); "MeetingAbstracts" is one whatever its pages.
_MEETING_ABSTRACTS: Final = re.compile(r"meetingabstracts", re.IGNORECASE)
_SUPPLEMENT: Final = re.compile(r"(?:\b|_)suppl", re.IGNORECASE)  # "Suppl. 1", "5_suppl"
# A type naming a meeting's publication, in any of its parts (records.fields.type_parts):
# CONF, CPAPER, ABST or Abstract alone, Conference Paper, Abstract, Review or Proceedings,
# Proceedings Paper, Crossref's proceedings-article, BibTeX's inproceedings, CSL's
# paper-conference, Meeting Abstract, BIOSIS's Meeting, ERIC's Speeches/Meeting Papers and
# Collected Works - Proceedings, Ovid's Journal: Conference Abstract, PubMed's Congress. Not
# PubMed's "English Abstract" (an article in another language with an abstract in English),
# "Clinical Conference" or "Consensus Development Conference", nor a "Meeting Report" (journal
# articles reporting one).
_CONFERENCE_PART: Final = re.compile(
    r"\b(?:conf|conference|congress|meetings?|proceedings?|inproceedings|cpaper"
    r"|paper-conference)\b|^abst(?:ract)?$"
)
_ARTICLES_OF_A_CONFERENCE: Final = re.compile(
    r"^(?:clinical conference|consensus development conference\b.*"
    r"|(?:meeting|conference|congress) reports?)$"
)
# Web of Science's "Article; Proceedings Paper" is a journal's article that counts as a
# proceedings paper too: proceedings beside an article part do not make a meeting's record.
_PROCEEDINGS_PART: Final = re.compile(r"^proceedings?(?: paper)?$")
_ARTICLE_PART: Final = re.compile(r"^(?:article|journal article)$")


@dataclass
class Prepared:
    """Normalised fields of n records (arrays of length n)."""

    n: int
    title: npt.NDArray[np.object_]
    title_length: npt.NDArray[np.int64]
    """Letters of each title key (the title without its spaces, ``title.replace(" ", "")``,
    made where needed from :attr:`title`)."""
    title_words: npt.NDArray[np.int64]
    title_roman: npt.NDArray[np.bool_]
    title_worded: npt.NDArray[np.bool_]
    """The title holds a number written as a word (:data:`normalise.SPELLED_NUMBER`), which
    :func:`normalise.same_numbers_in_words` reads."""
    """The title holds a number in words that :func:`normalise.title_numbers` reads, a Roman
    numeral or a part ('part two') (:data:`normalise.WORD_NUMBER`, as Arrow's regular
    expressions find it)."""
    title_last_digit: npt.NDArray[np.int64]
    """Where the last digit of the title key is (Arrow's ``find_substring_regex``; -1 for
    none)."""
    title_numbers: npt.NDArray[np.object_]
    year: npt.NDArray[np.int64]
    doi: npt.NDArray[np.object_]
    ids: npt.NDArray[np.object_]
    """Per record, its typed identifiers grouped by type (type -> values); a trial
    registry's id only on a register entry (on an article it names the trial)."""
    first_author: npt.NDArray[np.object_]
    first_initials: npt.NDArray[np.object_]
    surnames: npt.NDArray[np.object_]
    authors_text: TextColumn
    """Per record, its authors as written (one a line); :func:`normalise.author_names` gives
    their surnames' parts, for the few pairs that need them."""
    corporate: npt.NDArray[np.bool_]
    """The authors include a group or organisation ("ALTS Group", "... Investigators")."""
    anonymous: npt.NDArray[np.bool_]
    """The author is "Anonymous" (or "Anon.", "No authorship indicated", "No authors
    listed"): the record names no author."""
    author_words: npt.NDArray[np.object_]
    journal: npt.NDArray[np.object_]
    meeting: npt.NDArray[np.object_]
    """The meeting the journal's name gives (:func:`normalise.meeting`), or ""."""
    url: npt.NDArray[np.object_]
    """The record's first address (:func:`normalise.url`)."""
    publisher: npt.NDArray[np.object_]
    """The publisher's name, folded."""
    volume: npt.NDArray[np.object_]
    issue: npt.NDArray[np.object_]
    supplement: npt.NDArray[np.object_]
    """The supplement the issue (else the volume) names, as the issue it belongs to and its
    number or letter ("8|1", "|1"; :func:`normalise.supplement`), for a record that gives
    no plain issue number; "" otherwise."""
    page: npt.NDArray[np.object_]
    last_page: npt.NDArray[np.object_]
    article_number: npt.NDArray[np.bool_]
    pages_text: npt.NDArray[np.object_]
    markers: npt.NDArray[np.int64]
    abstract: Texts
    """Per record, its abstract as written; :func:`normalise.abstract` gives its comparable
    form, for the few pairs whose abstracts are compared."""

    def take(self, rows: npt.NDArray[np.int64]) -> Prepared:
        """The records at ``rows``, in that order: what is compared of a pair depends on
        its two records alone, so a few pairs are compared among their own records rather
        than among all."""
        taken: dict[str, Any] = {"n": len(rows)}
        for name in (f.name for f in fields(self) if f.name != "n"):
            value = getattr(self, name)
            taken[name] = value[rows] if isinstance(value, np.ndarray) else value.take(rows)
        return Prepared(**taken)


class Texts(Protocol):
    """A text per record, read a value at a time ('' for a missing one)."""

    def __getitem__(self, index: int) -> str: ...

    def take(self, rows: npt.NDArray[np.int64]) -> Texts: ...


class TextColumn:
    """A text column of the records, read a value at a time (``column[k]``; '' for a missing
    or non-text value).

    The values stay in the records' own Arrow column rather than as a Python string per
    record: only a few pairs read them."""

    def __init__(self, values: pa.Array | pa.ChunkedArray) -> None:
        self.values = values

    @classmethod
    def of(cls, records: pd.DataFrame, name: str) -> TextColumn:
        if name not in records:
            return cls(pa.nulls(len(records), type=pa.large_string()))
        column = records[name]
        try:
            return cls(pa.array(column))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            texts = [v if isinstance(v, str) else None for v in column.tolist()]
            return cls(pa.array(texts, type=pa.large_string()))

    def __getitem__(self, index: int) -> str:
        value = self.values[int(index)].as_py()
        return value if isinstance(value, str) else ""

    def take(self, rows: npt.NDArray[np.int64]) -> TextColumn:
        """The values at ``rows``, value by value: Arrow's ``take`` joins a column's chunks
        into one array first, which copies all of the column (a million abstracts) for a
        few rows."""
        return take_texts(self, rows)

    def __len__(self) -> int:
        return len(self.values)


def take_texts(texts: Texts, rows: npt.NDArray[np.int64]) -> TextColumn:
    """The texts at ``rows`` of ``texts``, read one at a time, as a column of their own."""
    return TextColumn(pa.array([texts[row] for row in rows.tolist()], pa.large_string()))


def _objects(values: Sequence[object]) -> npt.NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


# ASCII characters Python's ``\s`` matches and RE2's does not; and a newline, before which
# (at the end of a text) Python's ``$`` matches and RE2's does not.
_RE2_SPACE_DIFFERS: Final = "[\x0b\x1c-\x1f]"
_RE2_END_DIFFERS: Final = "\n"


class _Texts:
    """Text values, searched with regular expressions a column at a time.

    Arrow's regular expressions (RE2) test a whole column in one call. On ASCII text their
    ``\\b``, ``\\w``, ``\\d``, ``^`` and case-insensitive matching are those of Python's
    ``re``; ``\\s`` and ``$`` are too unless the text holds one of the characters they treat
    differently. RE2 decides those values, Python's ``re`` the others."""

    def __init__(self, values: list[str]) -> None:
        self.values = values

    @cached_property
    def arrow(self) -> pa.Array:
        return pa.array(self.values, type=pa.large_string())

    def _matches(self, pattern: str) -> npt.NDArray[np.bool_]:
        found = pc.match_substring_regex(self.arrow, pattern)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

    @cached_property
    def _python(self) -> npt.NDArray[np.bool_]:
        """Values RE2 cannot decide for a pattern without ``$``."""
        ascii_ = pc.string_is_ascii(self.arrow).to_numpy(zero_copy_only=False)
        return ~np.asarray(ascii_, dtype=bool) | self._matches(_RE2_SPACE_DIFFERS)

    @cached_property
    def _python_at_end(self) -> npt.NDArray[np.bool_]:
        """Values RE2 cannot decide for a pattern with ``$``."""
        return self._python | self._matches(_RE2_END_DIFFERS)

    def search(self, pattern: re.Pattern[str]) -> npt.NDArray[np.bool_]:
        """Whether ``pattern`` is found in each value (as ``pattern.search``); a pattern with
        flags other than IGNORECASE is left to Python's ``re``."""
        if pattern.flags & (re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII | re.LOCALE):
            return np.array([pattern.search(v) is not None for v in self.values], dtype=bool)
        if not self.values:
            return np.zeros(0, dtype=bool)
        found = pc.match_substring_regex(
            self.arrow, pattern.pattern, ignore_case=bool(pattern.flags & re.IGNORECASE)
        )
        result = np.array(found.to_numpy(zero_copy_only=False), dtype=bool)
        python = self._python_at_end if "$" in pattern.pattern else self._python
        for k in np.flatnonzero(python).tolist():
            result[k] = pattern.search(self.values[k]) is not None
        return result


class _Distinct:
    """A text column as its distinct values and, per record, the position of its value.

    Each distinct value is normalised once, not once per record: journals, volumes, issues,
    pages and types repeat many times over, and titles and author lists once per database
    that holds the work. A missing or non-text value reads as ''."""

    def __init__(self, codes: npt.NDArray[np.intp], values: list[str]) -> None:
        self.codes = codes
        self.values = values
        self.texts = _Texts(values)

    @classmethod
    def of(cls, records: pd.DataFrame, name: str) -> _Distinct:
        if name not in records:
            return cls(np.zeros(len(records), dtype=np.intp), [""])
        codes, uniques = pd.factorize(records[name], use_na_sentinel=True)
        values = [v if isinstance(v, str) else "" for v in uniques.tolist()]
        values.append("")
        return cls(np.where(codes < 0, len(values) - 1, codes).astype(np.intp), values)

    def each(self, function: Callable[[str], object]) -> npt.NDArray[np.object_]:
        """``function`` of every record's value."""
        return _objects([function(v) for v in self.values])[self.codes]

    def search(self, pattern: re.Pattern[str]) -> npt.NDArray[np.bool_]:
        """Whether ``pattern`` is found in every record's value."""
        return self.texts.search(pattern)[self.codes]

    def records(self) -> npt.NDArray[np.object_]:
        """Every record's value."""
        return _objects(self.values)[self.codes]


def _grouped_ids(
    ids: _Distinct, register: npt.NDArray[np.bool_], sources: Callable[[int], str]
) -> npt.NDArray[np.object_]:
    """Typed identifiers per record. A register entry also gets the registry id its address
    names ("https://clinicaltrials.gov/show/NCT03712345"); a record that is not a register
    entry loses its registry ids, which name its trial rather than itself."""

    def article(value: str) -> dict[str, frozenset[str]]:
        grouped = by_type(value.split("\n")) if value else {}
        return {k: v for k, v in grouped.items() if k not in REGISTRY_TYPES}

    array = ids.each(article)
    for index in np.flatnonzero(register).tolist():
        value = ids.values[ids.codes[index]]
        written = value.split("\n") if value else []
        found = (typed(m, "form") for m in _REGISTRY_ID.findall(sources(index)))
        written += [t for t in found if t]
        array[index] = by_type(written) if written else {}
    return array


@dataclass(frozen=True)
class _Authors:
    """:func:`normalise.authors` of author lists (one author a line), as columns: the first
    author's surname and initials, the surnames joined by spaces, and how many authors.

    The lists are split into lines all at once, and each distinct line is parsed once
    (:func:`normalise.author`); a line without a surname is no author."""

    first_author: npt.NDArray[np.object_]
    first_initials: npt.NDArray[np.object_]
    surnames: npt.NDArray[np.object_]
    count: npt.NDArray[np.int64]

    @classmethod
    def of(cls, values: list[str]) -> _Authors:
        lists = pc.split_pattern(pa.array(values, type=pa.large_string()), "\n")
        parent = pc.list_parent_indices(lists).to_numpy()
        lines = pc.dictionary_encode(pc.list_flatten(lists))
        parsed = [normalise.author(line) for line in lines.dictionary.to_pylist()]
        line_codes = lines.indices.to_numpy()
        surname = _objects([s for s, _ in parsed])[line_codes]
        initials = _objects([i for _, i in parsed])[line_codes]
        named = np.flatnonzero(surname != "")
        owner = parent[named]
        count = np.bincount(owner, minlength=len(values)).astype(np.int64)
        first = named[np.concatenate(([True], owner[1:] != owner[:-1]))] if named.size else named
        first_author = np.full(len(values), "", dtype=object)
        first_initials = np.full(len(values), "", dtype=object)
        with_authors = count > 0
        first_author[with_authors] = surname[first]
        first_initials[with_authors] = initials[first]
        offsets = pa.array(np.concatenate(([0], np.cumsum(count))), type=pa.int64())
        joined = pc.binary_join(
            pa.LargeListArray.from_arrays(offsets, pa.array(surname[named], pa.large_string())),
            pa.scalar(" ", pa.large_string()),
        )
        return cls(first_author, first_initials, _objects(joined.to_pylist()), count)


def _author_words(values: list[str]) -> npt.NDArray[np.object_]:
    """:func:`normalise.author_words` of each value.

    ASCII values are done as columns: parenthesised notes out, lower case, hyphens and
    apostrophes dropped, split at anything but letters and digits, words of two characters
    or more, each once, sorted (as Python sorts ASCII) and joined by spaces. Other values go
    through :func:`normalise.author_words` (transliteration)."""
    array = pa.array(values, type=pa.large_string())
    text = pc.replace_substring_regex(array, r"\([^)]*\)", " ")
    text = pc.ascii_lower(text)
    text = pc.replace_substring(pc.replace_substring(text, "-", ""), "'", "")
    words = pc.split_pattern_regex(text, "[^a-z0-9]+")
    parent = pc.list_parent_indices(words).to_numpy().astype(np.int64)
    flat = pc.list_flatten(words)
    long = pc.greater(pc.binary_length(flat), 1)
    parent = parent[long.to_numpy(zero_copy_only=False)]
    encoded = pc.dictionary_encode(flat.filter(long))
    dictionary = encoded.dictionary
    alphabetical = np.empty(len(dictionary), dtype=np.int64)
    alphabetical[pc.sort_indices(dictionary).to_numpy()] = np.arange(len(dictionary))
    width = max(len(dictionary), 1)
    code = np.sort(parent * width + alphabetical[encoded.indices.to_numpy()])
    if code.size:
        code = code[np.concatenate(([True], code[1:] != code[:-1]))]
    owner, rank = code // width, code % width
    by_rank = np.empty(len(dictionary), dtype=np.int64)
    by_rank[alphabetical] = np.arange(len(dictionary))
    offsets = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=len(values)))))
    joined = pc.binary_join(
        pa.LargeListArray.from_arrays(
            pa.array(offsets, type=pa.int64()), dictionary.take(pa.array(by_rank[rank]))
        ),
        pa.scalar(" ", pa.large_string()),
    )
    result = _objects(joined.to_pylist())
    for k in np.flatnonzero(~pc.string_is_ascii(array).to_numpy(zero_copy_only=False)).tolist():
        result[k] = normalise.author_words(values[k])
    return result


# Words of a normalised title that :func:`normalise.title_numbers` reads as numbers: digits
# and the numbers it reads in words (Roman numerals, parts). A title without them has none.
_TITLE_NUMBER: Final = re.compile(rf"\d|{normalise.WORD_NUMBER.pattern}")


def _title_markers(titles: _Texts, notes: list[dict[str, str]]) -> npt.NDArray[np.int64]:
    """Markers a normalised title (and the notes taken out of it) gives."""
    erratum = (
        titles.search(_ERRATUM_TITLE)
        | titles.search(_CORRECTION_WORDS)
        | np.fromiter(("correction_of" in n for n in notes), dtype=bool, count=len(notes))
    )
    comment = (
        titles.search(_COMMENT_TITLE)
        | titles.search(_COMMENT_WORDS)
        | np.fromiter(("comment_on" in n for n in notes), dtype=bool, count=len(notes))
    )
    retraction = titles.search(_RETRACTION_TITLE)
    retracted = titles.search(_RETRACTED_TITLE)
    return np.asarray(
        erratum * ERRATUM | retraction * RETRACTION | retracted * RETRACTED | comment * COMMENT,
        np.int64,
    )


def _kind_markers(kind: str) -> int:
    """Markers a record's type gives."""
    kind_lower = kind.lower()
    flags = 0
    if "erratum" in kind_lower or "correction" in kind_lower:
        flags |= ERRATUM
    if "retraction" in kind_lower:
        # The notice ("Retraction of Publication", "Retraction"), not the article it
        # retracts, which databases type "Retracted Publication" or "Retracted".
        flags |= RETRACTION
    if _REGISTER_TYPES.search(kind_lower):
        flags |= REGISTER
    if "preprint" in kind_lower:
        flags |= PREPRINT
    if _conference_type(kind_lower):
        flags |= CONFERENCE
    return flags


def _conference_type(kind: str) -> bool:
    """Whether a type names a meeting's publication (:data:`_CONFERENCE_PART`)."""
    parts = type_parts(kind)
    evidence = [
        part
        for part in parts
        if _CONFERENCE_PART.search(part) and not _ARTICLES_OF_A_CONFERENCE.match(part)
    ]
    if any(_ARTICLE_PART.match(part) for part in parts):
        evidence = [part for part in evidence if not _PROCEEDINGS_PART.match(part)]
    return bool(evidence)


def _journal_markers(journal: str) -> int:
    """Markers a journal's name, as written, gives."""
    flags = 0
    if _REGISTER_SOURCE.search(journal):
        flags |= REGISTER
    lower = journal.lower()
    if _PREPRINT_WORDS.search(lower):
        flags |= PREPRINT
    if _CONFERENCE_WORDS.search(lower):
        flags |= CONFERENCE
    return flags


def _names_other_venue(journal: str) -> bool:
    """Whether a journal's name, as written, names a venue other than a preprint server."""
    return bool(journal.strip()) and not _PREPRINT_WORDS.search(journal.lower())


def _flags(values: npt.NDArray[np.object_]) -> npt.NDArray[np.int64]:
    return np.asarray(values, dtype=np.int64)


def _register_source(journals: _Distinct, urls: _Distinct) -> Callable[[int], str]:
    """A record's journal and address, as written: where a register entry names its
    registry id."""

    def source(index: int) -> str:
        journal = journals.values[journals.codes[index]]
        return f"{journal} {urls.values[urls.codes[index]]}"

    return source


@dataclass(frozen=True)
class _Titles:
    """What the matching needs of each distinct title (the records' titles are positions
    among these)."""

    titles: list[str]
    numbers: list[str]
    markers: npt.NDArray[np.int64]
    roman: npt.NDArray[np.bool_]
    worded: npt.NDArray[np.bool_]
    last_digit: npt.NDArray[np.int64]


def _titles(values: list[str]) -> _Titles:
    """:class:`_Titles` of distinct raw titles (run in a process of its own for a large
    table: :data:`TITLES_APART_FROM`)."""
    titles = [normalise.title(t) for t in values]
    noted = _Texts(values).search(normalise.ANY_TITLE_NOTE)
    notes = [
        normalise.title_notes(t) if found else {}
        for t, found in zip(values, noted.tolist(), strict=True)
    ]
    folded = _Texts(titles)
    has_numbers = folded.search(_TITLE_NUMBER)
    numbers = [
        normalise.title_numbers(t) if found else ""
        for t, found in zip(titles, has_numbers.tolist(), strict=True)
    ]
    roman = pc.match_substring_regex(folded.arrow, normalise.WORD_NUMBER.pattern)
    worded = pc.match_substring_regex(folded.arrow, normalise.SPELLED_NUMBER)
    keys = pc.replace_substring(folded.arrow, " ", "")
    last_digit = pc.find_substring_regex(keys, r"[0-9][^0-9]*$")
    return _Titles(
        titles,
        numbers,
        _title_markers(folded, notes),
        np.asarray(roman.to_numpy(zero_copy_only=False), dtype=bool),
        np.asarray(worded.to_numpy(zero_copy_only=False), dtype=bool),
        np.asarray(last_digit.to_numpy(), dtype=np.int64),
    )


TITLES_APART_FROM: Final = 200_000
"""Records from which the titles are normalised in a process of their own, beside the
other fields (on a machine of more than one core): a title costs the most of any field, and
from this size on the process's start (under a second, when it must import the code) is won
back. Where a fork server cannot be had (Windows), the titles are normalised in this
process."""
TITLES_APART_FROM_STARTED: Final = 20_000
"""The same, when the fork server was started early with the code imported
(:func:`processes.started_early`): the process is then ready in milliseconds, and the
titles of 20,000 records (~0.1 s) outweigh handing them over (~10 ms)."""


@contextlib.contextmanager
def _titles_apart(values: list[str], apart: bool) -> Iterator[Callable[[], _Titles]]:
    """What gives the :class:`_Titles` of ``values``: made here when asked for, or, with
    ``apart``, in a process of its own (made by the fork server of
    :mod:`~searchtrail.dedup.processes`, so that nothing of this process's threads is
    carried into it) while this one goes on."""
    if not apart:
        made = _titles(values)
        del values  # the raw titles go as soon as they are normalised
        yield lambda: made
        return
    with ProcessPoolExecutor(
        max_workers=1, mp_context=processes.context(), initializer=processes.watch_parent
    ) as pool:
        with processes.program_unnamed():  # the process starts with the first task
            pending = pool.submit(_titles, values)
        del values
        yield pending.result


def _supplements(
    issues: _Distinct, volumes: _Distinct, issue: npt.NDArray[np.object_]
) -> npt.NDArray[np.object_]:
    """Each record's supplement (:func:`normalise.supplement`) as one text, the issue it
    belongs to and its label ("8|1", "|a"): the one its issue names, else the one its
    volume names; "" where the record gives a plain issue number (``issue``) or names no
    supplement."""

    def keys(values: list[str], *, volume: bool) -> list[str]:
        found = (normalise.supplement(text, volume=volume) for text in values)
        return [f"{base}|{label}" if label else "" for base, label in found]

    from_issue = _objects(keys(issues.values, volume=False))[issues.codes]
    from_volume = _objects(keys(volumes.values, volume=True))[volumes.codes]
    supplement = np.where(from_issue != "", from_issue, from_volume)
    supplement[issue != ""] = ""
    return supplement


def prepare(records: pd.DataFrame, abstracts: Texts | None = None) -> Prepared:
    """Normalise the matching fields of ``records`` (standard fields, one row per record).
    ``abstracts`` are the records' abstracts where they are not in ``records`` (set aside
    on disk while duplicates are found).

    A record's markers (:data:`MARKER_NAMES`) come from its title, type, journal, address,
    DOI, volume, issue and pages; each field's part is found on the field alone. A supplement
    or meeting-abstract pattern is in "volume issue pages" when it is in one of the three:
    none of its matches holds a space, and a field's start is a word's start in the joined
    text too.

    Each field's distinct raw values are let go as soon as the field is normalised, so that
    a million records' raw texts are not all held at once.
    """
    raw_titles = _Distinct.of(records, "title")
    title_codes = raw_titles.codes
    apart = (
        len(records)
        >= (TITLES_APART_FROM_STARTED if processes.started_early() else TITLES_APART_FROM)
        and (os.cpu_count() or 1) > 1
        and processes.forkserver_available()
    )
    with _titles_apart(raw_titles.values, apart) as titles_made:
        del raw_titles
        return _prepare(records, title_codes, titles_made, abstracts)


def _prepare(
    records: pd.DataFrame,
    title_codes: npt.NDArray[np.intp],
    titles_made: Callable[[], _Titles],
    abstracts: Texts | None,
) -> Prepared:
    """:func:`prepare`, the titles' part given by ``titles_made`` (asked for last)."""
    authors_raw = _Distinct.of(records, "authors")
    authors = _Authors.of(authors_raw.values)
    author_codes = authors_raw.codes
    corporate = authors_raw.search(_CORPORATE)
    anonymous = authors_raw.search(_ANONYMOUS)
    author_words = _author_words(authors_raw.values)[author_codes]
    del authors_raw
    first_author = authors.first_author[author_codes]
    first_initials = authors.first_initials[author_codes]
    surnames = authors.surnames[author_codes]
    del authors, author_codes

    journals_raw = _Distinct.of(records, "journal")
    urls_raw = _Distinct.of(records, "url")
    dois_raw = _Distinct.of(records, "doi")
    dois = [normalise.doi(d) for d in dois_raw.values]
    kinds = _Distinct.of(records, "type")
    volumes_raw = _Distinct.of(records, "volume")
    issues_raw = _Distinct.of(records, "issue")
    pages_raw = _Distinct.of(records, "pages")
    page_ranges = [normalise.page_range(p) for p in pages_raw.values]
    spans = np.array([bool(a) and bool(b) and int(b) > int(a) for a, b in page_ranges], bool)

    volume_issue_pages = (volumes_raw, issues_raw, pages_raw)
    meeting = np.logical_or.reduce([c.search(_MEETING_ABSTRACTS) for c in volume_issue_pages])
    supplement = np.logical_or.reduce([c.search(_SUPPLEMENT) for c in volume_issue_pages])
    conference = meeting | (supplement & ~spans[pages_raw.codes])
    kind_markers = _flags(kinds.each(_kind_markers))
    # A server's DOI marks a preprint unless the record places itself in another venue: it
    # names a journal or a meeting other than a server and gives a volume, an issue or a
    # page there, or is a conference paper. Reference managers and enrichment services add
    # the DOI they find for a title, which may be the posting's; a venue's name alone does
    # not place a record ("Management Science, Forthcoming" on an SSRN posting, DBLP's
    # "CoRR" on an arXiv one). A server's address among the links is weaker evidence: a
    # database, Google Scholar or a reference manager gives a published paper the address
    # of its free copy. It marks a preprint only where the record names nothing else: no
    # venue other than a server, no DOI other than a server's, no type of a publication of
    # its own (a conference paper, a chapter, a book, a thesis, a report).
    preprint_doi = np.array([_PREPRINT_DOI.match(d) is not None for d in dois], dtype=bool)
    other_doi = np.array([bool(d) for d in dois], dtype=bool) & ~preprint_doi
    other_venue = journals_raw.each(_names_other_venue).astype(bool)
    posting = (
        urls_raw.search(_PREPRINT_URL)
        & ~other_doi[dois_raw.codes]
        & ~other_venue
        & ~kinds.search(_PUBLISHED_TYPES)
    )
    placed = (
        volumes_raw.search(_NUMBERED)
        | issues_raw.search(_NUMBERED)
        | np.array([bool(first) for first, _ in page_ranges], dtype=bool)[pages_raw.codes]
        | conference
        | ((kind_markers & CONFERENCE) != 0)
    )
    elsewhere = other_venue & placed
    markers = (
        kind_markers
        | _flags(journals_raw.each(_journal_markers))
        | urls_raw.search(_REGISTER_SOURCE) * REGISTER
        | (preprint_doi[dois_raw.codes] & ~elsewhere) * PREPRINT
        | posting * PREPRINT
        | conference * CONFERENCE
    ).astype(np.int64)
    del kinds, kind_markers, meeting, supplement, conference, placed, elsewhere
    del other_doi, other_venue, posting

    ids = _grouped_ids(
        _Distinct.of(records, "ids"),
        (markers & REGISTER) != 0,
        _register_source(journals_raw, urls_raw),
    )
    doi = _objects(dois)[dois_raw.codes]
    del dois, dois_raw
    journal = journals_raw.each(normalise.journal)
    meeting = journals_raw.each(normalise.meeting)
    url = urls_raw.each(normalise.url)
    del journals_raw, urls_raw
    volume = volumes_raw.each(normalise.volume)
    issue = issues_raw.each(normalise.issue)
    supplement = _supplements(issues_raw, volumes_raw, issue)
    del volumes_raw, issues_raw
    page = _objects([r[0] for r in page_ranges])[pages_raw.codes]
    last_page = _objects([r[1] for r in page_ranges])[pages_raw.codes]
    pages_text = pages_raw.each(lambda p: "".join(p.lower().split()))
    article_number = np.array(
        [normalise.is_article_number(p) for p in pages_raw.values], dtype=bool
    )[pages_raw.codes]
    del pages_raw, page_ranges
    publisher = _Distinct.of(records, "publisher").each(fold)
    years = np.asarray(pd.to_numeric(records["year"], errors="coerce").fillna(0), dtype=np.int64)
    title = titles_made()
    titles = _objects(title.titles)[title_codes]
    title_numbers = _objects(title.numbers)[title_codes]
    title_length = np.array([len(t) - t.count(" ") for t in title.titles], np.int64)[title_codes]
    title_words = np.array([t.count(" ") + 1 if t else 0 for t in title.titles], np.int64)[
        title_codes
    ]
    markers |= title.markers[title_codes]
    title_roman = title.roman[title_codes]
    title_worded = title.worded[title_codes]
    title_last_digit = title.last_digit[title_codes]
    del title
    return Prepared(
        n=len(records),
        title=titles,
        title_length=title_length,
        title_words=title_words,
        title_roman=title_roman,
        title_worded=title_worded,
        title_last_digit=title_last_digit,
        title_numbers=title_numbers,
        year=years,
        doi=doi,
        ids=ids,
        first_author=first_author,
        first_initials=first_initials,
        surnames=surnames,
        authors_text=TextColumn.of(records, "authors"),
        corporate=corporate,
        anonymous=anonymous,
        author_words=author_words,
        journal=journal,
        meeting=meeting,
        url=url,
        publisher=publisher,
        volume=volume,
        issue=issue,
        supplement=supplement,
        page=page,
        last_page=last_page,
        article_number=article_number,
        pages_text=pages_text,
        markers=markers,
        abstract=TextColumn.of(records, "abstract") if abstracts is None else abstracts,
    )
