"""Deduplication vetoes and annotations on realistic record pairs: replies, comments and
corrections; different authors; conflicting identifiers; notes in titles; trial register
entries; supplement issues and pages off by one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from searchtrail.dedup import normalise
from searchtrail.dedup.files import read_files
from searchtrail.dedup.prepare import (
    CONFERENCE,
    ERRATUM,
    PREPRINT,
    REGISTER,
    RETRACTION,
    prepare,
)
from searchtrail.records import read_export
from searchtrail.records.fields import standardise
from tests.record_pairs import decision, deduplicated, records


def read_exports(folder: Path, files: dict[str, str]) -> pd.DataFrame:
    """The records of export files (name -> text) written in ``folder``, read as
    ``searchtrail dedup`` reads them."""
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    table, _ = read_files([folder / name for name in files])
    return table


# A letter to the editor, as MEDLINE gives it.
LETTER = {
    "title": "Tranexamic acid in hip fracture surgery",
    "authors": "Okafor, Chidi\nBrennan, Maeve",
    "year": "2021",
    "journal": "Anaesthesia",
    "volume": "76",
    "issue": "3",
    "pages": "431",
    "type": "JOUR",
}


# --- 1a: replies, comments, corrections ----------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Tranexamic acid in hip fracture surgery. AUTHORS REPLY",
        "Tranexamic acid in hip fracture surgery: the authors' reply",
        "Reply to Okafor and Brennan: tranexamic acid in hip fracture surgery",
        "In response to: Tranexamic acid in hip fracture surgery",
        "Comment on: Tranexamic acid in hip fracture surgery",
        "Tranexamic acid in hip fracture surgery [Comment on Anaesthesia 2020;75:1002]",
    ],
)
@pytest.mark.parametrize("authors", ["", "Lindqvist, Henrik\nTanaka, Yui"])
def test_a_reply_sharing_the_letters_citation_is_not_merged(title, authors):
    # The reply is printed with the letter: same journal, volume, issue and first page; some
    # exports give it no authors.
    reply = {**LETTER, "title": title, "authors": authors}
    groups, verdict, reason = decision(LETTER, reply)
    assert groups == 2
    assert verdict != "duplicate"
    if not authors:
        assert (verdict, reason) == (
            "linked version",
            "versions of one work: comment or reply on one side only",
        )


@pytest.mark.parametrize(
    "title",
    [
        "Correction to: Tranexamic acid in hip fracture surgery",
        "Tranexamic acid in hip fracture surgery (vol 76, pg 431, 2021)",
        "Tranexamic acid in hip fracture surgery (Anaesthesia (2021) 76, 3 (431))",
    ],
)
def test_a_correction_is_linked_to_its_article_not_merged(title):
    correction = {**LETTER, "title": title, "pages": "432"}
    groups, verdict, reason = decision(LETTER, correction)
    assert groups == 2
    assert verdict == "linked version"
    assert "erratum" in reason


# One erratum as Embase and Web of Science title it (the haematology set of bib-dedupe's
# benchmark, CoLRev-Environment/bib-dedupe at c66515a, records id_0000057 and id_0000058).
ERRATUM_EMBASE = {
    "title": "Eculizumab for atypical hemolytic-uremic syndrome (New England Journal of "
    "Medicine (2009) 360 (542-544))",
    "authors": "Philipp, T.",
    "year": "2009",
    "journal": "New England Journal of Medicine.",
    "volume": "360",
    "issue": "23",
    "pages": "2487-2487",
    "type": "JOUR",
}
ERRATUM_WOS = {
    **ERRATUM_EMBASE,
    "title": "Eculizumab for Atypical Hemolytic-Uremic Syndrome (vol 360, pg 542, 2009)",
    "journal": "New England Journal of Medicine",
}


def test_one_erratum_in_two_databases_correction_forms_is_merged():
    assert decision(ERRATUM_EMBASE, ERRATUM_WOS)[:2] == (1, "duplicate")
    article = {
        **ERRATUM_WOS,
        "title": "Eculizumab for atypical hemolytic-uremic syndrome",
        "authors": "Nurnberger, J.\nPhilipp, T.\nWitzke, O.",
        "issue": "5",
        "pages": "542-544",
    }
    assert decision(ERRATUM_EMBASE, article)[:2] == (2, "linked version")


def test_the_same_reply_from_two_databases_is_merged():
    reply = {**LETTER, "title": "Tranexamic acid in hip fracture surgery. AUTHORS REPLY"}
    embase = {**reply, "journal": "Anaesthesia.", "authors": "Okafor C.\nBrennan M."}
    groups, verdict, _ = decision(reply, embase)
    assert (groups, verdict) == (1, "duplicate")


# --- 1a': retracted articles and retraction notices ---------------------------------------

# An article Elsevier retracted, as ScienceDirect and Scopus now title it (the
# colrev_digital_work set in ../shared/benchmarks/dedup, record id_1000291).
RETRACTED_ARTICLE = {
    "title": "RETRACTED: Provider feedback information and customer choice decisions on "
    "crowdsourcing marketplaces: Evidence from two discrete choice experiments",
    "authors": "Assemi, Behrang\nSchlagwein, Daniel",
    "year": "2016",
    "journal": "Decision Support Systems",
    "volume": "82",
    "pages": "1-11",
    "doi": "10.1016/J.DSS.2015.11.001",
    "type": "JOUR",
}
# The same article as a database that keeps its first title gives it.
PLAIN_ARTICLE = {
    **RETRACTED_ARTICLE,
    "title": RETRACTED_ARTICLE["title"].removeprefix("RETRACTED: "),
    "authors": "Assemi B.\nSchlagwein D.",
}
# A notice titled as Hindawi titles its notices, a year on, with no DOI in the record.
NOTICE = {
    **PLAIN_ARTICLE,
    "title": "Retracted: " + PLAIN_ARTICLE["title"],
    "year": "2017",
    "volume": "95",
    "pages": "120",
    "doi": "",
}


@pytest.mark.parametrize("kind", ["Retracted", "Retracted Publication"])
def test_an_article_typed_retracted_is_merged_with_its_other_copies(kind):
    # Scopus types a retracted article "Retracted", PubMed and Web of Science "Retracted
    # Publication": the article itself, not a notice.
    assert decision(
        PLAIN_ARTICLE, {**RETRACTED_ARTICLE, "title": PLAIN_ARTICLE["title"], "type": kind}
    )[:2] == (1, "duplicate")


def test_a_notice_typed_as_a_retraction_is_linked_not_merged():
    # PubMed's notice, even where a database gave it the article's DOI.
    notice = {**PLAIN_ARTICLE, "type": "Retraction of Publication"}
    assert decision(PLAIN_ARTICLE, notice) == (
        2,
        "linked version",
        "versions of one work: retraction notice on one side only",
    )


def test_a_title_marked_retracted_with_the_articles_doi_and_place_is_the_article():
    assert decision(RETRACTED_ARTICLE, PLAIN_ARTICLE) == (1, "duplicate", "same identifier")


@pytest.mark.parametrize(
    "marked",
    [
        {**RETRACTED_ARTICLE, "doi": ""},
        NOTICE,
        {**NOTICE, "doi": "10.1016/j.dss.2018.02.004"},
        # The article's DOI given to the notice: its volume places it elsewhere.
        {**NOTICE, "doi": RETRACTED_ARTICLE["doi"]},
        {**NOTICE, "doi": RETRACTED_ARTICLE["doi"], "pages": "1-11"},
    ],
)
def test_a_title_marked_retracted_is_kept_apart_where_no_doi_and_place_show_the_article(marked):
    assert decision(PLAIN_ARTICLE, marked) == (
        2,
        "linked version",
        "versions of one work: title marked retracted on one side only",
    )


def test_a_notice_given_the_articles_doi_is_placed_apart_by_its_page():
    # In the article's own volume, the notice's page tells it from the article (a range
    # from page 1, an electronic article's page count, would tell nothing).
    article = {**PLAIN_ARTICLE, "pages": "45-55"}
    notice = {**NOTICE, "doi": article["doi"], "volume": "82", "pages": "120"}
    assert decision(article, notice)[:2] == (2, "linked version")
    assert decision(article, {**notice, "pages": "45-55"})[:2] == (1, "duplicate")


def test_copies_of_one_notice_typed_or_only_titled_retracted_are_one_record():
    # Hindawi's notice as PubMed types it, as Web of Science types it, and as a RIS export
    # (TY JOUR) gives it with its "Retracted:" title alone: one DOI, one notice.
    notice = {
        "title": "Retracted: Effect of curcumin on wound healing in diabetic rats",
        "year": "2023",
        "journal": "Evidence-Based Complementary and Alternative Medicine",
        "volume": "2023",
        "pages": "9804561",
        "doi": "10.1155/2023/9804561",
    }
    article = {
        **notice,
        "title": "Effect of curcumin on wound healing in diabetic rats",
        "authors": "Li, Wei\nZhang, Min",
        "year": "2022",
        "volume": "2022",
        "pages": "5512345",
        "doi": "10.1155/2022/5512345",
        "type": "JOUR",
    }
    result = deduplicated(
        {**notice, "type": "Retraction of Publication"},
        {**notice, "type": "Retraction", "journal": notice["journal"].upper()},
        {**notice, "type": "JOUR"},
        article,
    )
    assert result.group.tolist() == [0, 0, 0, 1]
    # Without the DOI to show it, the titled record stays apart from the typed notice.
    groups, verdict, _ = decision(
        {**notice, "type": "Retraction of Publication"}, {**notice, "type": "JOUR", "doi": ""}
    )
    assert (groups, verdict) == (2, "linked version")


def test_an_article_its_retracted_copy_and_the_notice_make_two_groups():
    result = deduplicated(
        RETRACTED_ARTICLE,
        PLAIN_ARTICLE,
        {**PLAIN_ARTICLE, "doi": ""},
        NOTICE,
        {**NOTICE, "journal": "Decis Support Syst"},
    )
    assert result.group.tolist() == [0, 0, 0, 1, 1]


# One retracted article as Web of Science and PubMed type it (DT and PT), with a meeting
# abstract of the same authors in Web of Science: the document type is what each is.
WOS_TYPED = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Assemi, B
   Schlagwein, D
AF Assemi, Behrang
   Schlagwein, Daniel
TI Provider feedback information and customer choice decisions on
   crowdsourcing marketplaces: Evidence from two discrete choice experiments
SO DECISION SUPPORT SYSTEMS
LA English
DT Article; Retracted Publication
PY 2016
VL 82
BP 1
EP 11
DI 10.1016/j.dss.2015.11.001
UT WOS:000370000000001
ER

PT J
AU Assemi, B
   Schlagwein, D
AF Assemi, Behrang
   Schlagwein, Daniel
TI Provider feedback and customer choice on crowdsourcing marketplaces
SO DECISION SUPPORT SYSTEMS
LA English
DT Meeting Abstract
PY 2015
VL 79
BP 212
UT WOS:000370000000002
ER

EF
"""
PUBMED_TYPED = """PMID- 26000001
TI  - Provider feedback information and customer choice decisions on crowdsourcing
      marketplaces: Evidence from two discrete choice experiments.
LID - 10.1016/j.dss.2015.11.001 [doi]
FAU - Assemi, Behrang
AU  - Assemi B
FAU - Schlagwein, Daniel
AU  - Schlagwein D
PT  - Journal Article
PT  - Retracted Publication
DP  - 2016
VI  - 82
PG  - 1-11
TA  - Decis Support Syst
JT  - Decision support systems

PMID- 26000002
TI  - Feedback von Anbietern und Kundenentscheidungen auf Crowdsourcing-Marktplätzen.
FAU - Assemi, Behrang
AU  - Assemi B
PT  - English Abstract
PT  - Journal Article
DP  - 2017
VI  - 12
PG  - 40-52
TA  - Wirtschaftsinformatik
JT  - Wirtschaftsinformatik

PMID- 26000003
TI  - Provider feedback and customer choice on crowdsourcing marketplaces: a preprint.
FAU - Assemi, Behrang
AU  - Assemi B
PT  - Journal Article
PT  - Preprint
DP  - 2015
TA  - Res Sq
JT  - Research square
"""


