"""Identifiers typed by the database that issued them, and what deduplication makes of
them: a shared identifier joins records, and only a database that holds each publication
once can keep two records apart by theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchtrail.errors import ReviewError
from searchtrail.pipeline import assess
from searchtrail.records import read_export, standardise
from searchtrail.records.identifiers import typed
from tests.reviews import ReviewFiles, Work, record_id


@pytest.mark.parametrize(
    ("value", "holds", "database", "expected"),
    [
        ("12345678", "pmid", "", "pmid:12345678"),
        ("0012345678", "form", "", None),  # a bare number from nowhere named
        ("12345678", "form", "NLM", "pmid:12345678"),
        ("12345678", "form", "Ovid MEDLINE(R)", "pmid:12345678"),
        ("620123456", "form", "Embase", "embase:620123456"),
        ("L620123456", "form", "", None),
        ("2019-12345-001", "form", "APA PsycInfo", "an@apa-psycinfo:2019-12345-001"),
        ("CN-01234567", "form", "Embase", "central:CN-01234567"),
        ("WOS:000503037900003", "form", "", "wos:000503037900003"),
        ("000503037900003", "wos", "", "wos:000503037900003"),
        ("2-s2.0-85012345678", "form", "", "eid:2-s2.0-85012345678"),
        ("PMC1234567", "form", "", "pmcid:PMC1234567"),
        ("ED123456", "form", "", "eric:ED123456"),
        ("NCT01234567", "form", "", "nct:NCT01234567"),
        ("CD012345.pub2", "form", "", "cdsr:CD012345.PUB2"),
        ("pub.1149029839", "form", "", "dimensions:pub.1149029839"),
        ("35957633 [PMID]", "text", "", "pmid:35957633"),
        ("Sponsor: a grant 21YJAZH035", "text", "", None),
        ("PMID: 29657938", "text", "", "pmid:29657938"),
    ],
)
def test_an_identifier_is_typed_by_the_database_that_issued_it(value, holds, database, expected):
    assert typed(value, holds, database) == expected


def fields_of(path: Path) -> list[dict[str, str]]:
    parsed = read_export(path, path.name)
    return [standardise(record.fields, parsed.format) for record in parsed.records]


def test_each_format_types_its_own_identifiers(tmp_path):
    ris = tmp_path / "a.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - One\nAN  - 31366609\nDP  - NLM\nER  - \n\n"
        "TY  - JOUR\nTI  - Two\nAN  - CN-02145222\nER  - \n\n"
        "TY  - JOUR\nTI  - Three\nAN  - 2023-15354-001\nDB  - APA PsycInfo\nER  - \n\n"
        "TY  - JOUR\nTI  - Four\nAN  - 123456\nER  - \n",
        encoding="utf-8",
    )
    assert [f["ids"] for f in fields_of(ris)] == [
        "pmid:31366609",
        "central:CN-02145222",
        "an@apa-psycinfo:2023-15354-001",
        "",
    ]
    assert [f["pmid"] for f in fields_of(ris)] == ["31366609", "", "", ""]
    xml = tmp_path / "b.xml"
    xml.write_text(
        '<?xml version="1.0"?><xml><records>'
        "<record><titles><title>One</title></titles><accession-num>CN-01234567</accession-num>"
        "</record><record><titles><title>Two</title></titles>"
        "<remote-database-name>PubMed</remote-database-name>"
        "<accession-num>29657938</accession-num></record>"
        "</records></xml>",
        encoding="utf-8",
    )
    assert [f["ids"] for f in fields_of(xml)] == ["central:CN-01234567", "pmid:29657938"]
    nbib = tmp_path / "c.nbib"
    nbib.write_text("PMID- 29657938\nTI  - One\nPMC - PMC5901234\n", encoding="utf-8")
    assert fields_of(nbib)[0]["ids"] == "pmid:29657938\npmcid:PMC5901234"


def central_xml(keys_and_accessions: list[tuple[int, str]]) -> str:
    """Cochrane CENTRAL records as EndNote writes them: the accession in accession-num."""
    records = "".join(
        f'<record><ref-type name="Journal Article">17</ref-type><contributors><authors>'
        f"<author>{Work(key).ris().splitlines()[1][6:]}</author></authors></contributors>"
        f"<titles><title>{Work(key).title}</title></titles>"
        f"<electronic-resource-num>{Work(key).doi}</electronic-resource-num>"
        f"<accession-num>{accession}</accession-num><dates><year>{2000 + key % 24}</year>"
        "</dates></record>"
        for key, accession in keys_and_accessions
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><xml><records>{records}</records></xml>'


def test_a_central_accession_never_passes_for_a_pubmed_id(tmp_path):
    """MEDLINE holds publication 0 twice (the same PMID), CENTRAL holds it twice as well
    (it took it from MEDLINE and from Embase: two CN ids). All four are one publication;
    the decisions written on any of them apply."""
    review = ReviewFiles()
    review.search("medline-1", identified=2, export=[0, 0])
    review.search("central-1", identified=2, source="CENTRAL")
    review.searches[-1]["export"] = {"files": "searches/exports/central.xml", "holds": "identified"}
    review.exports["searches/exports/central.xml"] = central_xml(
        [(0, "CN-01234567"), (0, "CN-07654321")]
    )
    review.decide("title_abstract", "central-1:central-cn-07654321", "include")
    review.decide("full_text", record_id("medline-1", 0), "include", "")
    counts = assess(review.write(tmp_path)).counts
    assert counts.records.publications == 1
    assert counts.records.splits == 0
    assert counts.diagram.boxes["new_reports"].value == 1


def test_a_decision_held_up_by_a_split_names_the_split(tmp_path):
    """Three records share a DOI; two carry different PubMed ids: they are two publications
    that the DOI joined. A full-text decision written on the record without a screening
    decision says why."""
    review = ReviewFiles()
    review.search("medline-1", identified=2, export=[0, 0])
    text = review.exports["searches/exports/medline-1.ris"]
    first, second = text.split("ER  - ", 1)
    review.exports["searches/exports/medline-1.ris"] = (
        first + "ER  - " + second.replace(f"AN  - {Work(0).pmid}", "AN  - 30499999")
    )
    review.search("embase-1", identified=1, export=[0], pmids=False)
    review.decide("title_abstract", "medline-1:pmid-30000000", "include")
    review.decide("full_text", "medline-1:pmid-30499999", "include", "")
    with pytest.raises(ReviewError) as caught:
        assess(review.write(tmp_path))
    message = str(caught.value)
    assert "screening/full_text.csv:2: record medline-1:pmid-30499999" in message
    assert (
        "deduplication kept medline-1:pmid-30499999 apart from medline-1:pmid-30000000" in message
    )
    assert "because different PubMed ids (30000000, 30499999)" in message


def test_a_pubmed_id_of_zero_is_none():
    """Exporters write 0 where a record has no PubMed id (abstrackr's 'pubmed id' column);
    every such record would otherwise share the key pmid-0."""
    assert typed("0", "pmid") is None
    assert typed("00000000", "pmid") is None
    assert typed("PMID: 0", "text") is None
    assert typed("30811234", "pmid") == "pmid:30811234"
