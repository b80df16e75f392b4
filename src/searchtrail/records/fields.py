"""From each format's own fields to one set of standard fields.

Every record keeps its original fields verbatim; this module adds the standard ones that
deduplication, reports and the unique-record exports use. Each format has a table naming,
for every standard field, the source fields in order of preference. A few exporters pack
several things into one cell (Embase's ``Source``, PubMed's ``Citation``); those are split
here. Authors come one per field (RIS ``AU``), one per line (Web of Science), or several in
one field separated by ``;``, `` and `` (BibTeX) or ``,`` (PubMed and Embase CSV); they end up
as one author per line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Final
from urllib.parse import unquote

from searchtrail.records.identifiers import identifiers, typed
from searchtrail.records.latex import latex_to_text
from searchtrail.records.plaintext_fields import FIXES as _PLAINTEXT_FIXES
from searchtrail.records.plaintext_fields import TABLES as _PLAINTEXT_TABLES
from searchtrail.records.plaintext_fields import fix_eric_source
from searchtrail.records.vendor_tables import FIELD_LAYOUTS, LAYOUTS

STANDARD_FIELDS: Final = (
    "type",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "issn",
    "isbn",
    "pmid",
    "ids",
    "url",
    "abstract",
    "language",
    "keywords",
    "publisher",
    "own_id",
)

Standard = dict[str, str]
Fields = Sequence[tuple[str, str]]

_YEAR: Final = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
# A date written as one number, YYYYMMDD or YYYYMM (TRID's "Start date: 20170812").
_COMPACT_DATE: Final = re.compile(
    r"(?<!\d)(1[5-9]\d\d|20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])?(?!\d)"
)
# Web of Science's early-access date in RIS C6: "FEB 2022" (or the year alone).
_EARLY_ACCESS: Final = re.compile(r"^(?:[A-Za-z]{3,9}\.?\s+(?:\d{1,2}\s+)?)?(\d{4})$")
# A link field's value that is a DOI and nothing else: bare, "doi:…", or a doi.org URL.
_DOI_ALONE: Final = re.compile(
    r"^(?:doi:?\s*|(?:https?://)?(?:[a-z]+\.)?doi\.org/)?10\.\d{4,9}/\S+$", re.IGNORECASE
)
_LEADING_AND: Final = re.compile(r"^and\s+(?=\S)")
ARTICLE_NUMBER: Final = re.compile(r"[^\s]*\d[^\s]*")
"""RIS's article number (``C7``), taken for the pages of a record that gives none, as Web of
Science's ``AR`` and Scopus's ``Art. No.`` are: one word holding a digit (``e70655``,
``101129``, ``3``), not the custom text other reference types may keep in ``C7``."""
_RIS_BARE_DOI: Final = ("M3", "UR", "L1", "L2", "LK", "L3", "L4")
"""The RIS fields whose value may be a DOI and nothing else, in the order such a DOI is
preferred when DO and DI have none: the type-of-work field, where publishers' exports
(Taylor & Francis, SAGE, the Royal Society of Chemistry) and reference managers (Mendeley,
NoteExpress) write the DOI, then the link fields."""
_DOI: Final = re.compile(r"10\.\d{4,9}/\S+")
_ISSN: Final = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_NUMBER_KIND: Final = re.compile(r"^(?:E-?ISSN|ISSN|E-?ISBN|ISBN)[-:\s]+", re.IGNORECASE)
_PAGES_EMBASE: Final = re.compile(
    r"^(?P<journal>.*?)\s*\((?P<year>\d{4})\)\s*(?P<volume>[^:\s(]+)?(?::(?P<issue>[^\s(]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
_PUBMED_CITATION: Final = re.compile(
    r";(?P<volume>[^(:.]+)?(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>[^.\s]+))?"
)

# Standard field -> source fields, in order of preference. A plain name gives its first
# value; "*" before a name gives all its values, one per line; "+" gathers all values of it
# and of the other "+" names together (ISSN and ISBN fields, keywords).
_RIS: Final = {
    # TY, then the type of work M3 gives ("Conference Abstract", "Erratum", "Trial registry
    # record"), which Embase, Scopus, Cochrane and EndNote write there (joined_types).
    "type": ["+TY", "+M3"],
    "title": ["TI", "T1", "CT", "ST", "BT"],
    "authors": ["*AU", "*A1"],
    "year": ["PY", "Y1", "DA", "Y2"],
    "journal": ["T2", "JF", "JO", "JA", "J2", "BT", "T3", "SE"],
    "volume": ["VL"],
    "issue": ["IS", "CP"],
    "pages": ["SP"],
    "doi": ["DO", "DI"],
    "issn_isbn": ["+SN"],
    "url": ["UR", "L1", "L2", "LK", "L3"],
    "abstract": ["AB", "N2"],
    "language": ["LA"],
    "keywords": ["+KW"],
    "publisher": ["PB"],
    "own_id": ["ID"],
}
_NBIB: Final = {
    "type": ["*PT"],  # every publication type, joined by "; " (joined_types)
    "title": ["TI", "BTI"],
    "authors": ["*FAU"],
    "authors_short": ["*AU"],
    "year": ["DP", "DEP", "PHST", "PY"],
    "journal": ["JT", "TA"],
    "volume": ["VI"],
    "issue": ["IP"],
    "pages": ["PG"],
    "issn_isbn": ["+IS", "+ISBN", "+ISSN", "+IB"],  # ISSN, IB: ERIC
    "pmid": ["PMID"],
    "abstract": ["AB", "OAB"],
    "language": ["LA"],
    "keywords": ["+OT", "+MH", "+DE", "+ID"],  # DE, ID: ERIC's descriptors and identifiers
    "publisher": ["PB"],
}
_WOS: Final = {
    "type": ["+DT", "+PT"],  # the document type ("Meeting Abstract"), then the source's ("J")
    "title": ["TI"],
    "authors": ["*AF"],
    "authors_short": ["*AU"],
    "year": ["PY", "PD", "EY", "EA"],  # EY, EA: the early-access year and date
    "journal": ["SO", "SE", "BS"],
    "volume": ["VL"],
    "issue": ["IS"],
    "doi": ["DI", "D2"],
    "issn_isbn": ["+SN", "+EI", "+BN"],
    "pmid": ["PM"],
    "abstract": ["AB"],
    "language": ["LA"],
    "keywords": ["+DE", "+ID"],
    "publisher": ["PU"],
}
_REFER: Final = {
    "type": ["+%0", "+%9"],  # the reference type, then the type of work (RIS's M3)
    "title": ["%T"],
    "authors": ["*%A"],
    "year": ["%D", "%8"],
    "journal": ["%J", "%B"],
    "volume": ["%V"],
    "issue": ["%N"],
    "pages": ["%P"],
    "doi": ["%R"],
    "issn_isbn": ["+%@"],
    "url": ["%U"],
    "abstract": ["%X"],
    "language": ["%G"],
    "keywords": ["+%K"],
    "publisher": ["%I"],
}
_BIBTEX: Final = {
    "type": ["entrytype"],
    "title": ["title"],
    "authors": ["author"],
    "year": ["year", "date", "earlyaccessdate"],  # Web of Science's early-access date
    "journal": ["journal", "journaltitle", "booktitle", "series"],
    "volume": ["volume"],
    "issue": ["number", "issue"],
    "pages": ["pages"],
    "doi": ["doi"],
    "issn_isbn": ["+issn", "+isbn"],
    "pmid": ["pmid"],
    "url": ["url"],
    "abstract": ["abstract"],
    "language": ["language"],
    "keywords": ["keywords", "author_keywords"],
    "publisher": ["publisher"],
}
_ENDNOTE_XML: Final = {
    "type": ["+ref-type@name", "+work-type"],  # the reference type, then the type of work
    "title": ["titles/title"],
    "authors": ["*contributors/authors/author"],
    "year": ["dates/year", "dates/pub-dates/date"],
    "journal": [
        "titles/secondary-title",
        "periodical/full-title",
        "alt-periodical/full-title",
        "titles/alt-title",
    ],
    "volume": ["volume"],
    "issue": ["number", "issue"],
    "pages": ["pages"],
    "doi": ["electronic-resource-num"],
    "issn_isbn": ["+isbn"],
    "url": ["urls/related-urls/url", "urls/web-urls/url", "urls/pdf-urls/url"],
    "abstract": ["abstract"],
    "language": ["language"],
    "keywords": ["+keywords/keyword"],
    "publisher": ["publisher"],
}
_PUBMED_XML: Final = {
    "type": ["PublicationType"],
    "title": ["ArticleTitle", "BookTitle", "VernacularTitle"],
    "authors": ["*Author", "*Editor"],
    "year": ["PubDate", "ArticleDate"],
    "journal": ["Journal/Title", "Journal/ISOAbbreviation", "MedlineTA", "CollectionTitle"],
    "volume": ["Volume"],
    "issue": ["Issue"],
    "pages": ["MedlinePgn"],
    "doi": ["ArticleId@doi", "ELocationID@doi"],
    "issn_isbn": ["+ISSN", "+Isbn"],
    "pmid": ["PMID"],
    "abstract": ["*AbstractText"],
    "language": ["Language"],
    "keywords": ["+Keyword", "+MeshHeading"],
    "publisher": ["Publisher"],
}
_EUROPEPMC: Final = {
    "type": ["pubTypeList/pubType", "pubType"],
    "title": ["title"],
    "authors": ["*authorList/author/fullName"],
    "year": ["pubYear", "journalInfo/yearOfPublication", "firstPublicationDate"],
    "journal": [
        "journalInfo/journal/title",
        "journalTitle",
        "journalInfo/journal/isoabbreviation",
        "journalInfo/journal/medlineAbbreviation",
        "bookOrReportDetails/publisher",
    ],
    "volume": ["journalInfo/volume", "journalVolume"],
    "issue": ["journalInfo/issue", "issue"],
    "pages": ["pageInfo"],
    "doi": ["doi"],
    "issn_isbn": [
        "+journalInfo/journal/issn",
        "+journalInfo/journal/essn",
        "+journalIssn",
        "+bookOrReportDetails/isbn13",
        "+bookOrReportDetails/isbn10",
    ],
    "pmid": ["pmid"],
    "url": ["fullTextUrlList/fullTextUrl/url"],
    "abstract": ["abstractText"],
    "language": ["language"],
    "keywords": ["+keywordList/keyword", "+meshHeadingList/meshHeading/descriptorName"],
    "publisher": ["bookOrReportDetails/publisher"],
}
_CSL_JSON: Final = {
    "type": ["type"],
    "title": ["title", "title-short"],
    "authors": ["*author", "*editor"],
    "year": ["issued", "original-date", "available-date"],
    "journal": [
        "container-title",
        "container-title-short",
        "journalAbbreviation",
        "collection-title",
    ],
    "volume": ["volume"],
    "issue": ["issue", "number"],
    "pages": ["page"],
    "doi": ["DOI"],
    "issn_isbn": ["+ISSN", "+ISBN"],
    "pmid": ["PMID"],
    "url": ["URL"],
    "abstract": ["abstract"],
    "language": ["language"],
    "keywords": ["+keyword"],
    "publisher": ["publisher"],
}
# Tables: names compared without case.
_SCOPUS: Final = {
    "type": ["document type"],
    "title": ["title"],
    "authors": ["author full names", "authors"],
    "year": ["year"],
    "journal": ["source title"],
    "volume": ["volume"],
    "issue": ["issue"],
    "doi": ["doi"],
    "issn_isbn": ["+issn", "+isbn"],
    "pmid": ["pubmed id"],
    "url": ["link"],
    "abstract": ["abstract"],
    "language": ["language of original document"],
    "keywords": ["author keywords", "index keywords"],
    "publisher": ["publisher"],
}
_GENERIC: Final = {
    # Synonyms from reference managers' and publishers' tables: RefWorks ("Title Primary",
    # "Authors, Primary", "Periodical Full"), Covidence ("Published Year"), SpringerLink
    # ("Item Title", "Item DOI", "Journal Volume"), Google Scholar ("Publication").
    "type": [
        "type",
        "item type",
        "document type",
        "publication type",
        "reference type",
        "content type",
    ],
    "title": [
        "title",
        "article title",
        "document title",
        "primary title",
        "title primary",
        "item title",
        "ti",
    ],
    "authors": ["authors", "author", "author names", "author(s)", "authors, primary", "au"],
    "year": [
        "year",
        "publication year",
        "py",
        "pub year",
        "published year",
        "year published",
        "date",
        "publication date",
    ],
    "journal": [
        "journal",
        "journal/book",
        "source title",
        "publication title",
        "journal title",
        "journal name",
        "periodical full",
        "periodical",
        "publication",
        "secondary title",
        "source",
        "so",
        "periodical abbrev",
    ],
    "volume": ["volume", "vol", "vl", "journal volume"],
    "issue": ["issue", "number", "no", "is", "journal issue"],
    "pages": ["pages", "page", "pg"],
    "doi": ["doi", "di", "item doi"],
    "issn_isbn": ["+issn", "+isbn", "+sn", "+issn/isbn"],
    "pmid": ["pmid", "pubmed id"],
    "url": ["url", "link", "ur"],
    "abstract": ["abstract", "abstract note", "ab"],
    "language": ["language", "la"],
    "keywords": ["keywords", "manual tags", "author keywords", "kw"],
    "publisher": ["publisher", "pb"],
    "own_id": ["record_id", "id"],
}

_TABLES: Final = {
    "ris": _RIS,
    "nbib": _NBIB,
    "wos": _WOS,
    "wos-tab": _WOS,
    "refer": _REFER,
    "bibtex": _BIBTEX,
    "endnote-xml": _ENDNOTE_XML,
    "pubmed-xml": _PUBMED_XML,
    "europepmc": _EUROPEPMC,
    "csl-json": _CSL_JSON,
    **_PLAINTEXT_TABLES,
    "scopus-csv": _SCOPUS,
    "embase-csv": _GENERIC,
    "pubmed-csv": _GENERIC,
    "zotero-csv": _GENERIC,
    "csv": _GENERIC,
    **{layout.name: layout.fields for layout in FIELD_LAYOUTS},
}
_CASELESS: Final = frozenset(
    {"bibtex", "scopus-csv", "embase-csv", "pubmed-csv", "zotero-csv", "csv"}
    | {layout.name for layout in FIELD_LAYOUTS}
)
TABLE_COLUMNS: Final = frozenset(
    {
        source.lstrip("*+")
        for table in (_SCOPUS, _GENERIC)
        for sources in table.values()
        for source in sources
    }
    | {"eid", "pmcid", "medline pmid", "embase accession id", "accession number", "ut"}
    | {"citation", "key", "extra", "page start", "page end", "art. no."}
    | {name for layout in LAYOUTS for name in layout.distinctive}
)
"""The column names (in lower case) a table's header is recognised by (for telling a
table from other text)."""


_FIRST, _ALL, _GATHER = 0, 1, 2
Plan = tuple[tuple[str, tuple[tuple[int, str], ...]], ...]


@lru_cache(maxsize=256)
def _plan(format_name: str, columns: tuple[tuple[str, str], ...]) -> Plan:
    """For each wanted name, its sources as (mode, source name), resolved once per format."""
    caseless = format_name in _CASELESS
    table: dict[str, list[str]] = dict(_TABLES[format_name])
    for standard_name, column in columns:
        key = "issn_isbn" if standard_name in ("issn", "isbn") else standard_name
        table[key] = [column.lower() if caseless else column]
    modes = {"*": _ALL, "+": _GATHER}
    return tuple(
        (name, tuple((modes.get(source[:1], _FIRST), source.lstrip("*+")) for source in sources))
        for name, sources in table.items()
    )


def _pick(by_name: dict[str, list[str]], sources: tuple[tuple[int, str], ...]) -> str:
    gathered: list[str] = []
    for mode, name in sources:
        values = by_name.get(name)
        if not values:
            continue
        if mode == _FIRST:
            if not gathered:
                value = values[0].strip()
                if value:
                    return value
        elif mode == _GATHER:
            gathered.extend(v.strip() for v in values if v.strip())
        elif not gathered:
            present = [v.strip() for v in values if v.strip()]
            if present:
                return "\n".join(present)
    return "\n".join(gathered)


def source_names(
    format_name: str, standard_name: str, columns: Mapping[str, str] | None = None
) -> tuple[frozenset[str], bool]:
    """The names of the fields that give ``standard_name`` in ``format_name`` (with the log's
    ``columns``), and whether a record's field names are compared with them in lower case."""
    plan = dict(_plan(format_name, tuple(sorted((columns or {}).items()))))
    names = frozenset(name for _, name in plan.get(standard_name, ()))
    return names, format_name in _CASELESS