def test_document_types_read_from_web_of_science_and_pubmed_say_what_each_record_is(tmp_path):
    # PubMed lists its publication types in alphabetical order: all of them are the type,
    # as the one that tells (Preprint, Retracted Publication) may come last, and an
    # "English Abstract" (an article in another language) is no meeting abstract.
    table = read_exports(tmp_path, {"wos.txt": WOS_TYPED, "pubmed.nbib": PUBMED_TYPED})
    assert table["type"].tolist() == [
        "Article; Retracted Publication; J",
        "Meeting Abstract; J",
        "Journal Article; Retracted Publication",
        "English Abstract; Journal Article",
        "Journal Article; Preprint",
    ]
    kinds = CONFERENCE | RETRACTION | PREPRINT
    assert (prepare(table).markers & kinds).tolist() == [0, CONFERENCE, 0, 0, PREPRINT]
    result = deduplicated(*table.to_dict("records"))
    assert result.group.tolist() == [0, 1, 0, 2, 3]


# RIS's type of work (M3) as Embase, Scopus and Cochrane CENTRAL write it beside TY, and
# as Ovid's PsycInfo misuses it for its subject classification.
RIS_TYPE_OF_WORK = """TY  - JOUR
ID  - embase-1
TI  - Inhaled corticosteroids and the risk of pneumonia in COPD: a cohort study
AU  - Berg, Ingrid
PY  - 2019
T2  - European Respiratory Journal
VL  - 54
IS  - Suppl. 63
SP  - PA2104
M3  - Conference Abstract
ER  -

TY  - JOUR
ID  - scopus-1
TI  - Inhaled corticosteroids and the risk of pneumonia in COPD: a cohort study
AU  - Berg, I.
PY  - 2020
T2  - European Respiratory Journal
VL  - 55
IS  - 2
SP  - 1900412
M3  - Erratum
ER  -

TY  - JOUR
ID  - central-1
TI  - Inhaled corticosteroids and pneumonia in COPD
PY  - 2018
T2  - https://clinicaltrials.gov/show/NCT03500001
M3  - Trial registry record
ER  -

TY  - JOUR
ID  - psycinfo-1
TI  - Breathlessness, anxiety and inhaler use in COPD
AU  - Berg, Ingrid
PY  - 2021
T2  - Health Psychology
VL  - 40
IS  - 3
SP  - 201-210
M3  - Health Psychology & Medicine [3360]
M3  - Correctional Institutions [3383]
M3  - S0140-6736(20)30183-5 [pii]
ER  -
"""


def test_the_ris_type_of_work_says_what_each_record_is(tmp_path):
    # TY is a reference type ("JOUR" for every journal item); the kind of item is in M3, the
    # type of work. A subject classification with its code, or a publisher's item id, is no
    # type and is left out.
    table = read_exports(tmp_path, {"records.ris": RIS_TYPE_OF_WORK})
    assert table["type"].tolist() == [
        "JOUR; Conference Abstract",
        "JOUR; Erratum",
        "JOUR; Trial registry record",
        "JOUR",
    ]
    kinds = CONFERENCE | ERRATUM | REGISTER
    assert (prepare(table).markers & kinds).tolist() == [CONFERENCE, ERRATUM, REGISTER, 0]


def test_an_erratum_typed_only_by_its_type_of_work_is_linked_not_merged(tmp_path):
    # Scopus titles some errata as the article they correct; its type of work says what the
    # record is, and a correction beside the article is a version of it, never a copy.
    article = "\n".join(
        line.replace("ID  - scopus-1", "ID  - scopus-2")
        .replace("M3  - Erratum", "M3  - Article")
        .replace("SP  - 1900412", "SP  - 1900311")
        for line in RIS_TYPE_OF_WORK.split("\n\n")[1].split("\n")
    )
    erratum = RIS_TYPE_OF_WORK.split("\n\n")[1]
    table = read_exports(tmp_path, {"scopus.ris": f"{article}\n\n{erratum}"})
    result = deduplicated(*table.to_dict("records"))
    assert result.groups == 2
    [pair] = result.pairs.itertuples()
    assert pair.decision == "linked version"


ONE_CORRECTION_THREE_WAYS = """TY  - JOUR
ID  - scopus-erratum
TI  - Inhaled corticosteroids and the risk of pneumonia in COPD: a cohort study
AU  - Berg, I.
AU  - Hansen, K.L.
PY  - 2020
T2  - European Respiratory Journal
VL  - 55
IS  - 2
C7  - 1950412
DO  - 10.1183/13993003.50412-2019
M3  - Erratum
ER  -

TY  - JOUR
ID  - wos-copy
TI  - Inhaled corticosteroids and the risk of pneumonia in COPD: a cohort study
AU  - Berg, I.
AU  - Hansen, K. L.
PY  - 2020
T2  - EUROPEAN RESPIRATORY JOURNAL
VL  - 55
IS  - 2
C7  - 1950412
DO  - 10.1183/13993003.50412-2019
ER  -

TY  - JOUR
ID  - manager-copy
TI  - Inhaled corticosteroids and the risk of pneumonia in COPD: a cohort study
AU  - Berg, Ingrid
AU  - Hansen, Kari L.
PY  - 2020
T2  - Eur Respir J
VL  - 55
IS  - 2
SP  - 1950412
DO  - 10.1183/13993003.50412-2019
ER  -

TY  - JOUR
ID  - article
TI  - Inhaled corticosteroids and the risk of pneumonia in COPD: a cohort study
AU  - Berg, I.
AU  - Hansen, K.L.
PY  - 2019
T2  - European Respiratory Journal
VL  - 54
IS  - 6
C7  - 1900412
DO  - 10.1183/13993003.00412-2019
M3  - Article
ER  -
"""


