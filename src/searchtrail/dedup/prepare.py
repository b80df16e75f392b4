"""Records in matching form: normalised fields as NumPy arrays, one position per record."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from searchtrail.dedup import normalise
from searchtrail.records.identifiers import by_type

# Kinds of publication that are never merged silently with a record of another kind.
ERRATUM: Final = 1
RETRACTION: Final = 2
PREPRINT: Final = 4
CONFERENCE: Final = 8
COMMENT: Final = 16

MARKER_NAMES: Final = {
    ERRATUM: "erratum or correction",
    RETRACTION: "retraction notice",
    PREPRINT: "preprint",
    CONFERENCE: "conference abstract",
    COMMENT: "comment or reply",
}

_ERRATUM_TITLE: Final = re.compile(
    r"^(?:erratum|errata|corrigendum|corrigenda|correction|author correction|"
    r"publisher correction)\b"
)
_RETRACTION_TITLE: Final = re.compile(
    r"^(?:retraction|retracted|notice of retraction|withdrawn|expression of concern)\b"
)
_COMMENT_TITLE: Final = re.compile(
    r"^(?:reply|response to|in reply|comment on|comments on|commentary on|re\b|"
    r"letter to the editor)"
)
# DOI prefixes of preprint servers: bioRxiv/medRxiv, Research Square, SSRN, arXiv,
# Preprints.org, PsyArXiv/OSF.
_PREPRINT_DOI: Final = (
    "10.1101/", "10.21203/", "10.2139/", "10.48550/", "10.20944/", "10.31234/", "10.31219/",
    "10.31235/",
)  # fmt: skip
_PREPRINT_WORDS: Final = re.compile(
    r"\b(?:medrxiv|biorxiv|arxiv|ssrn|research square|preprints|psyarxiv|osf preprints)\b"
)
_CONFERENCE_WORDS: Final = re.compile(
    r"\b(?:conference|congress|meeting|symposium|abstracts|proceedings|annual scientific)\b"
)
_SUPPLEMENT: Final = re.compile(r"\bsuppl|\bsupplement|meetingabstracts", re.IGNORECASE)
_CONFERENCE_TYPES: Final = re.compile(r"conf|abst|inproceedings|proceedings", re.IGNORECASE)


@dataclass
class Prepared:
    """Normalised fields of n records (arrays of length n)."""

    n: int
    title: npt.NDArray[np.object_]
    title_key: npt.NDArray[np.object_]
    title_words: npt.NDArray[np.int64]
    title_numbers: npt.NDArray[np.object_]
    year: npt.NDArray[np.int64]
    doi: npt.NDArray[np.object_]
    ids: npt.NDArray[np.object_]
    """Per record, its typed identifiers grouped by type (type -> values)."""
    first_author: npt.NDArray[np.object_]
    surnames: npt.NDArray[np.object_]
    author_words: npt.NDArray[np.object_]
    author_count: npt.NDArray[np.int64]
    journal: npt.NDArray[np.object_]
    volume: npt.NDArray[np.object_]
    issue: npt.NDArray[np.object_]
    page: npt.NDArray[np.object_]
    last_page: npt.NDArray[np.object_]
    article_number: npt.NDArray[np.bool_]
    pages_text: npt.NDArray[np.object_]
    markers: npt.NDArray[np.int64]
    origin: npt.NDArray[np.object_]


def _objects(values: Sequence[str]) -> npt.NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _grouped_ids(values: Sequence[str]) -> npt.NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    for index, value in enumerate(values):
        array[index] = by_type(value.split("\n")) if value else {}
    return array


def prepare(records: pd.DataFrame) -> Prepared:
    """Normalise the matching fields of ``records`` (standard fields, one row per record).

    ``origin`` is the search or file each record came from, when the frame has it.
    """
    n = len(records)

    def column(name: str) -> list[str]:
        if name not in records:
            return [""] * n
        return [str(v) if isinstance(v, str) else "" for v in records[name].tolist()]

    titles = [normalise.title(t) for t in column("title")]
    authors_raw = column("authors")
    authors = [normalise.authors(a) for a in authors_raw]
    journals_raw = column("journal")
    journals = [normalise.journal(j) for j in journals_raw]
    years = np.asarray(pd.to_numeric(records["year"], errors="coerce").fillna(0), dtype=np.int64)
    pages_raw = column("pages")
    page_ranges = [normalise.page_range(p) for p in pages_raw]
    dois = [normalise.doi(d) for d in column("doi")]
    volumes_raw = column("volume")
    issues_raw = column("issue")
    markers = np.fromiter(
        (
            _markers(t, j, d, ty, v, i, p)
            for t, j, d, ty, v, i, p in zip(
                titles,
                journals_raw,
                dois,
                column("type"),
                volumes_raw,
                issues_raw,
                pages_raw,
                strict=True,
            )
        ),
        dtype=np.int64,
        count=n,
    )
    origin = column("origin_id")
    return Prepared(
        n=n,
        title=_objects(titles),
        title_key=_objects([t.replace(" ", "") for t in titles]),
        title_numbers=_objects([normalise.title_numbers(t) for t in titles]),
        title_words=np.fromiter((t.count(" ") + 1 if t else 0 for t in titles), np.int64, n),
        year=years,
        doi=_objects(dois),
        ids=_grouped_ids(column("ids")),
        first_author=_objects([a[0][0] if a else "" for a in authors]),
        surnames=_objects([" ".join(s for s, _ in a) for a in authors]),
        author_words=_objects([normalise.author_words(a) for a in authors_raw]),
        author_count=np.fromiter((len(a) for a in authors), np.int64, n),
        journal=_objects(journals),
        volume=_objects([normalise.volume(v) for v in volumes_raw]),
        issue=_objects([normalise.issue(v) for v in issues_raw]),
        page=_objects([r[0] for r in page_ranges]),
        last_page=_objects([r[1] for r in page_ranges]),
        pages_text=_objects(["".join(p.lower().split()) for p in pages_raw]),
        article_number=np.fromiter(
            (normalise.is_article_number(p) for p in pages_raw), dtype=np.bool_, count=n
        ),
        markers=markers,
        origin=_objects(origin),
    )


def _markers(
    title: str, journal: str, doi: str, kind: str, volume: str, issue: str, pages: str
) -> int:
    flags = 0
    kind_lower = kind.lower()
    journal = journal.lower()
    if _ERRATUM_TITLE.match(title) or "erratum" in kind_lower or "correction" in kind_lower:
        flags |= ERRATUM
    if _RETRACTION_TITLE.match(title) or "retract" in kind_lower:
        flags |= RETRACTION
    if _COMMENT_TITLE.match(title):
        flags |= COMMENT
    if doi.startswith(_PREPRINT_DOI) or _PREPRINT_WORDS.search(journal) or "preprint" in kind_lower:
        flags |= PREPRINT
    if (
        _CONFERENCE_WORDS.search(journal)
        or _SUPPLEMENT.search(volume)
        or _SUPPLEMENT.search(issue)
        or _SUPPLEMENT.search(pages)
        or _CONFERENCE_TYPES.search(kind_lower)
    ):
        flags |= CONFERENCE
    return flags