def standardise(
    fields: Fields, format_name: str, *, columns: Mapping[str, str] | None = None
) -> Standard:
    """The standard fields of one record read in ``format_name``.

    ``columns`` (tables only) maps standard field names to the table's column names and
    overrides the built-in names for those fields.
    """
    return standardiser(format_name, columns)(fields)


def standardiser(
    format_name: str, columns: Mapping[str, str] | None = None
) -> Callable[[Fields], Standard]:
    """:func:`standardise` for many records of one format: the format's plan is resolved
    once, and the values that records share (a journal's ISSNs, a date) are worked out once
    per reader (the functions applied to them depend on the value alone)."""
    caseless = format_name in _CASELESS
    bibtex = format_name == "bibtex"
    plan = _plan(format_name, tuple(sorted((columns or {}).items())))
    year_sources = dict(plan).get("year", ())
    fix = _FIXES.get(format_name)
    mapped_pmid = bool(columns and "pmid" in columns)
    issn_isbn = cache(_split_issn_isbn)
    year = cache(_year)
    ids_of = identifiers

    def one(fields: Fields) -> Standard:
        by_name: dict[str, list[str]] = {}
        if caseless or bibtex:
            for name, value in fields:
                key = name.lower() if caseless else name
                text = latex_to_text(value) if bibtex else value
                values = by_name.get(key)
                if values is None:
                    by_name[key] = [text]
                else:
                    values.append(text)
        else:
            for name, value in fields:
                values = by_name.get(name)
                if values is None:
                    by_name[name] = [value]
                else:
                    values.append(value)
        result: Standard = dict.fromkeys(STANDARD_FIELDS, "")
        for name, sources in plan:
            result[name] = _pick(by_name, sources)
        result["issn"], result["isbn"] = issn_isbn(result.pop("issn_isbn", ""))
        authors_short = result.pop("authors_short", "")
        result["authors"] = split_authors(result["authors"], format_name) or split_authors(
            authors_short, format_name
        )
        result["type"] = joined_types(result["type"])
        if fix is not None:
            fix(result, by_name)
        result["year"] = year(result["year"]) or _first_year(by_name, year_sources)
        result["doi"] = _doi(result["doi"]) or _doi_from(result["url"])
        found = ids_of(format_name, by_name)
        mapped = typed(result["pmid"], "pmid") if mapped_pmid and result["pmid"] else None
        if mapped:
            found.insert(0, mapped)
        result["ids"] = "\n".join(dict.fromkeys(found))
        result["pmid"] = next((i.removeprefix("pmid:") for i in found if i.startswith("pmid:")), "")
        for name in ("title", "abstract", "journal"):
            result[name] = one_spaced(result[name])
        result["keywords"] = keyword_lines(result["keywords"])
        return result

    return one