def test_a_correction_typed_in_one_database_only_is_one_record_with_its_copies(tmp_path):
    # Scopus types the correction; Web of Science's RIS and a reference manager give no
    # type. The same DOI, volume and first page make them one correction, in the pair rules
    # and in the check of the group of three; the article it corrects stays apart.
    table = read_exports(tmp_path, {"records.ris": ONE_CORRECTION_THREE_WAYS})
    result = deduplicated(*table.to_dict("records"))
    assert result.group.tolist() == [0, 0, 0, 1]
    assert not result.splits
    decisions = {(r.record_a, r.record_b): r.decision for r in result.pairs.itertuples()}
    assert decisions[("scopus-erratum", "wos-copy")] == "duplicate"
    assert decisions[("scopus-erratum", "article")] == "linked version"


# --- 1b: different authors -------------------------------------------------------------


def test_different_authors_veto_a_merge_no_identifier_supports():
    # Two letters on the same pages under near-identical titles, with no reply marker:
    # only the authors tell them apart.
    other = {
        **LETTER,
        "title": "Tranexamic acid in hip fracture surgery: timing matters",
        "authors": "Lindqvist, Henrik\nTanaka, Y",
        "pages": "431-432",
    }
    groups, verdict, _ = decision({**LETTER, "pages": "431-432"}, other)
    assert groups == 2
    assert verdict != "duplicate"


# A letter and the reply printed after it on its page, which the Journal of Small Animal
# Practice lists under the letter's title with no mark of a reply: Web of Science's RIS
# through Zotero (with the accession numbers) and Zotero's BibTeX of the same library
# (without), records 438 and 449 of zotero_from_wos.ris and zotero.bib in
# ../shared/benchmarks/exports.
LETTER_AND_REPLY_RIS = """TY  - JOUR
TI  - Primary secretory otitis media in Cavalier King Charles spaniels
AU  - Stern-Bertholtz, W
T2  - JOURNAL OF SMALL ANIMAL PRACTICE
PY  - 2004
VL  - 45
IS  - 4
SP  - 222
EP  - 222
SN  - 0022-4510
AN  - WOS:000221182800019
ER  -

TY  - JOUR
TI  - Primary secretory otitis media in Cavalier King Charles spaniels
AU  - Rusbridge, C
T2  - JOURNAL OF SMALL ANIMAL PRACTICE
PY  - 2004
VL  - 45
IS  - 4
SP  - 222
EP  - 222
SN  - 0022-4510
AN  - WOS:000221182800010
ER  -
"""
LETTER_AND_REPLY_BIBTEX = """@article{stern-bertholtz_primary_2004,
	title = {Primary secretory otitis media in {Cavalier} {King} {Charles} spaniels},
	volume = {45},
	issn = {0022-4510},
	number = {4},
	journal = {JOURNAL OF SMALL ANIMAL PRACTICE},
	author = {Stern-Bertholtz, W},
	year = {2004},
	pages = {222--222},
}

@article{rusbridge_primary_2004,
	title = {Primary secretory otitis media in {Cavalier} {King} {Charles} spaniels},
	volume = {45},
	issn = {0022-4510},
	number = {4},
	journal = {JOURNAL OF SMALL ANIMAL PRACTICE},
	author = {Rusbridge, C},
	year = {2004},
	pages = {222--222},
}
"""


def test_a_letter_and_its_reply_on_one_page_under_one_title_are_told_apart_by_authors(tmp_path):
    # The whole citation is the same, page included; a page does not place one work, as
    # the letter and the reply share it, so authors who share no name keep them apart in
    # both files, and each one's two copies are merged.
    table = read_exports(
        tmp_path, {"wos.ris": LETTER_AND_REPLY_RIS, "zotero.bib": LETTER_AND_REPLY_BIBTEX}
    )
    result = deduplicated(*table.to_dict("records"))
    assert result.group.tolist() == [0, 1, 0, 1]
    assert not result.splits
    decisions = {(r.record_a, r.record_b): r.decision for r in result.pairs.itertuples()}
    ids = table["record_id"].tolist()
    assert decisions[(ids[2], ids[3])] == "not duplicate"  # no accession numbers to tell


@pytest.mark.parametrize("placeholder", ["Anonymous", "No authorship indicated", "Anon."])
def test_a_placeholder_for_no_author_is_no_different_author(placeholder):
    # A one-page editorial as one database lists it without an author and another with its
    # writer: the placeholder names no one, so it cannot differ from a name.
    editorial = {
        **LETTER,
        "title": "Screening for atrial fibrillation in primary care: the way forward",
        "authors": "Okafor, Chidi",
        "pages": "270-270",
    }
    assert decision(editorial, {**editorial, "authors": placeholder})[:2] == (1, "duplicate")


def test_a_shared_doi_outweighs_different_author_forms():
    article = {**LETTER, "doi": "10.1111/anae.15301", "pages": "431-432"}
    swapped = {**article, "authors": "Chidi Okafor\nMaeve Brennan"}
    assert decision(article, swapped)[:2] == (1, "duplicate")


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        ("Le Roux, M.\nBrennan, Maeve", "Roux, M.\nBrennan, M."),  # a particle dropped
        ("Amber, C. F.\nZeynep, T. K.", "Cicek, F. A.\nTokcaer-Keskin, Z."),  # order swapped
        ("ALTS Group", "Solomon, D."),  # a group and its writer
    ],
)
def test_name_forms_and_groups_are_not_different_authors(mine, theirs):
    a = {**LETTER, "pages": "431-436", "authors": mine}
    b = {**LETTER, "pages": "431-436", "authors": theirs, "journal": "Anaesthesia (Oxford)"}
    assert decision(a, b)[:2] == (1, "duplicate")


# --- 1c: conflicting identifiers --------------------------------------------------------


def test_different_pubmed_ids_are_never_merged():
    a = {**LETTER, "pages": "431-436", "ids": "pmid:33012345"}
    b = {**LETTER, "pages": "437-442", "ids": "pmid:33012399"}
    groups, verdict, _ = decision(a, b)
    assert groups == 2
    assert verdict != "duplicate"


# The same review article from two databases (IEBH/dedupe-sweep, test/data/copper.xml at
# 14ca6b6, records rn_436 and rn_98): one DOI was built with another journal's ISSN.
LEVIN_EMBASE = {
    "title": "Nosocomial legionellosis: Prevention and management",
    "authors": "Levin, A. S.",
    "year": "2009",
    "journal": "Expert Review of Anti-Infective Therapy",
    "volume": "7",
    "issue": "1",
    "pages": "57-68",
    "doi": "10.1586/14737140.7.1.57",
    "type": "JOUR",
}
LEVIN_MEDLINE = {
    **LEVIN_EMBASE,
    "title": "Nosocomial legionellosis: prevention and management",
    "journal": "Expert Rev Anti Infect Ther",
    "doi": "10.1586/14787210.7.1.57",
}


def test_a_doi_given_to_the_wrong_record_does_not_split_one_citation():
    assert decision(LEVIN_EMBASE, LEVIN_MEDLINE) == (
        1,
        "duplicate",
        "same citation, an identifier misassigned",
    )


def test_pubmed_ids_that_differ_on_one_citation_are_one_article():
    a = {**LETTER, "pages": "431-436", "ids": "pmid:33012345"}
    b = {**LETTER, "pages": "431-436", "ids": "pmid:33012399"}
    assert decision(a, b) == (1, "duplicate", "same citation, an identifier misassigned")


@pytest.mark.parametrize(
    ("both", "one"),
    [
        # What the two citations say alike, but does not place one article:
        ({"issue": ""}, {}),  # issues may restart their pages
        ({"pages": "1-12"}, {}),  # a range from page 1: an electronic article's page count
        ({"pages": "57"}, {}),  # one page: a letter and the reply printed with it
        ({"pages": "57-57"}, {}),  # one page written as a range
        ({"title": "Nosocomial legionellosis"}, {}),  # too short to tell works apart
        ({"issue": "Suppl. 1"}, {}),  # abstracts of a supplement share its pages
        ({"journal": "Expert Review of Anti-Infective Therapy.Conference: 12th Congress"}, {}),
        # Or the citations differ:
        ({}, {"issue": "2"}),
        ({}, {"year": "2010"}),
        ({}, {"journal": "Expert Review of Anticancer Therapy"}),
        ({}, {"authors": "Marchetti, P."}),  # a reply without a marker, printed with the letter
        (
            {"authors": "Levin, A. S.\nCosta, S. F.\nMendes, R."},
            {"authors": "Levin, A. S.\nSilva, J."},
        ),
    ],
)
def test_different_identifiers_stay_apart_where_the_citation_does_not_place_one_article(both, one):
    result = deduplicated({**LEVIN_EMBASE, **both}, {**LEVIN_MEDLINE, **both, **one})
    assert result.groups == 2
    assert "misassigned" not in " ".join(result.pairs["reason"])


