"""Table layouts of scholarly databases' CSV and Excel exports: Web of Science's Excel
export, Lens.org, Dimensions, OpenAlex and Publish or Perish (Google Scholar); with the
trial registers' layouts (:mod:`searchtrail.records.registers`) in :data:`LAYOUTS`.

Each layout is told from its header's column names, never from the file name:

- **Web of Science, Excel** (``wos-excel``): a ``UT (Unique WOS ID)`` column (``UT (Unique
  ID)`` in older exports), or ``Publication Type``, ``Article Title`` and ``Source Title``;
- **Lens.org** (``lens-csv``): a ``Lens ID`` column;
- **Dimensions** (``dimensions-csv``): ``Publication ID`` and ``Title`` with ``PubYear`` or
  ``Dimensions URL`` (the line ``About the data: Exported on …`` Dimensions writes above
  the header is skipped, see :mod:`searchtrail.records.delimited`);
- **OpenAlex** (``openalex-csv``): ``display_name`` and ``publication_year``;
- **Publish or Perish** (``pop-csv``): ``Cites``, ``Authors`` and ``Title`` with ``GSRank``
  or ``CitesURL`` (``cites_url`` in its JSON, read as a table by
  :mod:`searchtrail.records.json_table`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from searchtrail.records.layouts import Layout, Standard, first, listed, page_range
from searchtrail.records.registers import DOCUMENT_LAYOUTS, REGISTER_LAYOUTS


def _fix_wos_excel(result: Standard, by_name: Mapping[str, list[str]]) -> None:
    result["pages"] = page_range(
        first(by_name, "start page"), first(by_name, "end page"), first(by_name, "article number")
    )


def _fix_lens(result: Standard, by_name: Mapping[str, list[str]]) -> None:
    result["pages"] = page_range(first(by_name, "start page"), first(by_name, "end page"))
    result["url"] = (result["url"].split(";")[0]).strip()


def _fix_dimensions(result: Standard, by_name: Mapping[str, list[str]]) -> None:
    result["pages"] = first(by_name, "pagination")


_PIPE: Final = "|"


def _fix_openalex(result: Standard, by_name: Mapping[str, list[str]]) -> None:
    result["authors"] = listed(result["authors"], _PIPE)
    result["keywords"] = listed(result["keywords"], _PIPE)
    issns = listed(first(by_name, "primary_location.source.issn", "host_venue.issn"), _PIPE)
    result["issn"] = issns or result["issn"]
    result["pages"] = page_range(
        first(by_name, "biblio.first_page"), first(by_name, "biblio.last_page")
    )


def _fix_publish_or_perish(result: Standard, by_name: Mapping[str, list[str]]) -> None:
    # Publish or Perish lists authors as Google Scholar shows them: "AG Meyer, J Smith, …".
    if "\n" not in result["authors"] and "," in result["authors"]:
        result["authors"] = listed(result["authors"], ",")
    # Its JSON writes 0 for a volume, issue or page Google Scholar does not know.
    for name in ("volume", "issue"):
        result[name] = "" if result[name] == "0" else result[name]
    start, end = (first(by_name, name) for name in ("startpage", "endpage"))
    result["pages"] = page_range(*("" if page == "0" else page for page in (start, end)))


def _wos_excel(names: frozenset[str]) -> bool:
    return (
        any(name.startswith("ut (unique") for name in names)
        or {
            "publication type",
            "article title",
            "source title",
        }
        <= names
    )


WOS_EXCEL: Final = Layout(
    name="wos-excel",
    vendor="Web of Science (Excel export, or its columns saved as CSV)",
    told_by=_wos_excel,
    fields={
        "type": ["document type", "publication type"],
        "title": ["article title", "document title", "title"],
        "authors": ["author full names", "authors"],
        "year": ["publication year", "publication date"],
        "journal": ["source title", "book series title"],
        "volume": ["volume"],
        "issue": ["issue"],
        "doi": ["doi", "doi link"],
        "issn_isbn": ["+issn", "+eissn", "+isbn"],
        "pmid": ["pubmed id"],
        "abstract": ["abstract"],
        "language": ["language"],
        "keywords": ["+author keywords", "+keywords plus"],
        "publisher": ["publisher"],
    },
    sources=(
        ("ut (unique wos id)", "wos"),
        ("ut (unique id)", "wos"),
        ("pubmed id", "pmid"),
    ),
    fix=_fix_wos_excel,
    distinctive=frozenset({"ut (unique wos id)", "ut (unique id)", "article title"}),
)

LENS: Final = Layout(
    name="lens-csv",
    vendor="Lens.org (scholarly works CSV)",
    told_by=lambda names: "lens id" in names,
    fields={
        "type": ["publication type"],
        "title": ["title"],
        "authors": ["author/s", "authors"],
        "year": ["publication year", "date published"],
        "journal": ["source title"],
        "volume": ["volume"],
        "issue": ["issue number", "issue"],
        "doi": ["doi"],
        "issn_isbn": ["+issns", "+issn"],
        "pmid": ["pmid"],
        "url": ["external url", "source urls"],
        "abstract": ["abstract"],
        "keywords": ["+keywords", "+mesh terms"],
        "publisher": ["publisher"],
    },
    sources=(("lens id", "lens"), ("pmid", "pmid"), ("pmcid", "pmcid")),
    fix=_fix_lens,
    distinctive=frozenset({"lens id"}),
)

DIMENSIONS: Final = Layout(
    name="dimensions-csv",
    vendor="Dimensions (publications CSV)",
    told_by=lambda names: (
        {"publication id", "title"} <= names and bool({"pubyear", "dimensions url"} & names)
    ),
    fields={
        "type": ["publication type", "document type"],
        "title": ["title"],
        "authors": ["authors"],
        "year": ["pubyear", "publication date"],
        "journal": ["source title", "anthology title"],
        "volume": ["volume"],
        "issue": ["issue"],
        "doi": ["doi"],
        "issn_isbn": ["+issn", "+isbn"],
        "pmid": ["pmid"],
        "url": ["dimensions url", "source linkout"],
        "abstract": ["abstract"],
        "keywords": ["+mesh terms"],
    },
    sources=(("publication id", "form"), ("pmid", "pmid"), ("pmcid", "pmcid")),
    fix=_fix_dimensions,
    distinctive=frozenset({"publication id", "pubyear", "dimensions url"}),
)

OPENALEX: Final = Layout(
    name="openalex-csv",
    vendor="OpenAlex (works CSV)",
    told_by=lambda names: {"display_name", "publication_year"} <= names,
    fields={
        "type": ["type", "type_crossref"],
        "title": ["title", "display_name"],
        "authors": ["authorships.author.display_name", "authorships.raw_author_name"],
        "year": ["publication_year", "publication_date"],
        "journal": ["primary_location.source.display_name", "host_venue.display_name"],
        "volume": ["biblio.volume"],
        "issue": ["biblio.issue"],
        "doi": ["doi", "ids.doi"],
        "issn_isbn": ["+primary_location.source.issn_l", "+host_venue.issn_l"],
        "url": ["primary_location.landing_page_url", "doi"],
        "language": ["language"],
        "keywords": ["+keywords.display_name", "+mesh.descriptor_name"],
        "publisher": ["primary_location.source.host_organization_name"],
    },
    sources=(
        ("id", "openalex"),
        ("ids.openalex", "openalex"),
        ("ids.pmid", "pmid"),
        ("ids.pmcid", "pmcid"),
    ),
    fix=_fix_openalex,
    distinctive=frozenset({"display_name", "publication_year", "ids.openalex"}),
)

PUBLISH_OR_PERISH: Final = Layout(
    name="pop-csv",
    vendor="Publish or Perish (Google Scholar and the other sources it searches)",
    told_by=lambda names: (
        {"cites", "authors", "title"} <= names and bool({"gsrank", "citesurl", "cites_url"} & names)
    ),
    fields={
        "type": ["type"],
        "title": ["title"],
        "authors": ["authors"],
        "year": ["year"],
        "journal": ["source"],
        "volume": ["volume"],
        "issue": ["issue"],
        "doi": ["doi"],
        "issn_isbn": ["+issn"],
        "url": ["articleurl", "article_url", "fulltexturl", "fulltext_url"],
        "abstract": ["abstract"],
        "publisher": ["publisher"],
    },
    fix=_fix_publish_or_perish,
    distinctive=frozenset({"cites", "gsrank", "citesurl", "articleurl"}),
)

LAYOUTS: Final[tuple[Layout, ...]] = (
    WOS_EXCEL,
    LENS,
    DIMENSIONS,
    OPENALEX,
    PUBLISH_OR_PERISH,
    *REGISTER_LAYOUTS,
)
"""Every layout described here, in the order a header is tried against them."""
FIELD_LAYOUTS: Final = (*LAYOUTS, *DOCUMENT_LAYOUTS)
"""Every layout whose fields :mod:`searchtrail.records.fields` maps: the tables' and those
of the registers' XML and JSON exports."""

# Dimensions writes one line above its header, inside quotes or not:
# "About the data: Exported on Sep 30, 2026. Criteria: ...".
_DIMENSIONS_NOTE: Final = re.compile(r'^\ufeff?"?About the data:', re.IGNORECASE)


def note_above_header(line: str) -> bool:
    """Whether ``line`` is the note Dimensions writes above its table's header."""
    return bool(_DIMENSIONS_NOTE.match(line))


def layout_of(names: frozenset[str]) -> str | None:
    """The layout a header with these column names (lower case) is, or None."""
    return next((layout.name for layout in LAYOUTS if layout.told_by(names)), None)