_KEYWORD_LIST: Final = re.compile(r";(?:\s|$)")
"""Where a line lists several keywords: a semicolon before a space or the end. A keyword
holds none (MeSH headings hold commas: "Research Support, Non-U.S. Gov't"), and a
semicolon inside a word is an HTML entity's ("R&amp;D")."""


def keyword_lines(text: str) -> str:
    """Keywords one a line, as RIS gives them: the lists of Scopus's and Zotero's tables and
    of BibTeX ("Canopy cover; Distance sampling") are split at their semicolons."""
    if ";" not in text:
        return text
    lines = (k.strip() for line in text.split("\n") for k in _KEYWORD_LIST.split(line))
    return "\n".join(k for k in lines if k)


def one_spaced(text: str) -> str:
    """``text`` with its whitespace runs made one space and its ends stripped, as
    ``" ".join(text.split())``. That is only run where it could change something: a text
    whose only whitespace is single spaces inside it is returned as it is (whitespace other
    than the space is never printable, so printable text holds no other)."""
    if (
        text.isprintable()
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    ):
        return text
    return " ".join(text.split())


COMMA_AUTHORS: Final = frozenset({"pubmed-csv", "embase-csv", "scopus-csv"})
"""Formats whose author lists in one line are split at commas."""


def split_authors(text: str, format_name: str) -> str:
    """Authors one per line, whichever way the format lists them. An "and " left at the
    start of an author after splitting is a separator too ("Smith, J.\\n and Jones, K.",
    "Smith J; Jones K; and Lee M"). In BibTeX a line break is layout (a long author field
    wrapped over lines, as Web of Science writes it): only " and " separates. An e-mail
    address in brackets after a name (BIOSIS Previews' corresponding author, "Tingley,
    Morgan W. (morgan.tingley@uconn.edu)") is no part of it."""
    names = _split_authors(text, format_name)
    if "@" not in names:
        return names
    return "\n".join(_EMAIL_IN_NAME.sub("", name).strip() for name in names.split("\n"))