def test_a_group_joining_records_of_one_doi_in_two_journals_is_split():
    # PubMed's record of the article ahead of print, with the DOI and nothing that places
    # it, is one publication by DOI with each of the two; the group they would make is split.
    ahead = {**PSP_ARTICLE, "journal": "Parkinsonism Relat Disord", "volume": "", "pages": ""}
    result = deduplicated(PSP_ARTICLE, PSP_ABSTRACT, ahead)
    assert result.groups == 2
    [split] = result.splits
    assert "placed in two journals" in split.why
    article, abstract, _ = result.group.tolist()
    assert article != abstract


# An article of an electronic journal, numbered rather than paged; one database built its
# DOI from the article number (a pair of ASySD's cardiac set, labelled one publication).
JAHA = {
    "title": "Conditional knockout of myocyte focal adhesion kinase abrogates ischemic "
    "preconditioning in adult murine hearts",
    "authors": "Perricone, A. J.\nBivona, B. J.\nJackson, F. R.\nVander Heide, R. S.",
    "year": "2013",
    "journal": "Journal of the American Heart Association",
    "volume": "2",
    "issue": "5",
    "pages": "e000457",
    "doi": "10.1161/JAHA.113.000457",
    "type": "JOUR",
}


def test_one_article_number_places_one_article_whatever_its_dois():
    other = {
        **JAHA,
        "doi": "10.1161/JAHA.e000457",
        "authors": JAHA["authors"].replace("Vander ", ""),
    }
    assert decision(JAHA, other) == (1, "duplicate", "same citation, an identifier misassigned")
    # Another article number, issue or year on one side: another article.
    for apart in ({"pages": "e000458"}, {"issue": "6"}, {"year": "2014"}):
        assert deduplicated(JAHA, {**other, **apart}).groups == 2
    # The same digits under another letter are another number (BMJ's k1234 and l1234).
    bmj = {**JAHA, "journal": "BMJ", "pages": "k1234", "doi": "10.1136/bmj.k1234"}
    assert deduplicated(bmj, {**bmj, "pages": "l1234", "doi": "10.1136/bmj.l1234"}).groups == 2
    # One page of print is not an article number: a letter and its reply share it.
    assert deduplicated({**JAHA, "pages": "457"}, {**other, "pages": "457"}).groups == 2


def test_a_group_with_a_misassigned_doi_is_not_split():
    # A third record without a DOI joins the two; the group holds two DOIs on one citation.
    bare = {**LEVIN_MEDLINE, "doi": "", "authors": "Levin, Anna S."}
    result = deduplicated(LEVIN_EMBASE, LEVIN_MEDLINE, bare)
    assert result.groups == 1
    assert not result.splits


# An article, and its authors' meeting abstract, which a reference manager gave the
# article's DOI when it looked the DOI up by the title (a pair bib-dedupe's neuroimaging set
# labels as two publications).
PSP_ARTICLE = {
    "title": "Predicting disease progression in progressive supranuclear palsy in multicenter "
    "clinical trials",
    "authors": "Bang, J.\nLobach, I. V.\nLang, A. E.\nGrossman, M.\nKnopman, D. S.",
    "year": "2016",
    "journal": "Parkinsonism & Related Disorders",
    "volume": "28",
    "pages": "41-48",
    "doi": "10.1016/j.parkreldis.2016.04.014",
    "type": "JOUR",
}
PSP_ABSTRACT = {
    **PSP_ARTICLE,
    "journal": "Journal of Neurochemistry",
    "volume": "138",
    "pages": "366",
}


def test_one_doi_on_records_placed_in_two_journals_does_not_merge_them():
    groups, verdict, _ = decision(PSP_ARTICLE, PSP_ABSTRACT)
    assert (groups, verdict) == (2, "not duplicate")
    # What one journal's records may write differently: its name (abbreviated, folded), a
    # volume or a first page missing or mistyped. The DOI then stands.
    for other in (
        {**PSP_ARTICLE, "journal": "Parkinsonism Relat Disord"},
        {**PSP_ABSTRACT, "journal": "Parkinsonism Relat Disord"},
        {**PSP_ABSTRACT, "volume": "28"},
        {**PSP_ABSTRACT, "pages": "41-48"},
        {**PSP_ABSTRACT, "volume": ""},
        {**PSP_ABSTRACT, "pages": ""},
        {**PSP_ABSTRACT, "journal": ""},
    ):
        assert decision(PSP_ARTICLE, other) == (1, "duplicate", "same identifier"), other


def test_dois_that_agree_after_normalisation_do_not_conflict():
    a = {**LETTER, "pages": "431-436", "doi": "https://doi.org/10.1111/ANAE.15301"}
    b = {**LETTER, "pages": "431-436", "doi": "doi:10.1111/anae.15301."}
    assert decision(a, b) == (1, "duplicate", "same identifier")


# --- 2: notes in titles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "compared", "notes"),
    [
        (
            "Statins after stroke [Erratum appears in Stroke. 2005;36:1120]",
            "statins after stroke",
            {"erratum_in": "Erratum appears in Stroke. 2005;36:1120"},
        ),
        (
            "Efecto del ejercicio en la diabetes tipo 2 [Spanish]",
            "efecto del ejercicio en la diabetes tipo 2",
            {"language": "Spanish"},
        ),
        (
            "[Effect of exercise on type 2 diabetes]. [Article in German]",
            "effect of exercise on type 2 diabetes",
            {"language": "German"},
        ),
        (
            "Statins for everyone? [Review] [42 refs]",
            "statins for everyone",
            {"review": "Review"},
        ),
        (
            "Statins for everyone? [Comment on N Engl J Med. 2008;359:2195]",
            "statins for everyone",
            {"comment_on": "Comment on N Engl J Med. 2008;359:2195"},
        ),
        (
            "Rosuvastatin in healthy adults (vol 12, art no e0245, 2017)",
            "rosuvastatin in healthy adults",
            {"correction_of": "vol 12, art no e0245, 2017"},
        ),
        (
            "Rosuvastatin in healthy adults (vol 359, pg 2195, 2008)",
            "rosuvastatin in healthy adults",
            {"correction_of": "vol 359, pg 2195, 2008"},
        ),
        (
            "Rosuvastatin in healthy adults (Diabetes Care (2010) 33:3 (555-560))",
            "rosuvastatin in healthy adults",
            {"correction_of": "Diabetes Care (2010) 33:3 (555-560)"},
        ),
        (
            "Woodpeckers after wildfire (PLoS ONE (2014) 9, 4 (e94700) DOI: "
            "10.1371/journal.pone.0094700)",
            "woodpeckers after wildfire",
            {"correction_of": "PLoS ONE (2014) 9, 4 (e94700) DOI: 10.1371/journal.pone.0094700"},
        ),
        # Parentheses that only look like a citation stay in the title:
        (
            "Fire regimes (see Keeley (2001) and Johnson (2001) for exceptions)",
            "fire regimes see keeley 2001 and johnson 2001 for exceptions",
            {},
        ),
        (
            "Shoulder surgery (the PROFHER trial (2015) results (phase 3))",
            "shoulder surgery the profher trial 2015 results phase 3",
            {},
        ),
    ],
)
def test_title_notes_become_fields_and_leave_the_compared_title(raw, compared, notes):
    assert normalise.title(raw) == compared
    assert normalise.title_notes(raw) == notes


def test_an_article_with_an_erratum_note_is_still_the_article():
    noted = {**LETTER, "title": LETTER["title"] + " [Erratum appears in Anaesthesia 2021;76:999]"}
    noted["pages"] = "431-436"
    assert decision({**LETTER, "pages": "431-436"}, noted)[:2] == (1, "duplicate")


def test_an_embase_conference_note_in_the_journal_marks_an_abstract():
    article = {**LETTER, "pages": "431-436"}
    abstract = {
        **article,
        "journal": "Anaesthesia.Conference: 38th Annual Congress of the Association",
        "issue": "",
        "pages": "88",
    }
    groups, verdict, reason = decision(article, abstract)
    assert groups == 2
    assert verdict == "linked version"
    assert "conference abstract" in reason


