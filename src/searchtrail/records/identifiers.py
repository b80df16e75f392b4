"""Identifiers typed by the database that issued them.

A record's accession number means something only together with the database that gave it:
``12345678`` is a PubMed id when PubMed gave it and an unrelated number when EBSCOhost did;
``CN-01234567`` is a Cochrane CENTRAL id wherever it is written. Each identifier is kept as
``type:value`` in the standard field ``ids`` (one per line). Deduplication compares
identifiers of the same type only, and identifiers of different types say nothing about
each other. The same identifier on two records makes them one publication, whatever the
type: one database's record is one record. Two different identifiers of one type keep two
records apart only for the types in :data:`ONE_RECORD_PER_WORK`, databases that hold each
publication once (PubMed gives a publication one PMID); an aggregator such as Cochrane
CENTRAL, which takes the same trial report from MEDLINE and from Embase, or a database
nothing is known about, may hold one publication twice, under two accessions.

An identifier is typed by its field where the field says (a PubMed file's ``PMID``, Web of
Science's ``UT``, Scopus' ``EID``), otherwise by its form (``WOS:…``, ``2-s2.0-…``,
``CN-…``, ``NCT…``, ...), and for a bare number by the record's database (its ``DB``/``DP``
line in RIS, ``remote-database-name`` in EndNote XML): a number of at most eight digits from
PubMed, MEDLINE or the NLM is a PubMed id; a number from another named database is that
database's accession (``an@psycinfo:…``); a bare number from an unnamed database is not used.

================  ===================================================================
type              identifier
================  ===================================================================
``pmid``          PubMed id
``pmcid``         PubMed Central id (``PMC…``)
``wos``           Web of Science accession (UT, ``WOS:…``)
``eid``           Scopus EID (``2-s2.0-…``)
``central``       Cochrane CENTRAL id (``CN-…``)
``cdsr``          Cochrane review (``CD…``, with its ``.pubN`` version)
``embase``        Embase accession (``L…`` or nine or ten digits from Embase)
``eric``          ERIC accession (``ED…``, ``EJ…``)
``dimensions``    Dimensions publication id (``pub.…``)
``nct``           ClinicalTrials.gov (``NCT…``)
``isrctn``        ISRCTN registry
``drks``          German Clinical Trials Register
``actrn``         Australian New Zealand Clinical Trials Registry
``euctr``         EU Clinical Trials Register (``EUCTR…``)
``chictr``        Chinese Clinical Trial Registry (``ChiCTR…``)
``ctri``          Clinical Trials Registry - India (``CTRI/…``)
``trial``         another register's id, from a register's own id column (ICTRP's ``TrialID``)
``lens``          Lens.org id, from Lens's ``Lens ID`` column
``openalex``      OpenAlex work id (``W…``), from OpenAlex's ``id`` column
``an@<database>`` another database's accession, typed by the record's database
================  ===================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

from searchtrail.records.plaintext_fields import DATABASE_FIELDS as _PLAINTEXT_DATABASES
from searchtrail.records.plaintext_fields import SOURCES as _PLAINTEXT_SOURCES
from searchtrail.records.vendor_tables import FIELD_LAYOUTS

# (type, pattern): forms that say which database issued them, wherever they are written.
FORMS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("wos", re.compile(r"^WOS:(\d{15})$", re.IGNORECASE)),
    ("eid", re.compile(r"^(2-s2\.0-\d{8,12})$")),
    ("central", re.compile(r"^(CN-\d{8})$", re.IGNORECASE)),
    ("cdsr", re.compile(r"^(CD\d{6}(?:\.pub\d+)?)$", re.IGNORECASE)),
    ("pmcid", re.compile(r"^(PMC\d{4,9})$", re.IGNORECASE)),
    ("eric", re.compile(r"^(E[DJ]\d{6,7})$", re.IGNORECASE)),
    ("dimensions", re.compile(r"^(pub\.\d{8,12})$")),
    ("nct", re.compile(r"^(NCT\d{8})$", re.IGNORECASE)),
    ("isrctn", re.compile(r"^(ISRCTN\d{8})$", re.IGNORECASE)),
    ("drks", re.compile(r"^(DRKS\d{8})$", re.IGNORECASE)),
    ("actrn", re.compile(r"^(ACTRN\d{14})$", re.IGNORECASE)),
    ("euctr", re.compile(r"^(EUCTR\d{4}-\d{6}-\d{2}(?:-[A-Z]{2})?)$", re.IGNORECASE)),
    ("chictr", re.compile(r"^(ChiCTR(?:-[A-Z]{2,4}-)?\d{8,10})$", re.IGNORECASE)),
    ("ctri", re.compile(r"^(CTRI/\d{4}/\d{2,3}/\d{6})$", re.IGNORECASE)),
)
_AS_WRITTEN: Final = frozenset({"eid", "dimensions"})
_PUBMED_NOTE: Final = re.compile(r"(?:PMID[:\s]*|^)(\d{1,8})\s*(?:\[PMID\])?$", re.IGNORECASE)
_PUBMED_IN_TEXT: Final = re.compile(r"(?:\bPMID:?\s*(\d{1,8})\b|\b(\d{1,8})\s*\[PMID\])", re.I)
_PUBMED: Final = re.compile(r"pubmed|medline|\bnlm\b", re.IGNORECASE)
_EMBASE: Final = re.compile(r"embase", re.IGNORECASE)
_DIGITS: Final = re.compile(r"^\d+$")
_EMBASE_AN: Final = re.compile(r"^L?(\d{9,10})$")
_PUBMED_URL: Final = re.compile(
    r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/", re.I
)
_OPENALEX: Final = re.compile(r"^(?:https?://openalex\.org/)?(W\d{4,12})$", re.IGNORECASE)
_LENS: Final = re.compile(r"^\d{3}-\d{3}-\d{3}-\d{3}-\d{2}[\dX]$")
_REGISTER_ID: Final = re.compile(r"^[A-Z][A-Za-z]*[-/ ]?[A-Za-z0-9][-A-Za-z0-9/_.]{3,40}$")

# Per format: (field, what it holds). "pmid", "wos", ...: the field always holds that type;
# "form": typed by its form or the record's database; "text": a PubMed id written in free
# text ("PMID: 123", "123 [PMID]"). Field names of tables are compared without case.
SOURCES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "ris": (
        ("AN", "form"),
        ("U1", "text"),
        ("U2", "text"),
        ("C2", "form"),
        ("M2", "text"),
        ("ID", "central"),  # only an id whose form names its database (Cochrane's CN-…, CD…)
    ),
    # OID, AN: an ERIC record's accession (ERIC writes no PMID)
    "nbib": (("PMID", "pmid"), ("PMC", "pmcid"), ("OID", "eric"), ("AN", "eric")),
    "wos": (("UT", "wos"), ("PM", "pmid")),
    "wos-tab": (("UT", "wos"), ("PM", "pmid")),
    "refer": (("%M", "form"),),
    "bibtex": (("pmid", "pmid"), ("unique-id", "form"), ("eid", "eid"), ("note", "text")),
    "endnote-xml": (("accession-num", "form"), ("notes", "text")),
    "scopus-csv": (("pubmed id", "pmid"), ("eid", "eid")),
    "embase-csv": (("medline pmid", "pmid"), ("embase accession id", "embase")),
    "pubmed-csv": (("pmid", "pmid"), ("pmcid", "pmcid")),
    "zotero-csv": (("extra", "text"),),
    "pubmed-xml": (("PMID", "pmid"), ("ArticleId@pmc", "pmcid")),
    "europepmc": (("pmid", "pmid"), ("pmcid", "pmcid")),
    "csl-json": (("PMID", "pmid"), ("PMCID", "pmcid"), ("note", "text")),
    **_PLAINTEXT_SOURCES,
    **{layout.name: layout.sources for layout in FIELD_LAYOUTS},
    "csv": (
        ("pmid", "pmid"),
        ("pubmed id", "pmid"),
        ("pmcid", "pmcid"),
        ("eid", "eid"),
        ("ut", "wos"),
        ("unique wos id", "wos"),
        ("ut (unique wos id)", "wos"),
        ("accession number", "form"),
        ("an", "form"),
    ),
}
# Where a record names its database, per format.
DATABASE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "ris": ("DB", "DP"),
    "endnote-xml": ("remote-database-name", "remote-database-provider"),
    "refer": ("%W",),
    **_PLAINTEXT_DATABASES,
}
ONE_RECORD_PER_WORK: Final = frozenset(
    {
        "pmid",
        "pmcid",
        "wos",
        "eid",
        "dimensions",
        "cdsr",
        "eric",
        "nct",
        "isrctn",
        "drks",
        "actrn",
        "euctr",
        "chictr",
        "ctri",
        "trial",
    }
)
"""Types whose database holds each publication (or trial registration) once, so that two
different identifiers of the type are two publications."""

LABELS: Final[dict[str, str]] = {
    "pmid": "PubMed ids",
    "pmcid": "PubMed Central ids",
    "wos": "Web of Science accessions",
    "eid": "Scopus EIDs",
    "central": "Cochrane CENTRAL ids",
    "cdsr": "Cochrane review ids",
    "embase": "Embase accessions",
    "eric": "ERIC accessions",
    "dimensions": "Dimensions ids",
    "nct": "ClinicalTrials.gov ids",
    "isrctn": "ISRCTN ids",
    "drks": "DRKS ids",
    "actrn": "ANZCTR ids",
    "euctr": "EU CTR ids",
    "chictr": "ChiCTR ids",
    "ctri": "CTRI ids",
    "trial": "trial register ids",
    "lens": "Lens ids",
    "openalex": "OpenAlex ids",
}


def _typed_lens(value: str) -> str | None:
    return f"lens:{value.upper()}" if _LENS.match(value) else None


def _typed_openalex(value: str) -> str | None:
    match = _OPENALEX.match(value)
    return f"openalex:{match.group(1).upper()}" if match else None


def _typed_register(value: str) -> str | None:
    """A trial register's id in a register's own id column: one of the registers above by
    its form, otherwise (JPRN-, IRCT, KCT, PACTR, NL, TCTR, RBR-, ... ids ICTRP lists) a
    ``trial`` id as written, in capitals."""
    value = value.strip()
    return f"trial:{value.upper()}" if _REGISTER_ID.match(value) else None


_BY_COLUMN: Final = {
    "lens": _typed_lens,
    "openalex": _typed_openalex,
    "register": _typed_register,
}
"""Columns that hold one database's ids only, typed by their column (after the forms)."""