EMAIL_IN_NAME: Final = r"\s*\([^()\s@]+@[^()\s]+\)"
"""An e-mail address in brackets, as a database writes it after a corresponding author's
name."""
_EMAIL_IN_NAME: Final = re.compile(EMAIL_IN_NAME)


def _split_authors(text: str, format_name: str) -> str:
    if not text:
        return ""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if format_name == "bibtex":
        lines = [" ".join(lines)]
    if len(lines) > 1:
        return "\n".join(_LEADING_AND.sub("", line) for line in lines)
    single = lines[0]
    if format_name == "bibtex" or (" and " in single and "," in single):
        parts = re.split(r"\s+and\s+", single)
    elif ";" in single:
        parts = single.split(";")
    elif format_name in COMMA_AUTHORS or re.search(r"^[^,]+ [A-Z]{1,3}\.?, ", single):
        parts = _with_suffixes(single.split(","))
    else:
        parts = [single]
    return "\n".join(_LEADING_AND.sub("", part.strip()) for part in parts if part.strip())


GENERATION_SUFFIX: Final = r"(?:[Jj]r|[Ss]r|II|III|IV)\.?"
"""A name's generational suffix ("Jr.", "III"), which a list of names split at commas
writes as a part of its own ("Roach M.C., Thompson F.R., III, Jones-Farrand T.")."""
_SUFFIX_PART: Final = re.compile(GENERATION_SUFFIX)