@pytest.mark.parametrize(
    "journal",
    [
        "Proceedings of Meetings on Acoustics",
        "CEUR Workshop Proceedings",
        "AMIA Joint Summits on Translational Science Proceedings",
        "Journal of Thrombosis and Haemostasis.Conference: 23rd Congress of the ISTH",
    ],
)
def test_a_journal_naming_a_meeting_marks_its_records_as_a_meetings(journal):
    table = records({"title": "Reputation offsets trust judgments", "journal": journal})
    assert prepare(table).markers[0] & CONFERENCE


@pytest.mark.parametrize(
    ("kind", "conference"),
    [
        ("CONF", True),
        ("CPAPER", True),  # EndNote's conference paper
        ("ABST", True),
        ("Conference Abstract", True),  # Embase
        ("Meeting Abstract", True),  # Web of Science
        ("Proceedings Paper", True),
        ("Congress", True),  # PubMed
        ("proceedings-article", True),  # Crossref
        ("English Abstract; Journal Article", False),  # PubMed: an article in another language
        ("Case Reports; Clinical Conference; Journal Article", False),  # PubMed: NEJM's cases
        ("Consensus Development Conference", False),  # PubMed: an article reporting one
        ("RPRT; Meeting report", False),  # a report of a meeting, typed by a person
        ("Article; Proceedings Paper", False),  # Web of Science: a journal's article
        ("Journal Article", False),
    ],
)
def test_a_type_marks_a_meetings_publication(kind, conference):
    table = records({"title": "Reputation offsets trust judgments", "type": kind})
    assert bool(prepare(table).markers[0] & CONFERENCE) is conference


def test_a_journals_article_that_is_also_a_proceedings_paper_is_compared_as_an_article(tmp_path):
    # Web of Science types an article of IEEE Transactions on Magnetics that was presented
    # at a meeting "Article; Proceedings Paper"; Scopus lists it online before its issue,
    # with its DOI and nothing of the issue. Neither is a meeting's abstract, so the two are
    # not linked as versions of one work: the pair goes to a person.
    wos = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Chen, L\n   Park, S\n"
        "AF Chen, Li\n   Park, Sung\nTI Magnetic anisotropy and domain structure of epitaxial "
        "CoFeB\n   thin films on MgO substrates\nSO IEEE TRANSACTIONS ON MAGNETICS\n"
        "DT Article; Proceedings Paper\nPY 2015\nVL 51\nIS 11\nAR 2003304\n"
        "UT WOS:000360000000001\nER\n\nEF\n"
    )
    scopus = (
        "TY  - JOUR\nTI  - Magnetic anisotropy and domain structure of epitaxial CoFeB thin "
        "films on MgO substrates\nAU  - Chen, Li\nAU  - Park, Sung\nPY  - 2014\n"
        "T2  - IEEE Transactions on Magnetics\nDO  - 10.1109/TMAG.2014.2331234\nER  - \n"
    )
    table = read_exports(tmp_path, {"wos.txt": wos, "scopus.ris": scopus})
    assert table["type"].tolist() == ["Article; Proceedings Paper; J", "JOUR"]
    assert (prepare(table).markers & CONFERENCE).tolist() == [0, 0]
    result = deduplicated(*table.to_dict("records"))
    assert [p.decision for p in result.pairs.itertuples()] == ["uncertain"]


# One meeting abstract as Embase gives it (the meeting in a note after the journal) and as
# another database gives it (the meeting as the source): the haematology set of bib-dedupe's
# benchmark (CoLRev-Environment/bib-dedupe at c66515a, id_0000167 and id_0000168).
ABSTRACT_EMBASE = {
    "title": "Eculizumab (ECU) therapy for atypical hemolytic uremic syndrome (AHUS) in "
    "pediatric patients: Efficacy and safety outcomes from a retrospective study",
    "authors": "Gruppo, R.\nRodig, N.\nVilalta, R.\nHernandez, J.",
    "year": "2011",
    "journal": "Journal of Thrombosis and Haemostasis.Conference: 23rd Congress of the "
    "International Society on Thrombosis and",
    "volume": "9",
    "type": "JOUR",
}
ABSTRACT_MEETING = {
    **ABSTRACT_EMBASE,
    "journal": "23rd Congress of the International Society on Thrombosis and Haemostasis "
    "57th Annual SSC Meeting Kyoto Japan.",
}


def test_a_meeting_abstract_under_its_journal_and_under_its_meeting_is_one_abstract():
    assert decision(ABSTRACT_EMBASE, ABSTRACT_MEETING)[:2] == (1, "duplicate")
    assert normalise.meeting(ABSTRACT_EMBASE["journal"]) == (
        "23rd congress of the international society on thrombosis and"
    )
    assert normalise.meeting("Journal of Thrombosis and Haemostasis") == ""


@pytest.mark.parametrize(
    ("embase", "other"),
    [
        # One abstract presented again at the next year's meeting of the series.
        (
            "Value in Health.Conference: ISPOR 22nd Annual International Meeting",
            "ISPOR 23rd Annual International Meeting",
        ),
        # A series' name without its edition or year does not name one meeting.
        (
            "Internal Medicine Journal.Conference: Annual Scientific Meeting",
            "RACP Annual Scientific Meeting",
        ),
    ],
)
def test_meetings_of_one_series_are_not_one_venue(embase, other):
    year = {"year": "2012"} if "23rd" in other else {}  # the next meeting, a year later
    groups, verdict, _ = decision(
        {**ABSTRACT_EMBASE, "journal": embase}, {**ABSTRACT_MEETING, "journal": other, **year}
    )
    assert groups == 2
    assert verdict != "duplicate"


def test_abstracts_of_two_meetings_are_not_one_abstract_by_their_venue():
    other = {**ABSTRACT_MEETING, "journal": "Annual Meeting of the American Society of Hematology"}
    groups, verdict, _ = decision(ABSTRACT_EMBASE, other)
    assert groups == 2
    assert verdict != "duplicate"


# --- 3: trial register entries ---------------------------------------------------------------

ENTRY = {
    "title": "Tranexamic Acid in Hip Fracture Surgery (TRAHIP)",
    "year": "2019",
    "journal": "https://clinicaltrials.gov/show/NCT03712345",
    "type": "JOUR",
    "ids": "nct:NCT03712345",
}


def test_the_same_register_entry_exported_twice_is_merged():
    # Exported again after an update, under its official rather than its brief title.
    again = {
        **ENTRY,
        "title": "TRAHIP: Intravenous TXA Versus Placebo for Older Adults With a Broken Hip",
        "year": "2020",
    }
    assert decision(ENTRY, again) == (1, "duplicate", "same register entry")


def test_register_exports_read_again_are_one_entry():
    # As the ClinicalTrials.gov table gives it, and the same trial from the WHO ICTRP.
    ctgov = {
        "title": "Tranexamic Acid in Hip Fracture Surgery",
        "year": "2019",
        "journal": "ClinicalTrials.gov",
        "type": "trial registration (interventional)",
        "url": "https://clinicaltrials.gov/study/NCT03712345",
        "ids": "nct:NCT03712345",
    }
    ictrp = {**ctgov, "journal": "WHO ICTRP", "type": "trial registration", "url": ""}
    ictrp["title"] = "TRAHIP: Intravenous TXA Versus Placebo for Older Adults With a Broken Hip"
    assert decision(ctgov, ictrp)[:2] == (1, "duplicate")


def test_a_register_entry_found_only_by_its_address_is_merged():
    again = {**ENTRY, "ids": "", "year": "2020"}
    assert decision(ENTRY, again)[:2] == (1, "duplicate")


def test_two_register_entries_with_different_ids_are_not_merged():
    other = {**ENTRY, "journal": "https://clinicaltrials.gov/show/NCT03799999"}
    other["ids"] = "nct:NCT03799999"
    groups, verdict, _ = decision(ENTRY, other)
    assert groups == 2
    assert verdict != "duplicate"


def test_a_register_entry_and_the_article_of_its_trial_are_never_merged():
    article = {
        **LETTER,
        "title": "Tranexamic acid in hip fracture surgery (TRAHIP): a randomised trial",
        "pages": "431-440",
        "ids": "nct:NCT03712345",
    }
    groups, verdict, _ = decision(ENTRY, article)
    assert groups == 2
    assert verdict != "duplicate"


def test_two_articles_of_one_trial_are_not_merged_by_its_register_id():
    results = {**LETTER, "title": "Tranexamic acid in hip fracture surgery: a trial"}
    results.update(pages="431-440", ids="nct:NCT03712345", authors="Okafor, Chidi")
    protocol = {**results, "title": "Tranexamic acid in hip fracture surgery: trial protocol"}
    protocol.update(journal="Trials", volume="20", issue="", pages="112", year="2019")
    groups, verdict, _ = decision(results, protocol)
    assert groups == 2
    assert verdict != "duplicate"


