"""Rules and blocking keys for records that agree on little besides the citation: the
online record of an article and its print record a year apart, a short title in one issue
or supplement, the same abstract where one record lacks its issue or volume, and a title
with a typo in its middle where one record has no pages or identifiers."""

from __future__ import annotations

import pytest

from searchtrail.dedup import normalise
from tests.record_pairs import deduplicated
from tests.test_records import SHARED as SHARED_EXPORTS


def run(*rows: dict[str, str]) -> tuple[int, list[tuple[str, str]]]:
    result = deduplicated(*rows)
    return result.groups, [(p.decision, p.reason) for p in result.pairs.itertuples()]


# The print record, as a database indexes it once the issue is out.
PRINT = {
    "title": "Hypertonic saline with high-dose furosemide in refractory heart failure",
    "authors": "Paterna, Salvatore\nDi Pasquale, Pietro\nParrinello, Gaspare",
    "year": "2003",
    "journal": "American Journal of the Medical Sciences",
    "volume": "214",
    "issue": "5",
    "pages": "253-264",
}
# The same article indexed online first: dated the year before, no volume yet, the first
# author list cut after two names.
ONLINE = {
    **PRINT,
    "year": "2002",
    "volume": "",
    "authors": "Paterna, S.\nDi Pasquale, P.",
    "journal": "Am J Med Sci",
}


def test_the_online_and_print_records_of_one_article_merge_by_their_page_range():
    groups, pairs = run(PRINT, ONLINE)
    assert groups == 1
    assert pairs == [("duplicate", "title, journal and page range")]


def test_the_page_range_in_another_issue_or_journal_is_another_article():
    assert run(PRINT, {**ONLINE, "issue": "6"})[0] == 2
    assert run(PRINT, {**ONLINE, "journal": "Journal of Cardiac Failure"})[0] == 2
    # Only the first page: too little to tell the online record from another work. The
    # issue number does not place it either: issue 5 comes every year.
    for issue in ("5", ""):
        groups, pairs = run(PRINT, {**ONLINE, "pages": "253", "issue": issue})
        assert groups == 2
        assert pairs[0][0] == "uncertain"


EDITORIAL = {
    "title": "Editorial",
    "authors": "Fitzgerald, Guy\nAvison, David E.",
    "year": "2001",
    "journal": "Information Systems Journal",
    "volume": "11",
    "issue": "3",
    "pages": "",
}


def test_a_short_title_merges_only_within_one_issue():
    # One editorial exported twice, once without its page.
    groups, pairs = run({**EDITORIAL, "pages": "181-182"}, EDITORIAL)
    assert groups == 1
    assert pairs == [("duplicate", "short title in one issue")]
    # The same editors' editorial of the next issue is another work.
    assert run(EDITORIAL, {**EDITORIAL, "issue": "4"})[0] == 2
    # An issue missing on one side cannot tell them apart: not merged.
    assert run(EDITORIAL, {**EDITORIAL, "issue": ""})[0] == 2
    # Other authors: another editorial.
    assert run(EDITORIAL, {**EDITORIAL, "authors": "Powell, Philip"})[0] == 2


# A meeting abstract as Embase lists it twice (asysd_diabetes): once under its journal,
# once with the conference folded into the journal's name; a supplement, no pages.
ABSTRACT = {
    "title": "Coronary artery disease",
    "authors": "Barbara F.\nMax S.\nAgostino C.\nThomas E.\nMarek T.",
    "year": "2013",
    "journal": "Journal of Clinical Hypertension",
    "volume": "15",
    "issue": "SUPPL. 1",
    "pages": "",
}