def _with_suffixes(parts: list[str]) -> list[str]:
    """Parts of a list of names split at commas, each generational suffix put back after
    the name before it ("Thompson F.R. III")."""
    names: list[str] = []
    for part in parts:
        if names and _SUFFIX_PART.fullmatch(part.strip()):
            names[-1] = f"{names[-1].strip()} {part.strip()}"
        else:
            names.append(part)
    return names


def _split_issn_isbn(text: str) -> tuple[str, str]:
    issn, isbn = [], []
    for raw in re.split(r"[\n;,]|\s+(?=\d)", text):
        value = re.sub(r"\s*\(.*?\)\s*", " ", raw).strip()
        value = _NUMBER_KIND.sub("", value)  # ERIC's "ISSN-0022-4391", "ISBN-978-..."
        if not value:
            continue
        compact = value.replace("-", "").replace(" ", "")
        if _ISSN.match(value) or (len(compact) == 8 and compact[:7].isdecimal()):
            issn.append(value)
        elif len(compact) in (10, 13) and compact[:9].isdecimal():
            isbn.append(value)
        else:
            (issn if len(compact) <= 9 else isbn).append(value)
    return "\n".join(dict.fromkeys(issn)), "\n".join(dict.fromkeys(isbn))


def _year(text: str) -> str:
    """The year in a date: a four-digit year standing alone ("2019", "2019/08/12", "JAN
    2019"), or else the start of a date written as one number ("20170812", "201708")."""
    match = _YEAR.search(text) or _COMPACT_DATE.search(text)
    return match.group(1) if match else ""