# --- 4: supplement issues and pages off by one ------------------------------------------------


ARTICLE = {
    "title": "Perioperative tranexamic acid and blood loss in elderly hip fracture patients",
    "authors": "Okafor, Chidi\nBrennan, Maeve\nLindqvist, Henrik",
    "year": "2021",
    "journal": "British Journal of Anaesthesia",
    "volume": "126",
    "issue": "2",
    "pages": "e45-e52",
}


@pytest.mark.parametrize("issue", ["Suppl. 1", "Supplement 2", "5_suppl", "15_suppl"])
def test_an_abstract_in_a_supplement_is_a_meetings_whatever_the_form_of_the_issue(issue):
    # "5_suppl", "15_suppl": the issue as HighWire journals (JCO, UEG Journal) write it.
    table = records(
        {"title": "Curcumin and wound healing", "issue": issue, "pages": "A506"},
        {"title": "Curcumin and wound healing", "issue": issue, "pages": "506-512"},
    )
    assert (prepare(table).markers & CONFERENCE).tolist() == [CONFERENCE, 0]


def test_parts_named_in_words_or_roman_numerals_are_different_works():
    part = {
        "title": "Managing pressure ulcers in community care: a narrative review, part one",
        "authors": "Smith, Jane\nBrown, Anne",
        "year": "2020",
        "journal": "British Journal of Nursing",
        "volume": "29",
        "type": "JOUR",
    }
    for first, second in (("part one", "part two"), ("Part I", "Part II")):
        one = {**part, "title": part["title"].replace("part one", first)}
        other = {**part, "title": part["title"].replace("part one", second), "issue": "3"}
        assert decision(one, other)[:2] == (2, "not duplicate")
    assert decision(part, {**part, "issue": "3"})[:2] == (1, "duplicate")


# One article as Mendeley and Zotero give it, and as Web of Science's older records print its
# title, with the number in digits (records 507 of mendeley.xml and 465 of zotero.bib and
# zotero_from_wos.ris in ../shared/benchmarks/exports).
HADLEY = {
    "title": "Spermatogenic arrest with azoospermia in two Welsh Springer Spaniels.",
    "authors": "Hadley, J. C.",
    "year": "1972",
    "journal": "The Journal of small animal practice",
    "volume": "13",
    "issue": "3",
    "pages": "135-138",
    "doi": "10.1111/j.1748-5827.1972.tb06321.x",
    "type": "JOUR",
}
HADLEY_WOS = {
    **HADLEY,
    "title": "SPERMATOGENIC ARREST WITH AZOOSPERMIA IN 2 WELSH SPRINGER SPANIELS",
    "authors": "HADLEY, JC",
    "journal": "JOURNAL OF SMALL ANIMAL PRACTICE",
    "pages": "135-&",
}


def test_a_number_in_words_and_the_same_number_in_digits_are_one_number():
    # With a third copy, the group check reads the titles' numbers too, and split the
    # Web of Science copy off its group for "different numbers".
    result = deduplicated(HADLEY, HADLEY_WOS, {**HADLEY_WOS, "authors": "Hadley, J. C."})
    assert result.group.tolist() == [0, 0, 0]
    assert not result.splits
    # Without a DOI, where the last pages do not make a whole citation, only the titles'
    # numbers could tell the two apart, and they are the same.
    for title, other in (("in three", "IN 3"), ("of the third", "OF THE 3RD")):
        a = {**HADLEY, "title": f"Stomatitis {title} Cavalier King Charles spaniels", "doi": ""}
        b = {**HADLEY_WOS, "title": f"STOMATITIS {other} CAVALIER KING CHARLES SPANIELS"}
        assert decision(a, {**b, "doi": ""})[:2] == (1, "duplicate")
    # Different numbers stay different, in words or in digits.
    two_dogs = {**HADLEY, "doi": "", "pages": "135-138"}
    three_dogs = {**HADLEY_WOS, "doi": "", "title": HADLEY_WOS["title"].replace(" 2 ", " 3 ")}
    assert decision(two_dogs, three_dogs)[:2] == (2, "not duplicate")


def test_a_supplement_marker_in_the_issue_does_not_split_a_record():
    supplement = {**ARTICLE, "issue": "Suppl. 1", "pages": "45-52", "journal": "Br J Anaesth"}
    assert decision({**ARTICLE, "issue": "Suppl 1"}, supplement)[:2] == (1, "duplicate")


def test_a_first_page_off_by_one_with_all_else_equal_does_not_split_a_record():
    off = {**ARTICLE, "pages": "46-52", "journal": "Br J Anaesth"}
    assert decision({**ARTICLE, "pages": "45-52"}, off)[:2] == (1, "duplicate")


def test_a_first_page_off_by_one_under_different_authors_is_not_merged():
    other = {**ARTICLE, "pages": "46", "authors": "Sato, Kenji\nMoreau, Claire"}
    groups, verdict, _ = decision({**ARTICLE, "pages": "45"}, other)
    assert groups == 2
    assert verdict != "duplicate"


# --- 5: preprints ---------------------------------------------------------------------------

# A Genome Research article (IEBH/dedupe-sweep, test/data/copper.xml at 14ca6b6, record
# rn_233): Cold Spring Harbor registers its journals' DOIs under bioRxiv's prefix.
GENOME_RESEARCH = {
    "title": "Detection of vancomycin-resistant Enterococcus faecium hospital-adapted lineages"
    " in municipal wastewater treatment plants indicates widespread distribution and release"
    " into the environment",
    "authors": "Gouliouris, T.\nRaven, K. E.\nMoradigaravand, D.\nLudden, C.\nColl, F.",
    "year": "2019",
    "journal": "Genome Research",
    "volume": "29",
    "issue": "4",
    "pages": "626-634",
    "doi": "10.1101/gr.232629.117",
    "type": "JOUR",
}

# A conference paper from two sources (../shared/benchmarks/dedup/colrev_digital_work.ris,
# records id_1006976 and id_2006977): one carries the DOI of the paper's SSRN posting.
ICIS_PAPER = {
    "title": "Gender Wage Gap in Online Gig Economy and Gender Differences in Job Preferences",
    "authors": "Liang, Chen\nHong, Yili\nGu, Bin\nPeng, Jing",
    "year": "2018",
    "journal": "International Conference on Information Systems",
    "pages": "1-17",
    "type": "CONF",
}


@pytest.mark.parametrize(
    ("doi", "preprint"),
    [
        ("10.1101/gr.232629.117", False),
        ("10.1101/gad.1234509", False),
        ("10.1101/cshperspect.a012345", False),
        ("10.1101/2023.04.18.23288775", True),
        ("10.1101/123456", True),
        ("10.2139/ssrn.3266249", True),
        ("10.48550/arxiv.2401.02456", True),
        ("10.21203/rs.3.rs-123456/v1", True),
        ("10.31234/osf.io/n9eba", True),
    ],
)
def test_a_journal_article_under_a_preprint_servers_prefix_is_not_a_preprint(doi, preprint):
    # Without its DOI the article is still the same article; a posting on a server is a
    # version of it, linked.
    bare = {**GENOME_RESEARCH, "doi": "", "journal": "Genome Res"}
    if preprint:
        posting = {**GENOME_RESEARCH, "doi": doi, "journal": "", "volume": "", "issue": ""}
        posting["pages"] = ""
        assert decision(bare, posting)[:2] == (2, "linked version")
    else:
        assert decision(bare, {**GENOME_RESEARCH, "doi": doi})[:2] == (1, "duplicate")


def test_a_doi_names_a_preprint_by_its_servers_form():
    # Records that name no venue (a reference manager's bare entry): the DOI alone tells.
    # A Cold Spring Harbor monograph's chapter (087969693.41.673) is no posting either.
    dois = ["10.1101/gr.232629.117", "10.1101/gad.1234509", "10.1101/2023.04.18.23288775",
            "10.1101/123456", "10.2139/ssrn.3266249", "10.1111/jcpp.13012",
            "10.1101/2020.01.01.123456v1.full", "10.1101/087969693.41.673",
            "10.22541/essoar.171052482.22663736/v1", "10.26434/chemrxiv-2022-abc12",
            "10.2196/preprints.45678", "10.2196/45678"]  # fmt: skip
    table = records(*({"title": GENOME_RESEARCH["title"], "doi": doi} for doi in dois))
    marked = (prepare(table).markers & PREPRINT) != 0
    assert marked.tolist() == [
        False, False, True, True, True, False, True, False, True, True, True, False
    ]  # fmt: skip


def test_a_record_naming_its_venue_is_that_publication_whatever_server_its_doi_names():
    with_ssrn = {**ICIS_PAPER, "doi": "10.2139/SSRN.3266249"}
    assert decision(ICIS_PAPER, with_ssrn)[:2] == (1, "duplicate")