def test_a_short_title_merges_within_one_supplement():
    conference = "Journal of Clinical Hypertension. Conference: 28th Annual Scientific Meeting"
    groups, pairs = run(ABSTRACT, {**ABSTRACT, "journal": conference})
    assert groups == 1
    assert pairs == [("duplicate", "short title in one issue")]
    # The supplement written otherwise, or named in the volume, is the same supplement.
    for where in (
        {"issue": "Suppl 1"},
        {"issue": "S1"},
        {"issue": "Supplement: 1"},
        {"issue": "", "volume": "15 (Supplement 1)"},
    ):
        assert run(ABSTRACT, {**ABSTRACT, **where})[0] == 1
    # Another supplement of the volume, a supplement without its number, or none: the same
    # authors' abstract of another meeting, or nothing that places it.
    for issue in ("SUPPL. 2", "SUPPL", "5_suppl", ""):
        assert run(ABSTRACT, {**ABSTRACT, "issue": issue})[0] == 2
    # Supplements told apart by their labels: S1 and S2, parts of one supplement, 1A and 1B;
    # Web of Science's "Suppl. S" has no number.
    for one, other in (
        ("Suppl S1", "Suppl S2"),
        ("Suppl 1 Pt 1", "Suppl 1 Pt 2"),
        ("Suppl 1A", "Suppl 1B"),
        ("Suppl. S", "Suppl. S"),
    ):
        assert run({**ABSTRACT, "issue": one}, {**ABSTRACT, "issue": other})[0] == 2
    assert run({**ABSTRACT, "issue": "Suppl S1"}, ABSTRACT)[0] == 1
    assert run({**ABSTRACT, "issue": "Suppl II"}, {**ABSTRACT, "issue": "Suppl 2"})[0] == 1
    # The issue a supplement belongs to must be the same, or given by neither: a journal
    # may number a supplement in each issue, and a database may drop the issue.
    assert run({**ABSTRACT, "issue": "8 SUPPL. 1"}, {**ABSTRACT, "issue": "8 Supplement 1"})[0] == 1
    assert run({**ABSTRACT, "issue": "8 SUPPL. 1"}, {**ABSTRACT, "issue": "9 SUPPL. 1"})[0] == 2
    assert run({**ABSTRACT, "issue": "9 Suppl 1"}, ABSTRACT)[0] == 2
    # A plain issue number on either side is compared as an issue, not the supplement.
    in_volume = {**ABSTRACT, "volume": "15 (Suppl 1)"}
    assert run({**in_volume, "issue": "8"}, {**ABSTRACT, "issue": "9 SUPPL. 1"})[0] == 2
    # "Anonymous" is no author: two anonymous items of one title in a supplement (the
    # session headings of a meeting) are not one item.
    for nobody in ("Anonymous", "No authorship indicated"):
        heading = {**ABSTRACT, "title": "Poster presentations", "authors": nobody}
        assert run(heading, {**heading, "journal": conference})[0] == 2


def test_a_short_title_needs_the_same_list_of_authors():
    # Two case reports in one supplement: one author's name inside another list is not the
    # same authors, though the surnames alike score as alike.
    case = {**ABSTRACT, "title": "Case report", "authors": "Wang, Y."}
    assert run(case, {**case, "authors": "Wang, Y.\nLi, J."})[0] == 2
    # One surname, two first authors' initials: two people.
    assert run(case, {**case, "authors": "Wang, X."})[0] == 2
    assert run(case, {**case, "authors": "Wang, Yi"})[0] == 1
    # A list cut short after three names or more, as databases cut long lists, is the same.
    three = "Barbara F.\nMax S.\nAgostino C."
    assert run(ABSTRACT, {**ABSTRACT, "authors": three})[0] == 1
    assert run(ABSTRACT, {**ABSTRACT, "authors": "Barbara F.\nMax S."})[0] == 2


def test_a_first_page_1_in_two_issues_does_not_place_one_article():
    # Electronic articles count their pages from 1 in every issue ("1-2", "1-3"): the same
    # authors' reports on two regions, in two issues of one volume, share the first page and
    # a close title.
    first = {
        "title": "Influenza surveillance in the northern region",
        "authors": "Okafor, Chidi\nBrennan, Maeve",
        "year": "2021",
        "journal": "Communicable Diseases Intelligence",
        "volume": "45",
        "issue": "3",
        "pages": "1-2",
    }
    second = {**first, "title": "Influenza surveillance in the southern region"}
    groups, pairs = run(first, {**second, "issue": "5", "pages": "1-3"})
    assert groups == 2
    assert pairs[0][0] != "duplicate"


