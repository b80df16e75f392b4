"""PubMed / MEDLINE XML (``<PubmedArticleSet>``): PubMed's "XML" download and efetch.

Records are counted by their ``<PubmedArticle>`` and ``<PubmedBookArticle>`` start tags and
read one by one (:mod:`searchtrail.records.xml_records`), so a broken record is reported
with its line and the others are read. Each record becomes (name, value) pairs named after
PubMed's elements, one pair per value, in this order:

- ``PMID``; ``ArticleTitle``, ``VernacularTitle``, ``BookTitle``, ``CollectionTitle``;
- ``AbstractText``, one per section, a labelled section as ``LABEL: text``;
- ``Author``: ``LastName, ForeName`` (``Initials`` without a fore name, ``Suffix`` after
  it), or the group's ``CollectiveName``, in the list's order; a book's editors as
  ``Editor``;
- ``Journal/Title``, ``Journal/ISOAbbreviation``, ``MedlineTA``, ``ISSN``, ``ISSNLinking``,
  ``Volume``, ``Issue``, ``PubDate`` (``Year Month Day``, or the ``MedlineDate`` as written,
  ``1998 Dec-1999 Jan``), ``ArticleDate``;
- ``MedlinePgn``, ``StartPage``, ``EndPage``; ``ELocationID@doi`` (``@pii``, ...);
- ``ArticleId@pubmed``, ``ArticleId@doi``, ``ArticleId@pmc`` (... by ``IdType``), from the
  record's own id list, never from its reference list;
- ``Language``, ``PublicationType``, ``MeshHeading`` (``Descriptor/Qualifier``, ``*`` before
  a major topic, as MEDLINE text writes them), ``Keyword``, ``Publisher``, ``Isbn``,
  ``PublicationStatus``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Final

from searchtrail.errors import Problem
from searchtrail.records.model import ParsedFile, RawRecord
from searchtrail.records.xml_records import record_pieces, text_of, visible

RECORD_ELEMENTS: Final = ("PubmedArticle", "PubmedBookArticle")
_LOOKS_LIKE: Final = re.compile(r"<(?:PubmedArticleSet|PubmedArticle|PubmedBookArticle)[\s>]")


def looks_like_pubmed_xml(head: str) -> bool:
    """Whether the start of a file is PubMed XML: markup holding a ``<PubmedArticleSet>``,
    ``<PubmedArticle>`` or ``<PubmedBookArticle>`` tag."""
    return head.lstrip().startswith("<") and bool(_LOOKS_LIKE.search(visible(head)))


def read_pubmed_xml(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Read every ``<PubmedArticle>`` and ``<PubmedBookArticle>`` of a PubMed XML file."""
    records: list[RawRecord] = []
    failures: list[Problem] = []
    pieces = record_pieces(text, RECORD_ELEMENTS)
    for piece in pieces:
        if piece.element is None:
            failures.append(
                Problem(
                    file,
                    piece.line,
                    f"record at line {piece.line}",
                    None,
                    None,
                    "a well-formed <PubmedArticle> or <PubmedBookArticle> element",
                    f"the record cannot be read: {piece.problem}",
                )
            )
            continue
        records.append(RawRecord(piece.line, _fields(piece.element)))
    notes = []
    if pieces and "</PubmedArticleSet>" not in text[-4096:] and "<PubmedArticleSet" in text:
        notes.append(
            "the file does not end with </PubmedArticleSet>: it may have been cut short "
            "(every record found in it is read or reported)"
        )
    return ParsedFile(file, "pubmed-xml", encoding, records, len(pieces), failures, notes)