@pytest.mark.parametrize(
    "venue", ["", "SSRN Electronic Journal", "medRxiv", "ChemRxiv", "Res Sq", "Preprints.org"]
)
def test_a_record_naming_no_venue_or_the_server_is_the_posting(venue):
    posting = {**GENOME_RESEARCH, "doi": "10.1101/2018.11.02.18012345", "journal": venue}
    posting |= {"volume": "", "issue": "", "pages": ""}
    groups, verdict, reason = decision({**GENOME_RESEARCH, "doi": ""}, posting)
    assert (groups, verdict) == (2, "linked version")
    assert "preprint" in reason


# An SSRN posting as SSRN's citation gives it, and the article as published.
POSTING = {
    "title": "Selecting and testing asset pricing models: a stepwise approach",
    "authors": "Feng, Guanhao\nLan, Wei\nWang, Hansheng\nZhang, Jun",
    "year": "2024",
    "journal": "Management Science, Forthcoming",
    "doi": "10.2139/ssrn.4502439",
    "type": "article",
}
PUBLISHED = {
    **POSTING,
    "journal": "Management Science",
    "volume": "70",
    "issue": "9",
    "pages": "5912-5931",
    "doi": "",
    "type": "JOUR",
}


def test_a_posting_naming_the_journal_it_will_appear_in_is_still_the_posting():
    groups, verdict, reason = decision(POSTING, PUBLISHED)
    assert (groups, verdict) == (2, "linked version")
    assert "preprint" in reason


# arXiv's own BibTeX export of a posting (its "Export BibTeX citation" form): the eprint's
# number, its archive and its address; no DOI, no journal. The same posting from a database,
# and the paper as published.
ARXIV_BIBTEX = """@misc{wu2024recursivepacbayes,
      title={Recursive PAC-Bayes: A Frequentist Approach to Sequential Prior Updates with No Information Loss},
      author={Yi-Shan Wu and Yijie Zhang and Badr-Eddine Ch\\'{e}rief-Abdellatif and Yevgeny Seldin},
      year={2024},
      eprint={2405.14681},
      archivePrefix={arXiv},
      primaryClass={cs.LG},
      url={https://arxiv.org/abs/2405.14681},
}
"""
ARXIV_RECORD = {
    "title": "Recursive PAC-Bayes: A Frequentist Approach to Sequential Prior Updates with No"
    " Information Loss",
    "authors": "Wu, Yi-Shan\nZhang, Yijie\nChérief-Abdellatif, Badr-Eddine\nSeldin, Yevgeny",
    "year": "2024",
    "journal": "arXiv",
    "doi": "10.48550/arXiv.2405.14681",
    "type": "JOUR",
}
PUBLISHED_PAPER = {**ARXIV_RECORD, "journal": "Journal of Machine Learning Research", "doi": ""}
PUBLISHED_PAPER |= {"volume": "25", "issue": "3", "pages": "1-40"}


def _arxiv_bibtex(tmp_path) -> dict[str, str]:
    path = tmp_path / "arxiv.bib"
    path.write_text(ARXIV_BIBTEX, encoding="utf-8")
    parsed = read_export(path, "arxiv.bib")
    [record] = [standardise(r.fields, parsed.format) for r in parsed.records]
    return record


def test_a_posting_known_by_its_servers_address_is_a_posting(tmp_path):
    posting = _arxiv_bibtex(tmp_path)
    assert (posting["journal"], posting["doi"]) == ("", "")
    # the same posting from a database is never taken for another version of it
    assert decision(posting, ARXIV_RECORD)[1] in {"duplicate", "uncertain"}
    groups, verdict, reason = decision(posting, PUBLISHED_PAPER)
    assert (groups, verdict) == (2, "linked version")
    assert "preprint" in reason
    # two postings alike but for their numbers are two postings
    other = {**posting, "url": "https://arxiv.org/abs/2405.14699"}
    assert decision(posting, other)[:2] != (1, "duplicate")


@pytest.mark.parametrize(
    ("fields", "preprint"),
    [
        ({"url": "https://arxiv.org/abs/2405.14681"}, True),
        ({"url": "http://export.arxiv.org/pdf/2405.14681v2"}, True),
        ({"url": "https://arxiv.org/html/2405.14681v1"}, True),
        ({"url": "https://www.medrxiv.org/content/10.1101/2021.04.15.21255562v1"}, True),
        ({"url": "https://www.biorxiv.org/cgi/content/short/2020.01.01.123456v1"}, True),
        ({"url": "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=4502439"}, True),
        ({"url": "https://papers.ssrn.com/sol3/Delivery.cfm/SSRN_ID4502439_code1.pdf"
                 "?abstractid=4502439&mirid=1"}, True),
        ({"url": "https://www.researchsquare.com/article/rs-123456/v1"}, True),
        ({"url": "https://lens.org/112-464-841-298-734\nhttps://arxiv.org/abs/2010.12421"}, True),
        ({"url": "https://arxiv.org/abs/2405.14681", "journal": "arXiv"}, True),
        # the article's own DOI names the work, whatever its links include
        ({"url": "https://arxiv.org/abs/2010.12421", "doi": "10.1002/9781394172092.ch8"}, False),
        # a record naming a venue is that publication: Google Scholar gives a published
        # paper the address of its free copy, with no DOI, volume or pages
        ({"url": "https://arxiv.org/abs/1706.03762", "type": "PDF",
          "journal": "Advances in neural information processing systems"}, False),
        ({"url": "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=2345678",
          "journal": "The Journal of Finance", "volume": "ahead-of-print"}, False),
        # a conference paper, a chapter: publications of their own
        ({"url": "https://arxiv.org/abs/1706.03762", "type": "CPAPER"}, False),
        ({"url": "https://arxiv.org/abs/1706.03762", "type": "CHAP"}, False),
        ({"url": "https://arxiv.org/help/bibtex"}, False),
        ({"url": "https://lens.org/112-464-841-298-734"}, False),
    ],
)  # fmt: skip
def test_a_servers_address_marks_a_posting_only_where_the_record_names_nothing_else(
    fields, preprint
):
    table = records({"title": ARXIV_RECORD["title"], **fields})
    assert bool(prepare(table).markers[0] & PREPRINT) == preprint


def test_one_posting_under_two_names_of_its_server_is_one_record():
    # DBLP names every arXiv paper "CoRR", its volume "abs/<arXiv id>"; Dimensions "arXiv".
    arxiv = {**POSTING, "doi": "10.48550/arXiv.2305.18290", "journal": "arXiv", "type": "JOUR"}
    dblp = {**arxiv, "journal": "CoRR", "volume": "abs/2305.18290", "type": "article"}
    assert decision(arxiv, dblp)[:2] == (1, "duplicate")


# CAB Abstracts lists one title of J. Med. Plants Res. in two issues of volume 4, and a
# reference manager's copy without the issue matches both (CiteSource, commit ea6f159,
# vignettes/working_example_data/CAB.ris records 264 and 267 and TiAb.ris record 1299;
# abstracts and short titles left out).
CAB_TWO_ISSUES_RIS = """TY  - JOUR
AU  - Hassan, Sher
AU  - Al-Yemeni, M.
AU  - Hazrat, Sher
IS  - 12
PY  - 2010
SN  - 1996-0875
SP  - 1197-1208
T2  - Journal of Medicinal Plants Research
TI  - Forest resource utilization assessment for economic development of rural community in northern parts of Pakistan
VL  - 4
ID  - 3778
ER  -

TY  - JOUR
AU  - Hassan, Sher
AU  - Mohammad, Al-Yemeni
AU  - Hazrat, Sher
IS  - 17
PY  - 2010
SN  - 1996-0875
SP  - 1786-1798
T2  - Journal of Medicinal Plants Research
TI  - Forest resource utilization assessment for economic development of rural community in northern parts of Pakistan
VL  - 4
ID  - 3781
ER  -
"""
TIAB_NO_ISSUE_RIS = """TY  - JOUR
AU  - Sher, Hassan
AU  - Al-Yemeni, M.
AU  - Sher, Hazrat
KW  - eppi-reviewer4
PY  - 2010
SP  - 1197-1208
T2  - Journal of Medicinal Plants Research
TI  - Forest resource utilization assessment for economic development of rural community in northern parts of Pakistan
VL  - 4
ID  - 8735
ER  -
"""