def test_a_title_with_a_typo_in_its_middle_is_compared_through_its_authors_and_volume():
    # The typo falls within the first and the last 32 letters and in one of the title's
    # rarest words; one record has neither pages nor identifiers: only the first author,
    # year and volume bring the two together.
    first = {
        "title": "Model composition analysis of contradictory online auctions",
        "authors": "Lamb, W. A.\nLian, Xinyao\nWoo, P.",
        "year": "2015",
        "journal": "Anatomical Record",
        "volume": "25",
        "issue": "3",
        "pages": "855-870",
        "doi": "10.1002/ar.2015.855",
    }
    second = {
        **first,
        "title": "Model composition analysis of cnotradictory online auctions",
        "pages": "",
        "doi": "",
    }
    groups, pairs = run(first, second)
    assert groups == 1
    assert pairs[0][0] == "duplicate"


def test_the_same_issue_number_a_year_apart_does_not_place_a_record():
    # Issue numbers come back every year: a meeting abstract printed in issue 4 and the full
    # paper's record of the next year in issue 4 (no volume or pages yet), or an annual
    # editorial of one title in issue 12, are not merged by title, authors and issue; they
    # go to a person.
    abstract = {
        "title": "Pain catastrophizing predicts opioid use after total knee arthroplasty",
        "authors": "Smith, John\nLee, Anna\nBrown, Carl",
        "year": "2019",
        "journal": "Journal of Pain",
        "volume": "20",
        "issue": "4",
        "pages": "S51",
    }
    paper = {**abstract, "year": "2020", "volume": "", "pages": ""}
    editorial = {
        "title": "Thank you to all our peer reviewers of the past year",
        "authors": "Jones, Mary",
        "year": "2019",
        "journal": "Pflegezeitschrift",
        "issue": "12",
        "pages": "5",
    }
    for first, second in ((abstract, paper), (editorial, {**editorial, "year": "2020"})):
        groups, pairs = run(first, second)
        assert groups == 2
        assert [decision for decision, _ in pairs] != ["duplicate"]


# The records of bib-dedupe's test case pare_wagner_prester_jds_2024_vs_2023_online_first
# (CoLRev-Environment/bib-dedupe at b7b5cf3, tests/test_cases.json): the issue's record and
# the online-first record, dated the year before, with no volume and its own page count;
# here the online record carries the DOI.
IN_ISSUE = {
    "title": "How to develop and frame impactful review articles: key recommendations",
    "authors": "Paré, Guy\nWagner, Gerit\nPrester, Julian",
    "journal": "Journal of Decision Systems",
    "year": "2024",
    "volume": "33",
    "issue": "4",
    "pages": "566-582",
}
ONLINE_FIRST = {
    **IN_ISSUE,
    "year": "2023",
    "volume": "",
    "issue": "",
    "pages": "1-17",
    "doi": "10.1080/12460125.2023.2197701",
}


def test_an_online_first_record_and_a_later_record_without_its_doi_go_to_a_person():
    # The online-first form (a DOI, no volume, issue or pages of the issue) beside a record a
    # year later with the same title, authors and journal and no DOI: the later record may be
    # the article in its issue, or a correction printed under the article's title, an encore
    # abstract, a recurring column, or the review of a protocol; nothing in the two tells.
    for online in (ONLINE_FIRST, {**ONLINE_FIRST, "pages": ""}):
        for pair in ((IN_ISSUE, online), (online, IN_ISSUE)):
            groups, pairs = run(*pair)
            assert (groups, pairs[0][0]) == (2, "uncertain")
    # With the DOI on both, the identifier decides.
    assert run({**IN_ISSUE, "doi": ONLINE_FIRST["doi"]}, ONLINE_FIRST)[0] == 1


# The article's abstract as PubMed gives it, and as Scopus gives it: with the publisher's
# rights statement after it and a section heading in capitals.
SUMMARY = (
    "Review articles shape what a field takes as known. We analysed 312 review articles "
    "published between 2015 and 2021 in 24 journals of information systems and found that "
    "those with an explicit synthesis method were cited 1.8 times as often. We give seven "
    "recommendations for developing and framing impactful reviews."
)
SUMMARY_SCOPUS = "PURPOSE: " + SUMMARY + " © 2023 Informa UK Limited, trading as Taylor & Francis."