def _fields(record: ET.Element) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []

    def add(name: str, element: ET.Element | None) -> None:
        value = text_of(element)
        if value:
            fields.append((name, value))

    citation = record.find("MedlineCitation")
    book = record.find("BookDocument")
    main = citation if citation is not None else book
    if main is None:
        return fields
    add("PMID", main.find("PMID"))
    article = main.find("Article") if citation is not None else main
    if article is None:
        article = ET.Element("Article")
    add("ArticleTitle", article.find("ArticleTitle"))
    add("VernacularTitle", article.find("VernacularTitle"))
    shelf = main.find("Book")
    if shelf is not None:
        add("BookTitle", shelf.find("BookTitle"))
        add("CollectionTitle", shelf.find("CollectionTitle"))
    for section in article.findall("Abstract/AbstractText"):
        value = text_of(section)
        label = (section.get("Label") or "").strip()
        if value:
            fields.append(("AbstractText", f"{label}: {value}" if label else value))
    for authors in article.findall("AuthorList"):
        kind = "Editor" if authors.get("Type") == "editors" else "Author"
        fields.extend((kind, name) for name in map(_name, authors.findall("Author")) if name)
    if shelf is not None:
        for authors in shelf.findall("AuthorList"):
            kind = "Author" if authors.get("Type") == "authors" else "Editor"
            fields.extend((kind, name) for name in map(_name, authors.findall("Author")) if name)
    journal = article.find("Journal")
    if journal is not None:
        add("Journal/Title", journal.find("Title"))
        add("Journal/ISOAbbreviation", journal.find("ISOAbbreviation"))
        for issn in journal.findall("ISSN"):
            add("ISSN", issn)
        add("Volume", journal.find("JournalIssue/Volume"))
        add("Issue", journal.find("JournalIssue/Issue"))
        fields.append(("PubDate", _date(journal.find("JournalIssue/PubDate"))))
    info = main.find("MedlineJournalInfo")
    if info is not None:
        add("MedlineTA", info.find("MedlineTA"))
        add("ISSNLinking", info.find("ISSNLinking"))
    if shelf is not None:
        add("Volume", shelf.find("Volume"))
        fields.append(("PubDate", _date(shelf.find("PubDate"))))
        add("Publisher", shelf.find("Publisher/PublisherName"))
        for isbn in shelf.findall("Isbn"):
            add("Isbn", isbn)
    for date in article.findall("ArticleDate"):
        fields.append(("ArticleDate", _date(date)))
    add("MedlinePgn", article.find("Pagination/MedlinePgn"))
    add("StartPage", article.find("Pagination/StartPage"))
    add("EndPage", article.find("Pagination/EndPage"))
    for location in article.findall("ELocationID"):
        add(f"ELocationID@{location.get('EIdType') or 'other'}", location)
    data = record.find("PubmedData")
    if data is None:
        data = record.find("PubmedBookData")
    id_lists = [main.find("ArticleIdList")]
    if data is not None:
        id_lists.append(data.find("ArticleIdList"))
    for id_list in id_lists:
        for identifier in id_list.findall("ArticleId") if id_list is not None else []:
            add(f"ArticleId@{identifier.get('IdType') or 'other'}", identifier)
    for language in article.findall("Language"):
        add("Language", language)
    types = article.findall("PublicationTypeList/PublicationType")
    for publication_type in types + article.findall("PublicationType"):
        add("PublicationType", publication_type)
    for heading in main.findall("MeshHeadingList/MeshHeading"):
        value = _heading(heading)
        if value:
            fields.append(("MeshHeading", value))
    for keyword in main.findall("KeywordList/Keyword"):
        add("Keyword", keyword)
    if data is not None:
        add("PublicationStatus", data.find("PublicationStatus"))
    return [(name, value) for name, value in fields if value]


def _name(author: ET.Element) -> str:
    collective = text_of(author.find("CollectiveName"))
    if collective:
        return collective
    last = text_of(author.find("LastName"))
    first = text_of(author.find("ForeName")) or text_of(author.find("Initials"))
    suffix = text_of(author.find("Suffix"))
    name = f"{last}, {first}" if last and first else last or first
    return f"{name} {suffix}" if name and suffix else name


def _date(date: ET.Element | None) -> str:
    """A date as PubMed shows it: ``2021 Jul 15``, or its ``MedlineDate`` as written."""
    if date is None:
        return ""
    written = text_of(date.find("MedlineDate"))
    if written:
        return written
    parts = [text_of(date.find(name)) for name in ("Year", "Season", "Month", "Day")]
    return " ".join(part for part in parts if part)


def _heading(heading: ET.Element) -> str:
    descriptor = heading.find("DescriptorName")
    if descriptor is None:
        return ""
    major = "*" if descriptor.get("MajorTopicYN") == "Y" else ""
    parts = [major + text_of(descriptor)]
    for qualifier in heading.findall("QualifierName"):
        star = "*" if qualifier.get("MajorTopicYN") == "Y" else ""
        parts.append(star + text_of(qualifier))
    return "/".join(parts)