def test_two_issues_of_one_volume_stay_two_works_when_a_copy_without_issue_matches_both(
    tmp_path,
):
    table = read_exports(tmp_path, {"cab.ris": CAB_TWO_ISSUES_RIS, "tiab.ris": TIAB_NO_ISSUE_RIS})
    result = deduplicated(*table.to_dict("records"))
    decisions = {
        (r.record_a, r.record_b): (r.decision, r.reason) for r in result.pairs.itertuples()
    }
    # The copy without an issue matches each: the same citation as the first, and the same
    # long title, authors, journal and volume as the second.
    assert decisions[("3778", "8735")] == ("duplicate", "same citation")
    assert decisions[("3781", "8735")][0] == "duplicate"
    assert decisions[("3778", "3781")][0] == "not duplicate"
    # The group is split at the link whose records disagree on their pages.
    assert result.group.tolist() == [0, 1, 0]
    [split] = result.splits
    assert "two issues of volume 4 (12, 17)" in split.why
    assert split.removed == ("8735 - 3781",)


def test_one_issue_with_two_paginations_stays_one_group(tmp_path):
    # Print and online pagination of one issue: pages that differ in the same issue are
    # one article, as the pair rules hold, and the group is not split.
    one_issue = CAB_TWO_ISSUES_RIS.replace("IS  - 17", "IS  - 12")
    table = read_exports(tmp_path, {"cab.ris": one_issue, "tiab.ris": TIAB_NO_ISSUE_RIS})
    result = deduplicated(*table.to_dict("records"))
    assert result.group.tolist() == [0, 0, 0]
    assert not result.splits


# One MDPI article as Lens gives it (its title as published) and as Dimensions and Web of
# Science give it (without "Part 1"), all with its DOI (CiteSource, commit ea6f159,
# vignettes/new_stage_data/lens_343.ris record 241, Dimensions_246.ris record 210 and
# wos_278.ris record 79; abstracts, keywords and links left out).
BUSHFIRE_LENS_RIS = """TY  - JOUR
AU  - Strahan, Kenneth William
AU  - Gilbert, John
DA  - 2021/02/01
DO  - 10.3390/fire4010004
ID  - 126-720-011-004-002
IS  - 1
JF  - Fire
PB  - MDPI AG
PY  - 2021
SN  - 25716255
SP  - 4
TI  - Protective Decision-Making in Bushfire Part 1: A Rapid Systematic Review of the \u2018Wait and See\u2019 Literature
VL  - 4
ER  -
"""  # noqa: E501
BUSHFIRE_DIMENSIONS_RIS = """TY  - JOUR
AN  - pub.1135057544
TI  - The Wait and See Literature: A Rapid Systematic Review
AU  - Strahan, Kenneth
AU  - Gilbert, John
PY  - 2021
JO  - Fire
VL  - 4
IS  - 1
SP  - 4
DO  - 10.3390/fire4010004
ER  -
"""
BUSHFIRE_WOS_RIS = """TY  - JOUR
AU  - Strahan, K
AU  - Gilbert, J
TI  - The Wait and See Literature: A Rapid Systematic Review
T2  - FIRE-SWITZERLAND
SN  - 2571-6255
DA  - MAR
PY  - 2021
VL  - 4
IS  - 1
C7  - 4
DO  - 10.3390/fire4010004
AN  - WOS:000639383800001
ER  -
"""


def test_a_shared_doi_keeps_a_title_without_the_part_number_in_its_group(tmp_path):
    files = {
        "lens.ris": BUSHFIRE_LENS_RIS,
        "dimensions.ris": BUSHFIRE_DIMENSIONS_RIS,
        "wos.ris": BUSHFIRE_WOS_RIS,
    }
    result = deduplicated(*read_exports(tmp_path, files).to_dict("records"))
    assert result.group.tolist() == [0, 0, 0]
    assert not result.splits


def test_a_shared_doi_does_not_join_two_numbered_parts(tmp_path):
    # The same DOI given to the second part as well: both titles hold numbers, and they
    # differ, so the two parts are split however the third record joins them.
    part_2 = BUSHFIRE_LENS_RIS.replace("Part 1", "Part 2").replace(
        "ID  - 126-720-011-004-002", "ID  - 126-720-011-004-003"
    )
    files = {
        "lens.ris": BUSHFIRE_LENS_RIS + "\n" + part_2,
        "dimensions.ris": BUSHFIRE_DIMENSIONS_RIS,
    }
    result = deduplicated(*read_exports(tmp_path, files).to_dict("records"))
    part_1_group, part_2_group, _ = result.group.tolist()
    assert part_1_group != part_2_group
    [split] = result.splits
    assert split.why == "their titles hold different numbers"


# One AGRIS record as AGRIS gives it and as a reference manager's file gives it, neither
# with the journal's name (CiteSource, commit ea6f159, vignettes/working_example_data/AGRIS.ris
# record 1 and RM.ris record 19; keywords after the first left out).
AGRIS_NO_JOURNAL_RIS = """TY  - JOUR
AB  - NA
AU  - Ahmad, S. S.
AU  - Husain, S. Z.
KW  - species
PY  - 2008
ST  - Ethno medicinal survey of plants from salt range (Kallar Kahar) of Pakistan
TI  - Ethno medicinal survey of plants from salt range (Kallar Kahar) of Pakistan
VL  - v. 40
ID  - 4202
ER  -
"""
RM_NO_JOURNAL_RIS = """TY  - GEN
AB  - NA
AU  - Ahmad, S. S.
AU  - Husain, S. Z.
KW  - drug plants
PY  - 2008
ST  - Ethno medicinal survey of plants from salt range (Kallar Kahar) of Pakistan
TI  - Ethno medicinal survey of plants from salt range (Kallar Kahar) of Pakistan
VL  - v. 40
ID  - 4305
ER  -
"""


def test_a_volume_agrees_where_neither_record_names_its_journal(tmp_path):
    # Nothing disagrees: the same title, authors, year and volume, and no journal name on
    # either side to be compatible or not.
    files = {"agris.ris": AGRIS_NO_JOURNAL_RIS, "rm.ris": RM_NO_JOURNAL_RIS}
    result = deduplicated(*read_exports(tmp_path, files).to_dict("records"))
    [pair] = result.pairs.itertuples()
    assert (pair.decision, pair.reason) == ("duplicate", "title, authors and volume")


def test_a_journal_named_on_one_side_only_is_not_known_to_agree(tmp_path):
    # One record names a journal and the other does not: the volume may be another
    # journal's, so the pair stays a question, as before.
    named = AGRIS_NO_JOURNAL_RIS.replace(
        "VL  - v. 40", "VL  - v. 40\nT2  - Pakistan Journal of Botany"
    )
    files = {"agris.ris": named, "rm.ris": RM_NO_JOURNAL_RIS}
    result = deduplicated(*read_exports(tmp_path, files).to_dict("records"))
    [pair] = result.pairs.itertuples()
    assert pair.decision == "uncertain"


def test_two_issues_of_one_volume_stay_one_work_where_they_share_a_pubmed_id(tmp_path):
    # A PubMed id names one work as a DOI does: the two placements are a database's error,
    # and the pair rule that merged the two by their identifier stands.
    pmid = "AN  - 20000000\nDB  - MEDLINE\n"
    both = CAB_TWO_ISSUES_RIS.replace("ID  - 3778\n", f"ID  - 3778\n{pmid}").replace(
        "ID  - 3781\n", f"ID  - 3781\n{pmid}"
    )
    table = read_exports(tmp_path, {"cab.ris": both, "tiab.ris": TIAB_NO_ISSUE_RIS})
    result = deduplicated(*table.to_dict("records"))
    assert result.group.tolist() == [0, 0, 0]
    assert not result.splits


def test_two_issues_starting_at_page_1_are_not_placed_by_their_pages(tmp_path):
    # Page 1 is where every electronic article of an issue starts: pages from 1 place
    # nothing, so they do not make two works.
    from_one = CAB_TWO_ISSUES_RIS.replace("SP  - 1197-1208", "SP  - 1-12")
    copy = TIAB_NO_ISSUE_RIS.replace("SP  - 1197-1208", "SP  - 1-12")
    table = read_exports(tmp_path, {"cab.ris": from_one, "tiab.ris": copy})
    result = deduplicated(*table.to_dict("records"))
    assert not any("two issues" in split.why for split in result.splits)


@pytest.mark.parametrize("nothing", ["NA", "ahead-of-print", "Epub ahead of print", "In press"])
def test_volumes_that_say_there_is_none_do_not_agree(tmp_path, nothing):
    # R writes an empty volume as NA, a record ahead of print names none: two such records
    # without a journal are not placed in one volume, and stay a question.
    files = {
        "agris.ris": AGRIS_NO_JOURNAL_RIS.replace("VL  - v. 40", f"VL  - {nothing}"),
        "rm.ris": RM_NO_JOURNAL_RIS.replace("VL  - v. 40", f"VL  - {nothing}"),
    }
    result = deduplicated(*read_exports(tmp_path, files).to_dict("records"))
    [pair] = result.pairs.itertuples()
    assert pair.decision == "uncertain"