def _first_year(by_name: dict[str, list[str]], sources: tuple[tuple[int, str], ...]) -> str:
    """The year of the first year field, in order of preference, whose value holds one (a
    Web of Science record published early has no PY, its PD a month only: EY has the year)."""
    for _, name in sources:
        for value in by_name.get(name, []):
            found = _year(value)
            if found:
                return found
    return ""


def _doi(text: str) -> str:
    text = unquote(text.strip())
    match = _DOI.search(text)
    return match.group(0).rstrip(".,;") if match else ""


def _doi_from(text: str) -> str:
    if "doi" not in text.lower():
        return ""
    found = _doi(text)
    if "cochranelibrary.com" in text.lower():
        # A Cochrane Library page: ".../doi/10.1002/14651858.CD012345.pub2/full". A CENTRAL
        # record's DOI (10.1002/central/CN-…) names the database's record, not the publication.
        found = re.sub(r"/(?:full|abstract|pdf|epdf)$", "", found)
        if found.lower().startswith("10.1002/central/"):
            return ""
    return found


def _fix_ris(result: Standard, by_name: dict[str, list[str]]) -> None:
    start = (by_name.get("SP") or [""])[0].strip()
    end = (by_name.get("EP") or [""])[0].strip()
    article = (by_name.get("C7") or [""])[0].strip()
    article = article if ARTICLE_NUMBER.fullmatch(article) else ""
    paged = f"{start}-{end}" if start and end and "-" not in start else start or end
    result["pages"] = paged or article
    if not _doi(result["doi"]):
        # Publishers write the DOI in M3, EBSCOhost in L3, others as a doi.org URL in UR or L2.
        result["doi"] = next(
            (
                value.strip()
                for name in _RIS_BARE_DOI
                for value in by_name.get(name, [])
                if _DOI_ALONE.match(value.strip())
            ),
            result["doi"],
        )
    years = (value for name in _RIS["year"] for value in by_name.get(name, []))
    if not any(_year(value) for value in years):
        # Web of Science's early-access records: no PY, the date of early access in C6.
        early = (_EARLY_ACCESS.match(value.strip()) for value in by_name.get("C6", []))
        result["year"] = next((m.group(1) for m in early if m), result["year"])