def label(kind: str) -> str:
    """How messages name identifiers of ``kind``."""
    if kind.startswith("an@"):
        return f"{kind[3:]} accessions"
    return LABELS.get(kind, f"{kind} ids")


def _database(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]


def _pmid(number: int) -> str | None:
    """A PubMed id; 0 is none (exporters write it for a record without one)."""
    return f"pmid:{number}" if number > 0 else None


def typed(value: str, holds: str, database: str = "") -> str | None:
    """One value as ``type:value``, or None when nothing says which database issued it."""
    value = value.strip().rstrip(".")
    if not value:
        return None
    if holds == "text":
        note = _PUBMED_IN_TEXT.search(value)
        if note:
            return _pmid(int(note.group(1) or note.group(2)))
        return None
    if holds == "xref":  # "<database> <accession>": PUBMED 123, CT.gov NCT…, ICTRP ISRCTN…
        database, _, accession = value.partition(" ")
        found = typed(accession, "form", database) if accession.strip() else None
        # An Embase cross-reference would outrank the record's own CENTRAL id as its key.
        return None if found is None or found.startswith("embase:") else found
    for kind, form in FORMS:
        match = form.match(value)
        if match:
            written = match.group(1)
            return f"{kind}:{written if kind in _AS_WRITTEN else written.upper()}"
    if holds in _BY_COLUMN:
        return _BY_COLUMN[holds](value)
    if holds.startswith("an@"):  # the field holds that database's own accession
        return f"{holds}:{value}"
    if holds == "pmid":
        match = _PUBMED_NOTE.match(_PUBMED_URL.sub("", value))
        return _pmid(int(match.group(1))) if match else None
    if holds == "wos":
        digits = value.upper().removeprefix("WOS:")
        return f"wos:{digits}" if re.fullmatch(r"\d{15}", digits) else None
    if holds in ("eid", "pmcid", "central", "cdsr", "eric"):
        return None
    if holds == "embase":
        match = _EMBASE_AN.match(value)
        return f"embase:{match.group(1)}" if match else None
    if not _DIGITS.match(value.replace("-", "")):
        return f"an@{_database(database)}:{value}" if database else None
    if _PUBMED.search(database) and len(value) <= 8 and value.isdecimal():
        return _pmid(int(value))
    embase = _EMBASE_AN.match(value)
    if _EMBASE.search(database) and embase:
        return f"embase:{embase.group(1)}"
    return f"an@{_database(database)}:{value}" if database else None


