"""A record's identity: what its id says about it, whatever its place in the export.

A decision or verdict names a record by its id, and must stay with that record when the
export is made again or sorted differently. An id is ``<search or record file>:<key>``:

- the record's own accession in the database that issued it, when it has one
  (``medline-1:pmid-30811234``, ``wos-1:wos-000503037900003``,
  ``psycinfo-1:an-2019-18765-002`` for an accession typed only by the record's database):
  the database's record, whatever else changes in it;
- otherwise a fingerprint of what it says: the first author's surname, the year and a hash
  of the normalised title, journal, volume, issue, pages and DOI
  (``embase-1:larsen2019-3a9c1e``). A record whose content changes gets another key, so a
  decision made on the old content names a record that no longer exists, and the run stops
  on it instead of applying it to something else.

The recipe of a key is part of the file format: decisions written with one version must
name the same records in the next, so it never changes (tests pin keys of real records).

Records of one search that share a key are told apart by what they say
(:func:`told_apart`); only copies identical in every field are numbered in order. The
record's position in its export is kept beside its id, as provenance only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from searchtrail.arrowtext import recomputed
from searchtrail.errors import show_value
from searchtrail.folding import fold

# Which accession a record is known by, when it has several: the database's own first.
KEY_ORDER: Final = (
    "wos", "eid", "embase", "central", "cdsr", "an@", "eric", "dimensions", "lens", "openalex",
    "pmid", "pmcid", "nct", "isrctn", "drks", "actrn", "euctr", "chictr", "ctri", "trial",
)  # fmt: skip
_WORD: Final = re.compile(r"[^a-z0-9]+")
_NOT_WORD: Final = re.compile(r"[\W_]+")
# Latin letters that Unicode does not decompose into a base letter and a mark.
_LETTERS: Final = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"}
)
POSITIONAL: Final = re.compile(r"^(?P<origin>[A-Za-z0-9][A-Za-z0-9._-]*):(?P<position>\d+)$")
"""An id written the way ids were before they followed the record: ``<origin>:<position>``."""
_FINGERPRINT: Final = re.compile(r"^(?P<stem>[a-z]+\d*)-[0-9a-f]{6}(?:~|$)")


_HASHED: Final = ("title", "journal", "volume", "issue", "pages", "doi")
KEY_FIELDS: Final = ("ids", "authors", "year", *_HASHED)
"""The standard fields a record's key is made of."""