def _fix_nbib(result: Standard, by_name: dict[str, list[str]]) -> None:
    for value in by_name.get("LID", []) + by_name.get("AID", []):
        if value.endswith("[doi]"):
            result["doi"] = value.removesuffix("[doi]").strip()
            break
    else:  # ERIC writes the DOI in AID as a URL, without PubMed's [doi] mark
        result["doi"] = result["doi"] or next(
            (_doi_from(value) for value in by_name.get("AID", []) if _doi_from(value)), ""
        )
    fix_eric_source(result, by_name)
    result["own_id"] = ""


_NOT_A_TYPE: Final = re.compile(rf"\[\d{{4}}\]$|\[(?:pii|doi)\]$|{_DOI.pattern}")
"""A subject classification with its four-digit code ("Health Psychology & Medicine [3360]",
APA's), which Ovid's PsycInfo RIS writes in the type-of-work field ``M3``: a subject, not a
kind of record; nor is an identifier written there (a DOI, :data:`_RIS_BARE_DOI`, or a
publisher's item id marked "[pii]")."""


def joined_types(types: str) -> str:
    """A record's types (one a line, where a format gives several) as one type, joined by
    "; " as Web of Science joins its document types. PubMed lists its publication types in
    alphabetical order, so the first says little ("Case Reports", "English Abstract") and
    the one that says what kind of item a record is ("Published Erratum", "Retraction of
    Publication", "Preprint") may come last; Web of Science's document type ("Meeting
    Abstract") says more than its source type ("J"), which still tells a journal's item
    from a book's."""
    parts = (part.strip() for part in types.split("\n"))
    return "; ".join(part for part in parts if part and not _NOT_A_TYPE.search(part))


def type_parts(kind: str) -> list[str]:
    """The parts of a record's type, as :func:`joined_types` joins them, in lower case."""
    return [part.strip().lower() for part in kind.split(";") if part.strip()]


def _fix_wos(result: Standard, by_name: dict[str, list[str]]) -> None:
    start = (by_name.get("BP") or [""])[0].strip()
    end = (by_name.get("EP") or [""])[0].strip()
    article = (by_name.get("AR") or [""])[0].strip()
    result["pages"] = f"{start}-{end}" if start and end else start or article


