"""Standard fields of the plain-text vendor formats (:mod:`searchtrail.records.plaintext`)
and of ERIC's citation line: the tables :mod:`searchtrail.records.fields` uses for them, in
its notation (standard field -> source fields in order of preference; ``*`` all values of a
field one per line, ``+`` gathered with the other ``+`` fields), and the splits of the
cells in which these exporters pack several things.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

Standard = dict[str, str]
ByName = dict[str, list[str]]

PROQUEST: Final = {
    "type": ["Document type", "Source type"],
    "title": ["Title", "Heading"],
    "authors": ["Author"],
    "year": ["Publication year", "Year", "Publication date"],
    "journal": ["Publication title"],
    "volume": ["Volume"],
    "issue": ["Issue"],
    "pages": ["Pages", "First page"],
    "doi": ["DOI"],
    "issn_isbn": ["+ISSN", "+e-ISSN", "+ISBN", "+e-ISBN"],
    "url": ["Document URL", "URL"],
    "abstract": ["Abstract", "Translated abstract"],
    "language": ["Language of publication", "Language"],
    "keywords": ["+Subject", "+MeSH subject", "+Identifier / keyword"],
    "publisher": ["Publisher"],
}
OVID: Final = {
    "type": ["Publication Type", "Document Type"],
    "title": ["Title"],
    "authors": ["Authors Full Name", "Authors", "Author"],
    "year": ["Year of Publication", "Date of Publication", "Publication Date", "Source"],
    "journal": ["Journal Name"],
    "volume": ["Volume"],
    "issue": ["Issue"],
    "pages": ["Page", "Pagination"],
    "doi": ["Digital Object Identifier", "Digital Object Identifier (DOI)", "DOI Number"],
    "issn_isbn": ["+ISSN", "+ISSN Print", "+ISSN Electronic", "+ISSN Linking", "+ISBN"],
    "url": ["URL", "Link to the Ovid Full Text or citation"],
    "abstract": ["Abstract"],
    "language": ["Language"],
    "keywords": [
        "+MeSH Subject Headings",
        "+Subject Headings",
        "+Emtree Heading",
        "+Keyword Heading",
        "+Keywords",
        "+Author Keywords",
    ],
    "publisher": ["Publisher"],
}
# Ovid's tagged export ("Direct Export" for Citavi, EndNote, ...): Ovid's field labels, as
# its database guides name them (MEDLINE, Embase, APA PsycInfo, ...).
OVID_DIRECT: Final = {
    "type": ["PT"],
    "title": ["TI"],
    "authors": ["*FA", "*AU"],
    "year": ["YR", "DP"],
    "journal": ["JN", "JT"],
    "volume": ["VO", "VI"],
    "issue": ["IP"],
    "pages": ["PG"],
    "doi": ["DO", "DI"],
    "issn_isbn": ["+IS", "+IB"],
    "url": ["UR", "XL"],
    "abstract": ["AB"],
    "language": ["LG"],
    "keywords": ["+MH", "+KW", "+SH"],
    "publisher": ["PB"],
}
COCHRANE: Final = {
    "type": ["PT"],
    "title": ["TI"],
    "authors": ["*AU"],
    "year": ["YR"],
    "journal": ["SO"],
    "volume": ["VL"],
    "issue": ["NO"],
    "pages": ["PG"],
    "doi": ["DOI"],
    "issn_isbn": ["+SN", "+IS"],
    "url": ["US"],
    "abstract": ["AB"],
    "language": ["LA"],
    "keywords": ["+KY"],
    "publisher": ["PB"],
}
REFWORKS: Final = {
    "type": ["RT"],
    "title": ["T1", "ST"],
    "authors": ["*A1"],
    "year": ["YR", "FD"],
    "journal": ["JF", "JO", "T2", "WT"],
    "volume": ["VO"],
    "issue": ["IS"],
    "pages": ["SP"],
    "doi": ["DO"],
    "issn_isbn": ["+SN"],
    "url": ["UL", "LK"],
    "abstract": ["AB"],
    "language": ["LA"],
    "keywords": ["+K1"],
    "publisher": ["PB"],
    "own_id": ["ID"],
}
TABLES: Final = {
    "proquest-text": PROQUEST,
    "ovid-text": OVID,
    "ovid-direct": OVID_DIRECT,
    "cochrane-text": COCHRANE,
    "refworks": REFWORKS,
}

# Ovid's Source: "Child Development. 92(4):1320-1335, 2021 Jul.", and Journals@Ovid's
# "Ecohydrology.   8(6):1048-1064, September 2015." (a month, or a day and month, before the
# year).
_OVID_SOURCE: Final = re.compile(
    r"^(?P<journal>.+?)\.\s+(?P<volume>[^\s(:]+)?(?:\((?P<issue>[^)]*)\))?"
    r"(?::(?P<pages>[^,\s]+))?,\s*(?:[A-Za-z]+\.?\s+(?:\d{1,2},?\s+)?)?(?P<year>\d{4})"
)
# Embase's Source on Ovid: "Lancet. 391 (10127) (pp 1234-1245), 2018. Date of Publication:
# ...", a conference's name and place between the journal and the volume ("BMC Proceedings.
# Conference: ... Spain. 12 (Supplement 3) (no pagination), 2018.").
_EMBASE_SOURCE: Final = re.compile(
    r"^(?P<journal>.+?)\.\s+(?:.*?\.\s+)??(?P<volume>[^\s(,]*\d[^\s(,]*)\s*"
    r"(?:\((?P<issue>[^)]*)\))?\s*(?:\((?:pp\.?\s*)?(?P<pages>[^)]*)\))?,\s*(?P<year>\d{4})"
)
# A Source that names only the journal (Journals@Ovid, ahead of print): no digit in it.
_JOURNAL_ONLY: Final = re.compile(r"^(?P<journal>[^\d]+?)\.?$")
# An affiliation number after an author's name (Journals@Ovid: "Holstiege, Jakob 1").
_AFFILIATION_NUMBER: Final = re.compile(r"\s+\d{1,3}(?:\s*,\s*\d{1,3})*\*?$")
# The article type Journals@Ovid writes after a title: "... a systematic review.[Review]".
_TITLE_TAG: Final = re.compile(r"(?<=\.)\s*\[[A-Z][A-Za-z -]{1,30}\]$")
# ERIC's citation line: "Journal of School Health, v90 n4 p301-309 Apr 2020".
_ERIC_SOURCE: Final = re.compile(
    r"^(?P<journal>[^,]+),(?:\s+v(?P<volume>\S+))?(?:\s+n(?P<issue>\S+))?(?:\s+p(?P<pages>\S+))?"
)


def _first(by_name: ByName, name: str) -> str:
    return next((value.strip() for value in by_name.get(name, []) if value.strip()), "")


def _fill(result: Standard, name: str, value: str | None) -> None:
    if value and not result.get(name):
        result[name] = value.strip()


def fix_proquest(result: Standard, by_name: ByName) -> None:
    """ProQuest lists keywords in one cell with ``;`` and writes the DOI as a URL."""
    result["keywords"] = "\n".join(
        part.strip() for part in re.split(r"[;\n]", result["keywords"]) if part.strip()
    )


def fix_ovid(result: Standard, by_name: ByName) -> None:
    """Journal, volume, issue and pages from Ovid's ``Source`` line where no field of
    their own holds them; affiliation numbers taken off authors' names (``Holstiege, Jakob
    1``), keywords written in one line split at ``;``, the article type Journals@Ovid adds to
    a title (``.[Review]``) and the full stop after a language taken off."""
    _fill_from_source(result, _first(by_name, "Source"))
    _tidy_ovid(result)


def fix_ovid_direct(result: Standard, by_name: ByName) -> None:
    """As :func:`fix_ovid`, from the ``SO`` line (MEDLINE's or Embase's form)."""
    _fill_from_source(result, _first(by_name, "SO"))
    _tidy_ovid(result)


def _fill_from_source(result: Standard, source: str) -> None:
    source = " ".join(source.split())[:300]
    match = _OVID_SOURCE.match(source) or _EMBASE_SOURCE.match(source)
    if match:
        for name in ("journal", "volume", "issue", "pages", "year"):
            value = match.group(name)
            if name == "pages" and value and value.lower() == "no pagination":
                continue
            _fill(result, name, value)
    elif only := _JOURNAL_ONLY.match(source):
        _fill(result, "journal", only.group("journal"))


def _tidy_ovid(result: Standard) -> None:
    result["authors"] = "\n".join(
        _AFFILIATION_NUMBER.sub("", name) for name in result["authors"].split("\n")
    )
    keywords = re.split(r"[;\n]", result["keywords"].strip().removesuffix("."))
    result["keywords"] = "\n".join(part.strip() for part in keywords if part.strip())
    result["title"] = _TITLE_TAG.sub("", result["title"].strip())
    for name in ("language", "type"):
        result[name] = "\n".join(v.strip().removesuffix(".") for v in result[name].split("\n"))


def fix_cochrane(result: Standard, by_name: ByName) -> None:
    """Authors written in one ``AU`` line (``Smith J; Doe A``) and keywords in one ``KY``
    line, one per line; a trial-register record's source (a register's URL) is its URL."""
    authors = [a.strip() for line in result["authors"].split("\n") for a in line.split(";")]
    result["authors"] = "\n".join(a for a in authors if a)
    result["keywords"] = "\n".join(
        part.strip() for part in re.split(r"[;\n]", result["keywords"]) if part.strip()
    )
    if result["journal"].startswith(("http://", "https://")):  # a register's page
        _fill(result, "url", result["journal"])
        result["journal"] = ""


def fix_refworks(result: Standard, by_name: ByName) -> None:
    """Pages from ``SP`` and ``OP``; keywords written in one ``K1`` with ``;`` split."""
    result["keywords"] = "\n".join(
        part.strip() for part in re.split(r"[;\n]", result["keywords"]) if part.strip()
    )
    start, other = _first(by_name, "SP"), _first(by_name, "OP")
    result["pages"] = f"{start}-{other}" if start and other and "-" not in start else start or other


def fix_eric_source(result: Standard, by_name: ByName) -> None:
    """An ERIC record's journal, volume, issue and pages from its ``SO`` line, where no
    field of their own holds them."""
    if _first(by_name, "OWN").upper() != "ERIC":
        return
    match = _ERIC_SOURCE.match(" ".join(_first(by_name, "SO").split()))
    if match:
        for name in ("journal", "volume", "issue", "pages"):
            _fill(result, name, match.group(name))


FIXES: Final[dict[str, Callable[[Standard, ByName], None]]] = {
    "proquest-text": fix_proquest,
    "ovid-text": fix_ovid,
    "ovid-direct": fix_ovid_direct,
    "cochrane-text": fix_cochrane,
    "refworks": fix_refworks,
}

# Where each format's records name their identifiers (see :mod:`~searchtrail.records.identifiers`):
# "eric", "central": only a value whose form says which database issued it (EJ…/ED…,
# CN-…/CD…, NCT…, ...); "xref": a cross-reference "<database> <accession>" (Cochrane's XR:
# "PUBMED 12345678", "EMBASE 627381234", "CT.gov NCT01234567"); "an@proquest": ProQuest's own
# document id.
SOURCES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "proquest-text": (
        ("ProQuest document ID", "an@proquest"),
        ("PubMed ID", "pmid"),
        ("Accession number", "form"),
    ),
    "ovid-text": (
        ("Unique Identifier", "pmid"),
        ("PubMed Identifier", "pmid"),
        ("PMCID", "pmcid"),
        ("Embase Accession Number", "embase"),
        ("Accession Number", "form"),
    ),
    # UI: MEDLINE's PMID, Embase's accession, ...; typed by the record's DB line.
    "ovid-direct": (("UI", "form"), ("AN", "form"), ("PM", "pmcid")),
    "cochrane-text": (("ID", "central"), ("XR", "xref"), ("PM", "xref")),
    "refworks": (("PMID", "pmid"), ("PMCID", "pmcid"), ("AN", "form")),
}
DATABASE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "proquest-text": ("Database",),
    "ovid-text": ("Database",),
    "ovid-direct": ("DB",),
    "refworks": ("DB", "DS"),
}
