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
from searchtrail.folding import fold
from searchtrail.records.identifiers import by_type, typed

# Kinds of publication that are never merged silently with a record of another kind.
ERRATUM: Final = 1
RETRACTION: Final = 2
PREPRINT: Final = 4
CONFERENCE: Final = 8
COMMENT: Final = 16
REGISTER: Final = 32

MARKER_NAMES: Final = {
    ERRATUM: "erratum or correction",
    RETRACTION: "retraction notice",
    PREPRINT: "preprint",
    CONFERENCE: "conference abstract",
    COMMENT: "comment or reply",
    REGISTER: "trial register entry",
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
# A supplement issue ("Suppl. 1") holds articles as well as abstracts: a record in one is
# taken for a conference abstract only when it does not span pages (an abstract has a page,
# or an abstract number, of its own); "MeetingAbstracts" is one whatever its pages.
_MEETING_ABSTRACTS: Final = re.compile(r"meetingabstracts", re.IGNORECASE)
_SUPPLEMENT: Final = re.compile(r"\bsuppl|\bsupplement", re.IGNORECASE)
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
    """Per record, its typed identifiers grouped by type (type -> values); a trial
    registry's id only on a register entry (on an article it names the trial)."""
    notes: npt.NDArray[np.object_]
    """Per record, the notes a database wrote into its title (see
    :func:`normalise.title_notes`), as fields."""
    first_author: npt.NDArray[np.object_]
    first_initials: npt.NDArray[np.object_]
    surnames: npt.NDArray[np.object_]
    authors_text: npt.NDArray[np.object_]
    """Per record, its authors as written (one a line); :func:`normalise.author_names` gives
    their surnames' parts, for the few pairs that need them."""
    corporate: npt.NDArray[np.bool_]
    """The authors include a group or organisation ("ALTS Group", "... Investigators")."""
    author_words: npt.NDArray[np.object_]
    author_count: npt.NDArray[np.int64]
    journal: npt.NDArray[np.object_]
    url: npt.NDArray[np.object_]
    """The record's first address (:func:`normalise.url`)."""
    publisher: npt.NDArray[np.object_]
    """The publisher's name, folded."""
    volume: npt.NDArray[np.object_]
    issue: npt.NDArray[np.object_]
    page: npt.NDArray[np.object_]
    last_page: npt.NDArray[np.object_]
    article_number: npt.NDArray[np.bool_]
    pages_text: npt.NDArray[np.object_]
    markers: npt.NDArray[np.int64]
    origin: npt.NDArray[np.object_]


def _objects(values: Sequence[object]) -> npt.NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _grouped_ids(
    values: Sequence[str], markers: npt.NDArray[np.int64], sources: Sequence[str]
) -> npt.NDArray[np.object_]:
    """Typed identifiers per record. A register entry also gets the registry id its address
    names ("https://clinicaltrials.gov/show/NCT03712345"); a record that is not a register
    entry loses its registry ids, which name its trial rather than itself."""
    array = np.empty(len(values), dtype=object)
    for index, value in enumerate(values):
        written = value.split("\n") if value else []
        if markers[index] & REGISTER:
            found = (typed(m, "form") for m in _REGISTRY_ID.findall(sources[index]))
            written += [t for t in found if t]
            grouped = by_type(written) if written else {}
        else:
            grouped = by_type(written) if written else {}
            if grouped:
                grouped = {k: v for k, v in grouped.items() if k not in REGISTRY_TYPES}
        array[index] = grouped
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

    titles_raw = column("title")
    titles = [normalise.title(t) for t in titles_raw]
    notes = [normalise.title_notes(t) for t in titles_raw]
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
            _markers(t, nt, j, d, ty, v, i, p, u)
            for t, nt, j, d, ty, v, i, p, u in zip(
                titles,
                notes,
                journals_raw,
                dois,
                column("type"),
                volumes_raw,
                issues_raw,
                pages_raw,
                column("url"),
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
        ids=_grouped_ids(
            column("ids"),
            markers,
            [f"{j} {u}" for j, u in zip(journals_raw, column("url"), strict=True)],
        ),
        notes=_objects(notes),
        first_author=_objects([a[0][0] if a else "" for a in authors]),
        first_initials=_objects([a[0][1] if a else "" for a in authors]),
        corporate=np.fromiter(
            (bool(_CORPORATE.search(a)) for a in authors_raw), dtype=np.bool_, count=n
        ),
        surnames=_objects([" ".join(s for s, _ in a) for a in authors]),
        authors_text=_objects(authors_raw),
        author_words=_objects([normalise.author_words(a) for a in authors_raw]),
        author_count=np.fromiter((len(a) for a in authors), np.int64, n),
        journal=_objects(journals),
        url=_objects([normalise.url(u) for u in column("url")]),
        publisher=_objects([fold(x) for x in column("publisher")]),
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


def _spans_pages(pages: str) -> bool:
    first, last = normalise.page_range(pages)
    return bool(first) and bool(last) and int(last) > int(first)


def _markers(
    title: str,
    notes: dict[str, str],
    journal: str,
    doi: str,
    kind: str,
    volume: str,
    issue: str,
    pages: str,
    url: str,
) -> int:
    flags = 0
    kind_lower = kind.lower()
    journal_raw = journal
    journal = journal.lower()
    if (
        _ERRATUM_TITLE.match(title)
        or _CORRECTION_WORDS.match(title)
        or "correction_of" in notes
        or "erratum" in kind_lower
        or "correction" in kind_lower
    ):
        flags |= ERRATUM
    if _RETRACTION_TITLE.match(title) or "retract" in kind_lower:
        flags |= RETRACTION
    if _COMMENT_TITLE.match(title) or _COMMENT_WORDS.search(title) or "comment_on" in notes:
        flags |= COMMENT
    if (
        _REGISTER_SOURCE.search(journal_raw)
        or _REGISTER_SOURCE.search(url)
        or _REGISTER_TYPES.search(kind_lower)
    ):
        flags |= REGISTER
    if doi.startswith(_PREPRINT_DOI) or _PREPRINT_WORDS.search(journal) or "preprint" in kind_lower:
        flags |= PREPRINT
    if (
        _CONFERENCE_WORDS.search(journal)
        or _MEETING_ABSTRACTS.search(f"{volume} {issue} {pages}")
        or (_SUPPLEMENT.search(f"{volume} {issue} {pages}") and not _spans_pages(pages))
        or _CONFERENCE_TYPES.search(kind_lower)
    ):
        flags |= CONFERENCE
    return flags