def _fix_scopus(result: Standard, by_name: dict[str, list[str]]) -> None:
    start = (by_name.get("page start") or [""])[0].strip()
    end = (by_name.get("page end") or [""])[0].strip()
    article = (by_name.get("art. no.") or [""])[0].strip()
    result["pages"] = f"{start}-{end}" if start and end else start or article
    full = (by_name.get("author full names") or [""])[0]
    if full:
        result["authors"] = scopus_names(full)


def scopus_names(full: str) -> str:
    """Scopus's "Author full names" ("Larsen, Ingrid M. (57190000001); ...") one per line,
    without their author ids."""
    names = [_SCOPUS_ID.sub("", part).strip() for part in full.split(";")]
    return "\n".join(name for name in names if name)


_SCOPUS_ID: Final = re.compile(r"\s*\(\d+\)\s*$")


def _fix_embase(result: Standard, by_name: dict[str, list[str]]) -> None:
    source = (by_name.get("source") or [""])[0]
    match = _PAGES_EMBASE.match(source)
    if match:
        result["journal"] = match.group("journal").strip()
        result["year"] = result.get("year") or match.group("year")
        result["volume"] = result.get("volume") or (match.group("volume") or "")
        result["issue"] = result.get("issue") or (match.group("issue") or "")
        result["pages"] = result.get("pages") or (match.group("pages") or "")
    link = (by_name.get("open url link") or [""])[0]
    doi = re.search(r"[?&]id=doi:([^&]+)", link)
    if doi and not result.get("doi"):
        result["doi"] = unquote(doi.group(1))
    result["url"] = ""


def _fix_pubmed(result: Standard, by_name: dict[str, list[str]]) -> None:
    citation = (by_name.get("citation") or [""])[0]
    match = _PUBMED_CITATION.search(citation)
    if match:
        result["volume"] = result.get("volume") or (match.group("volume") or "").strip()
        result["issue"] = result.get("issue") or (match.group("issue") or "").strip()
        result["pages"] = result.get("pages") or (match.group("pages") or "").strip()
    result["pmid"] = (by_name.get("pmid") or [""])[0].strip()
    result["own_id"] = (by_name.get("record_id") or [""])[0].strip()


def _fix_zotero(result: Standard, by_name: dict[str, list[str]]) -> None:
    result["own_id"] = (by_name.get("record_id") or [""])[0].strip()


def _fix_pubmed_xml(result: Standard, by_name: dict[str, list[str]]) -> None:
    if not result["pages"]:
        start = (by_name.get("StartPage") or [""])[0].strip()
        end = (by_name.get("EndPage") or [""])[0].strip()
        result["pages"] = f"{start}-{end}" if start and end else start or end
    book = (by_name.get("BookTitle") or [""])[0].strip()
    if book and by_name.get("ArticleTitle") and not by_name.get("Journal/Title"):
        result["journal"] = book  # a chapter: the book is where it was published


def _fix_europepmc(result: Standard, by_name: dict[str, list[str]]) -> None:
    if by_name.get("authorList/author/collectiveName") or not result["authors"]:
        # Only the author string keeps people and groups in their order.
        written = (by_name.get("authorString") or [""])[0].strip().rstrip(".")
        names = [name.strip() for name in written.split(", ") if name.strip()]
        result["authors"] = "\n".join(names) or result["authors"]


_FIXES: Final[dict[str, Callable[[Standard, dict[str, list[str]]], None]]] = {
    "ris": _fix_ris,
    "nbib": _fix_nbib,
    "wos": _fix_wos,
    "wos-tab": _fix_wos,
    "scopus-csv": _fix_scopus,
    "embase-csv": _fix_embase,
    "pubmed-csv": _fix_pubmed,
    "zotero-csv": _fix_zotero,
    "pubmed-xml": _fix_pubmed_xml,
    "europepmc": _fix_europepmc,
    **_PLAINTEXT_FIXES,
    **{layout.name: layout.fix for layout in FIELD_LAYOUTS if layout.fix is not None},
}