def _folded(text: str) -> str:
    """Lower case without accents or invisible format characters (soft hyphens, zero-width
    spaces, direction marks). Built on Unicode normalisation, whose result for a character
    never changes between Unicode versions, so a key stays the same."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    ).casefold()


def _plain(text: str) -> str:
    return _NOT_WORD.sub(" ", _folded(text)).strip()


def fingerprint(fields: Mapping[str, str]) -> str:
    """The content key of a record without an accession: ``surname2019-3a9c1e``: the first
    author's surname in Latin letters (``anon`` without one), the year (none without one)
    and a hash of the title, journal, volume, issue, pages and DOI, each in lower case
    without accents or punctuation."""
    content = "|".join(_plain(fields.get(name, "")) for name in _HASHED)
    return _fingerprint(fields.get("authors", ""), fields.get("year", ""), content.encode())


def _fingerprint(authors: str, year: str, content: bytes) -> str:
    """A content key from the author list, the year and the hashed fields made plain and
    joined by ``|`` (in UTF-8)."""
    first = authors.split("\n", 1)[0]
    name = first.split(",", 1)[0] if "," in first else (first.split() or [""])[0]
    surname = _WORD.sub("", _folded(name).translate(_LETTERS))[:16] or "anon"
    return f"{surname}{year}-{hashlib.sha1(content).hexdigest()[:6]}"  # noqa: S324


def record_keys(columns: Mapping[str, pa.Array]) -> list[str]:
    """:func:`record_key` of every record of a table held as columns (``columns``: at least
    :data:`KEY_FIELDS`): the same keys, the text of the hashed fields made plain column by
    column. Plain text for a value all in ASCII is the value in lower case with every run
    of characters other than letters and digits one space, trimmed: what :func:`_plain`
    gives it; any other value goes through :func:`_plain` itself."""
    accessions = [accession_key(ids) if ids else None for ids in _texts(columns["ids"]).to_pylist()]
    chosen = pa.array([i for i, key in enumerate(accessions) if key is None], pa.int64())
    content = pc.binary_join_element_wise(
        *(_plain_column(_texts(columns[name]).take(chosen)) for name in _HASHED),
        pa.scalar("|", pa.large_string()),
    )
    made = map(
        _fingerprint,
        _texts(columns["authors"]).take(chosen).to_pylist(),
        _texts(columns["year"]).take(chosen).to_pylist(),
        pc.cast(content, pa.large_binary()).to_pylist(),
    )
    return [key if key is not None else next(made) for key in accessions]


def _texts(values: pa.Array) -> pa.Array:
    return pc.fill_null(values.cast(pa.large_string()), "")


def _plain_column(values: pa.Array) -> pa.Array:
    """:func:`_plain` of every value."""
    plain = pc.utf8_trim(pc.replace_substring_regex(pc.ascii_lower(values), "[^a-z0-9]+", " "), " ")
    return recomputed(plain, pc.invert(pc.string_is_ascii(values)), values, _plain)


def accession_key(ids: str) -> str | None:
    """The key of a record with an accession (its ``ids`` field), or None."""
    typed = [item.partition(":") for item in ids.split("\n") if ":" in item]
    for wanted in KEY_ORDER:
        for kind, _, value in typed:
            if kind == wanted or (wanted == "an@" and kind.startswith("an@")):
                # The database a bare accession is typed by ("an@ebscohost") is left out:
                # it is how the export names its database (DB, DP), which one export writes
                # and the next may not, and one search's records come from one database.
                name = "an" if wanted == "an@" else kind
                return f"{name}-{_WORD.sub('-', value.lower()).strip('-')}"
    return None


def positions(records: pd.DataFrame) -> dict[str, str]:
    """``<origin>:<position>`` -> the id of the record at that position of the records
    table (columns record_id, origin_id, position)."""
    return {
        f"{origin}:{position}": str(record_id)
        for record_id, origin, position in zip(
            records["record_id"], records["origin_id"], records["position"], strict=True
        )
    }


@dataclass(frozen=True)
class KnownRecords:
    """The records as people's files name them: every id; the record now at each position,
    for ids written the way they were before they followed the record; and each record's
    title, to tell whether a record changed since someone decided on it."""

    ids: frozenset[str]
    titles: Mapping[str, str] = field(default_factory=dict)
    at: Mapping[str, str] = field(default_factory=dict)
    _near: dict[tuple[str, str], list[str]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, records: pd.DataFrame) -> KnownRecords:
        """From a records table (record_id; origin_id and position, title when present)."""
        ids = records["record_id"].astype(str)
        titles = (
            dict(zip(ids, records["title"].fillna("").astype(str), strict=True))
            if "title" in records
            else {}
        )
        at = positions(records) if {"origin_id", "position"} <= set(records.columns) else {}
        return cls(frozenset(ids), titles, at)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.ids

    def unknown(self, record_id: str, what: str) -> str:
        """Why no record has this id (named in a file of ``what``: decisions, verdicts); for
        an id that names a position, which record is there now and how to rewrite such ids."""
        message = f"no record has the id {show_value(record_id)}"
        if not record_id.isascii():
            odd = sorted({f"U+{ord(c):04X}" for c in record_id if not c.isascii()})
            return message + (
                f": it holds characters that only look like those of an id ({', '.join(odd[:5])}"
                "); ids are written in plain Latin letters, digits and - : ~ . _ (copy them from "
                "reports/dedup/groups.csv)"
            )
        now = self.at.get(record_id) if POSITIONAL.match(record_id) else None
        if now is not None:
            return message + (
                ": it names the record at a position of its export, and positions change "
                "when an export is made again or sorted otherwise; ids follow the record now, "
                f"and the record at that position is {now}. Once the exports are those the "
                f"{what} were made on, `searchtrail screening migrate <review>` rewrites such ids"
            )
        near = self.near(record_id)
        if near:
            listed = "; ".join(
                f"{other} ({show_value(self.titles.get(other, ''), 50)})" for other in near
            )
            message += (
                f". A record without an accession is named by what it says, and a record that "
                f"changed has another id: this search has {listed} by the same first author "
                f"and year. If one is the record the {what} was made on, check it and use its id"
            )
        return message

    def near(self, record_id: str) -> list[str]:
        """Ids of the same search with the same first author and year (a record that
        changed since someone wrote its id), at most three."""
        origin, _, key = record_id.partition(":")
        stem = _FINGERPRINT.match(key)
        if not stem or stem.group("stem").startswith("anon"):
            return []
        index = self._near
        if index is None:
            index = {}
            for other in sorted(self.ids):
                other_origin, _, other_key = other.partition(":")
                found = _FINGERPRINT.match(other_key)
                if found:
                    index.setdefault((other_origin, found.group("stem")), []).append(other)
            object.__setattr__(self, "_near", index)
        return [i for i in index.get((origin, stem.group("stem")), []) if i != record_id][:3]

    def changed(self, record_id: str, seen: str, what: str) -> str | None:
        """Why a row that names ``record_id`` and the title someone saw (``seen``) cannot be
        applied: the record's title is another now. None when it is the same (compared in
        lower case without accents, punctuation or spacing), or nothing was written."""
        current = self.titles.get(record_id)
        if current is None or not seen.strip() or same_title(seen, current):
            return None
        return (
            f"{record_id} now has the title {show_value(current, 300)}: the record changed since "
            f"the {what} was written, or the id names another record than the one decided "
            f"on. Check the {what} against the record as it is now, then write its title "
            "here (or clear the cell)"
        )


def same_title(seen: str, current: str) -> bool:
    """Whether a title someone wrote down (or a spreadsheet kept) is ``current``, compared
    as deduplication compares titles (:func:`~searchtrail.folding.fold`: no case, accents,
    markup or punctuation), and without spaces. A file saved by Excel as Windows-1252
    ("CSV (Comma delimited)") holds "?" for every letter that encoding lacks ("Łódź" becomes
    "?ód?"), so that form of the title counts as the title."""
    written = fold(seen).replace(" ", "")
    if written == fold(current).replace(" ", ""):
        return True
    degraded = current.encode("cp1252", "replace").decode("cp1252")
    return "?" in seen and written == fold(degraded).replace(" ", "")


CONTENT_FIELDS: Final = (
    "type", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "issn",
    "isbn", "pmid", "ids", "url", "abstract", "language", "keywords", "publisher",
)  # fmt: skip
"""The standard fields that tell apart records sharing a key (with their original fields):
every one but the exporting program's own id, which a reference manager renumbers."""