def identifiers(format_name: str, by_name: Mapping[str, list[str]]) -> list[str]:
    """A record's typed identifiers, from its fields (``by_name``: field name -> values;
    names of tables lower-cased)."""
    sources = SOURCES.get(format_name, ())
    table = format_name.endswith("csv")
    database = " ".join(
        value
        for name in DATABASE_FIELDS.get(format_name, ())
        for value in by_name.get(name, [])
        if value.strip()
    )
    found: list[str] = []
    for name, holds in sources:
        for raw in by_name.get(name.lower() if table else name, []):
            for value in _split(raw, holds):
                kind = typed(value, holds, database)
                if kind:
                    found.append(kind)
    return list(dict.fromkeys(found))


def _split(raw: str, holds: str) -> Iterable[str]:
    if holds == "text":
        return [raw]
    if ";" not in raw and "," not in raw and "\n" not in raw:
        return [raw] if raw.strip() else []
    return [part for part in re.split(r"[;,\n]+", raw) if part.strip()]


def by_type(ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """Typed identifiers grouped by type; identifiers of no database are left out."""
    grouped: dict[str, set[str]] = {}
    for item in ids:
        kind, _, value = item.partition(":")
        if value:
            grouped.setdefault(kind, set()).add(value)
    return {kind: frozenset(values) for kind, values in grouped.items()}