def test_an_online_first_record_with_the_same_abstract_merges():
    # The abstract is the authors' text of the one article, which the online-first record
    # and the issue's record both carry; a database's rights statement after it and a
    # heading before it do not make it another.
    for online, print_ in ((SUMMARY, SUMMARY), (SUMMARY, SUMMARY_SCOPUS)):
        for first, second in (
            ({**IN_ISSUE, "abstract": print_}, {**ONLINE_FIRST, "abstract": online}),
            ({**ONLINE_FIRST, "abstract": online, "pages": ""}, {**IN_ISSUE, "abstract": print_}),
        ):
            groups, pairs = run(first, second)
            assert (groups, pairs) == (1, [("duplicate", "title, authors, journal and abstract")])


def test_an_abstract_decides_only_when_it_is_the_same_text_with_the_same_numbers():
    online = {**ONLINE_FIRST, "abstract": SUMMARY}
    # A later version of a work, or another report of one study, changes its counts.
    changed = SUMMARY.replace("312 review", "318 review")
    # A note in the field is no abstract; nor is a line that several records can share.
    short = "No abstract available."
    line = "Review articles shape what a field takes as known."
    rewritten = SUMMARY[: len(SUMMARY) // 2] + " Our findings point to synthesis methods."
    for other in (changed, short, line, rewritten, ""):
        groups, pairs = run({**IN_ISSUE, "abstract": other}, online)
        assert (groups, pairs[0][0]) == (2, "uncertain"), other
    # Nor does the same abstract merge what the citation tells apart: another journal, a
    # volume on both sides that differs, a conference abstract that the article repeats,
    # two years apart.
    for first, second in (
        ({**IN_ISSUE, "journal": "European Journal of Information Systems"}, online),
        (IN_ISSUE, {**online, "volume": "32"}),
        ({**IN_ISSUE, "year": "2021"}, online),
    ):
        assert run({**first, "abstract": SUMMARY}, second)[0] == 2
    meeting = {**online, "journal": "Journal of Decision Systems. Conference: ICDSST 2023"}
    assert run({**IN_ISSUE, "abstract": SUMMARY}, meeting)[0] == 2


def test_a_short_title_in_one_volume_merges_by_its_abstract():
    # One article of a short title exported twice, once without its issue and pages: the
    # same abstract says it is one work, where an editorial of the same editors in another
    # issue of the volume has none, or another.
    article = {**EDITORIAL, "title": "Sociomateriality", "issue": "3", "pages": "181-199"}
    bare = {**article, "issue": "", "pages": ""}
    groups, pairs = run({**article, "abstract": SUMMARY}, {**bare, "abstract": SUMMARY_SCOPUS})
    assert (groups, pairs) == (1, [("duplicate", "short title and the same abstract")])
    for first, second in (
        (article, bare),
        ({**article, "abstract": SUMMARY}, bare),
        ({**article, "abstract": SUMMARY}, {**bare, "abstract": SUMMARY.replace("312", "313")}),
        # The issue on both sides, and different: two works.
        ({**article, "abstract": SUMMARY}, {**bare, "issue": "4", "abstract": SUMMARY}),
        # No author: nobody's list to compare.
        (
            {**article, "authors": "Anonymous", "abstract": SUMMARY},
            {**bare, "authors": "Anonymous", "abstract": SUMMARY},
        ),
        # Another volume.
        ({**article, "abstract": SUMMARY}, {**bare, "volume": "12", "abstract": SUMMARY}),
    ):
        assert run(first, second)[0] == 2, (first, second)


def test_an_abstract_is_compared_without_what_databases_add_to_it():
    # Rights statements as the exports in ../shared/benchmarks/exports end their abstracts
    # (PubMed's CSV, Zotero from Web of Science, PsycInfo, EBSCO), and the dashes between
    # digits that Web of Science loses ("1.68-1.9" as "1.681.9").
    text = (
        "The vertebral heart size of 48 dogs was measured on radiographs by three observers. "
        "Mean values were 10.08 (95% range, 1.68-1.9) and did not differ between observers, "
        "between breeds or between the right and the left lateral projections of the thorax."
    )
    for rights in (
        " Copyright © 2020 Elsevier B.V. All rights reserved.",
        " 2020 Elsevier B.V. All rights reserved.",
        " © 2019 The Authors. Journal of Veterinary Internal Medicine published by Wiley.",
        " (PsycInfo Database Record (c) 2020 APA, all rights reserved)",
        " (Copyright applies to all Abstracts.)",
        " (c) The Author(s) 2020. Published by Oxford University Press on behalf of the "
        "British Geriatrics Society. All rights reserved.",
        " 2020 The Authors. Published by Elsevier Ltd.",
        " Copyright of Veterinary Radiology & Ultrasound is the property of Wiley-Blackwell "
        "and its content may not be copied or emailed to multiple sites or posted to a "
        "listserv without the copyright holder's express written permission. However, users "
        "may print, download, or email articles for individual use. This abstract may be "
        "abridged. No warranty is given about the accuracy of the copy. Users should refer "
        "to the original published version of the material for the full abstract. "
        "(Copyright applies to all Abstracts.)",
    ):
        assert normalise.abstract(text + rights) == normalise.abstract(text)
    # What is not a rights statement stays, and so do its numbers: a list's "(c)", a "<"
    # that opens no tag.
    listed = text + " Falls fell by (a) 12%, (b) 9% and (c) 14% in the three wards."
    assert normalise.digits(normalise.abstract(listed)).endswith("12914")
    younger = text + " Dogs aged <65 months with a score >15 were excluded."
    assert "65" in normalise.abstract(younger)
    assert normalise.abstract(younger) != normalise.abstract(younger.replace("<65", "<75"))
    assert normalise.digits(normalise.abstract(text.replace("1.68-1.9", "1.681.9"))) == (
        normalise.digits(normalise.abstract(text))
    )
    # A note is no abstract.
    for note in ("No abstract available.", "[Abstract not available]", ""):
        assert normalise.abstract(note) == ""


@pytest.mark.skipif(
    not (SHARED_EXPORTS / "manifest.csv").exists(),
    reason="the shared export benchmark is not beside the repository",
)
def test_one_article_in_two_real_export_files_mostly_has_the_same_abstract():
    # Every pair of records with one DOI in two of the export files of
    # ../shared/benchmarks/exports whose abstracts both count: the test calls most of them
    # the same text, in spite of rights statements, headings and dashes, and the rest differ
    # in their text (a translation, a part cut off, markup left in), where it must not.
    from collections import defaultdict
    from itertools import combinations

    from searchtrail.dedup.compare import same_abstract
    from searchtrail.dedup.files import read_files
    from searchtrail.folding import fold

    paths = sorted(
        p
        for p in SHARED_EXPORTS.iterdir()
        if p.name not in {"README.md", "SHA256SUMS", "manifest.csv"}
    )
    records, _ = read_files(paths, ids="position")
    by_doi = defaultdict(list)
    columns = records["record_id"], records["doi"], records["abstract"]
    for record_id, doi, text in zip(*columns, strict=True):
        if normalise.abstract(text or "") and normalise.doi(doi or ""):
            by_doi[normalise.doi(doi)].append((record_id.split(":")[0], text))
    pairs = [
        (a, b)
        for copies in by_doi.values()
        for (file_a, a), (file_b, b) in combinations(copies, 2)
        if file_a != file_b
    ]
    same = sum(same_abstract(normalise.abstract(a), normalise.abstract(b)) for a, b in pairs)
    assert len(pairs) > 5000
    assert same / len(pairs) > 0.9
    # Compared as folded text alone, without the rights statements cut and the digits read
    # through their dashes, fewer would be.
    folded = sum(same_abstract(fold(a), fold(b)) for a, b in pairs)
    assert folded < same - 100


# One article under the journal's romanised name and under its English name
# (colrev_digital_work in ../shared/benchmarks/dedup, records id_3006710 and id_3006803):
# the same volume and issue, pages and DOI on one side only.
JSAI = {
    "title": "Rating Prediction for Software Developers by Integrating OSS Community and Crowd "
    "Sourcing",
    "authors": "Ohsawa, Shohei\nMatsuo, Yutaka",
    "year": "2016",
    "journal": "Jinko Chino Gakkai Ronbunshi",
    "volume": "31",
    "issue": "2",
    "abstract": SUMMARY,
}


def test_the_same_abstract_under_two_journal_names_stays_a_question():
    # A translation journal prints an article's translation under the same title, authors,
    # year, volume and issue, with the English abstract the original already had: the
    # abstract cannot tell one journal under two names from an article and its translation.
    english = {
        **JSAI,
        "journal": "Transactions of the Japanese Society for Artificial Intelligence",
        "pages": "A-F24_1",
        "doi": "10.1527/TJSAI.A-F24",
    }
    groups, pairs = run(JSAI, english)
    assert (groups, pairs[0][0]) == (2, "uncertain")


# A randomised trial's meeting abstract, printed in the journal's supplement in 2019 (as
# Embase gives it, spanning two pages, so nothing marks it a meeting's), and the paper's
# PubMed record ahead of print in 2020, with the abstract the authors presented.
TRIAL = (
    "BACKGROUND: Delirium is common after hip fracture surgery in older adults. METHODS: We "
    "randomly assigned 412 patients aged 70 years or older to mobilisation within 24 h of "
    "surgery or usual care. RESULTS: Delirium occurred in 38 of 206 patients (18.4%) in the "
    "early group and 61 of 206 (29.6%) in the usual-care group (risk ratio 0.62, 95% CI "
    "0.44-0.88). CONCLUSIONS: Early mobilisation reduced delirium."
)
MEETING = {
    "title": "Early mobilisation and delirium after hip fracture surgery in older adults: a "
    "randomised trial",
    "authors": "Okafor C.\nLindqvist A.\nMoreau P.",
    "year": "2019",
    "journal": "Age and Ageing",
    "volume": "48",
    "issue": "Supplement_3",
    "pages": "iii17-iii18",
    "abstract": TRIAL,
}
PAPER_ONLINE = {
    **MEETING,
    "authors": "Okafor, Chidi\nLindqvist, Anna\nMoreau, Pierre",
    "year": "2020",
    "volume": "",
    "issue": "",
    "pages": "",
    "doi": "10.1093/ageing/afaa031",
    "abstract": TRIAL + " (c) The Author(s) 2020. Published by Oxford University Press.",
}


def test_a_record_printed_the_year_before_an_online_record_is_not_its_print_record():
    # Ahead of print comes before print: the record without a volume is dated the year
    # before its print record, never after. A record printed in a volume the year before
    # is another publication (here the meeting abstract), whatever abstract the two share.
    groups, pairs = run(MEETING, PAPER_ONLINE)
    assert (groups, pairs[0][0]) == (2, "uncertain")
    # The same two records the right way round are the online and the print record.
    printed = {**MEETING, "year": "2021", "issue": "2", "pages": "215-221"}
    assert run(printed, PAPER_ONLINE)[1] == [("duplicate", "title, authors, journal and abstract")]


def test_a_short_title_and_its_abstract_do_not_merge_a_meeting_abstract_with_the_article():
    article = {
        **EDITORIAL,
        "title": "Sociomateriality",
        "issue": "4",
        "pages": "181-199",
        "abstract": SUMMARY,
    }
    # Typed a conference abstract, or printed in a supplement beside the article's numbered
    # issue: the presented abstract and the article are two publications.
    for meeting in (
        {**article, "issue": "", "pages": "", "type": "Conference Abstract"},
        {**article, "issue": "SUPPL 1", "pages": ""},
        {**article, "issue": "SUPPL 1", "pages": "", "type": "Journal Article"},
    ):
        groups, pairs = run(article, meeting)
        assert groups == 2, meeting
        assert pairs[0][0] != "duplicate", meeting
    # Two records of the one meeting abstract, one without its supplement, are one.
    meeting = {**article, "issue": "SUPPL 1", "pages": "", "type": "Conference Abstract"}
    assert run(meeting, {**meeting, "issue": ""})[0] == 1


def test_a_standing_text_without_numbers_does_not_place_a_column():
    # A column's standing abstract, the same in every issue: it gives no counts, years or
    # measures, so it is not compared, and the column of issue 3 is not the one without its
    # issue.
    standing = (
        "In this regular column the editors select recent studies of importance to "
        "practising nurses in community and primary care, summarise their methods and "
        "findings in plain language, and consider what each could mean for the care that "
        "readers give to their patients and families."
    )
    column = {
        "title": "Research roundup",
        "authors": "Price, Bob\nHarris, Anne",
        "year": "2022",
        "journal": "Primary Health Care",
        "volume": "32",
        "issue": "3",
        "pages": "12-13",
        "abstract": standing,
    }
    assert normalise.abstract(standing) == ""
    assert run(column, {**column, "issue": "", "pages": ""})[0] == 2