def told_apart(base: str, contents: Sequence[str]) -> list[str]:
    """Ids for the records of one search that share the key ``base`` (``contents``: what
    each one says, as one text, in file order).

    Copies that say the same in every field are one record listed more than once: ``base``,
    ``base~2``, ``base~3`` in order, which cannot matter since they are the same. Records
    that differ (two reports with one title, author and year; two editions; two records a
    database gave one accession) are named by what they say: ``base~`` and six hex digits of
    a hash of it (``~2`` after it for copies of one of them), so that an export in another
    order names each the same way. A record that comes to share its key with another one
    later changes its id: the decisions on it then stop the run instead of following the
    wrong record.
    """
    digests = [
        hashlib.sha1(content.encode()).hexdigest()[:6]  # noqa: S324 - a name, not a secret
        for content in contents
    ]
    if len(set(digests)) == 1:
        return [base if n == 1 else f"{base}~{n}" for n in range(1, len(contents) + 1)]
    seen: dict[str, int] = {}
    names = []
    for digest in digests:
        seen[digest] = seen.get(digest, 0) + 1
        copy = seen[digest]
        names.append(f"{base}~{digest}" if copy == 1 else f"{base}~{digest}~{copy}")
    return names


def record_key(fields: Mapping[str, str]) -> str:
    """A record's key: its accession if it has one, otherwise its fingerprint."""
    return accession_key(fields.get("ids", "")) or fingerprint(fields)
