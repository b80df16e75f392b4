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
``an@<database>`` another database's accession, typed by the record's database
================  ===================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

# (type, pattern): forms that say which database issued them, wherever they are written.
_FORMS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
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
)
_AS_WRITTEN: Final = frozenset({"eid", "dimensions"})
_PUBMED_NOTE: Final = re.compile(r"(?:PMID[:\s]*|^)(\d{1,8})\s*(?:\[PMID\])?$", re.IGNORECASE)
_PUBMED_IN_TEXT: Final = re.compile(r"(?:\bPMID:?\s*(\d{1,8})\b|\b(\d{1,8})\s*\[PMID\])", re.I)
_PUBMED: Final = re.compile(r"pubmed|medline|\bnlm\b", re.IGNORECASE)
_EMBASE: Final = re.compile(r"embase", re.IGNORECASE)
_DIGITS: Final = re.compile(r"^\d+$")
_EMBASE_AN: Final = re.compile(r"^L?(\d{9,10})$")

# Per format: (field, what it holds). "pmid", "wos", ...: the field always holds that type;
# "form": typed by its form or the record's database; "text": a PubMed id written in free
# text ("PMID: 123", "123 [PMID]"). Field names of tables are compared without case.
SOURCES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "ris": (("AN", "form"), ("U1", "text"), ("U2", "text"), ("C2", "form"), ("M2", "text")),
    "nbib": (("PMID", "pmid"), ("PMC", "pmcid")),
    "wos": (("UT", "wos"), ("PM", "pmid")),
    "wos-tab": (("UT", "wos"), ("PM", "pmid")),
    "refer": (("%M", "form"),),
    "bibtex": (("pmid", "pmid"), ("unique-id", "form"), ("eid", "eid"), ("note", "text")),
    "endnote-xml": (("accession-num", "form"), ("notes", "text")),
    "scopus-csv": (("pubmed id", "pmid"), ("eid", "eid")),
    "embase-csv": (("medline pmid", "pmid"), ("embase accession id", "embase")),
    "pubmed-csv": (("pmid", "pmid"), ("pmcid", "pmcid")),
    "zotero-csv": (("extra", "text"),),
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
}


def label(kind: str) -> str:
    """How messages name identifiers of ``kind``."""
    if kind.startswith("an@"):
        return f"{kind[3:]} accessions"
    return LABELS.get(kind, f"{kind} ids")


def _database(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]


def typed(value: str, holds: str, database: str = "") -> str | None:
    """One value as ``type:value``, or None when nothing says which database issued it."""
    value = value.strip().rstrip(".")
    if not value:
        return None
    if holds == "text":
        note = _PUBMED_IN_TEXT.search(value)
        if note:
            return f"pmid:{int(note.group(1) or note.group(2))}"
        return None
    for kind, form in _FORMS:
        match = form.match(value)
        if match:
            written = match.group(1)
            return f"{kind}:{written if kind in _AS_WRITTEN else written.upper()}"
    if holds == "pmid":
        match = _PUBMED_NOTE.match(value)
        return f"pmid:{int(match.group(1))}" if match else None
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
        return f"pmid:{int(value)}"
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
    return [part for part in re.split(r"[;,\n]+", raw) if part.strip()]


def by_type(ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """Typed identifiers grouped by type; identifiers of no database are left out."""
    grouped: dict[str, set[str]] = {}
    for item in ids:
        kind, _, value = item.partition(":")
        if value:
            grouped.setdefault(kind, set()).add(value)
    return {kind: frozenset(values) for kind, values in grouped.items()}
