"""Author names with particles, moved commas and compound surnames; identical grey-literature
reports. Realistic record pairs (docs/records.md, "Rules, vetoes and their reasons")."""

from __future__ import annotations

import pytest

from searchtrail.dedup import normalise
from tests.record_pairs import decision

# --- surnames as sets of significant parts ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Le Roux, M.", {"roux"}),
        ("Roux, M.", {"roux"}),
        ("Le, Roux M.", {"roux"}),  # the comma after the particle
        ("Le Roux M", {"roux"}),
        ("Garcia de la Torre, E.", {"garcia", "torre"}),
        ("de la Torre, E. G.", {"torre"}),
        ("García-López, José", {"garcia", "lopez"}),
        ("van der Berg, A.", {"berg"}),
        ("dos Santos, Maria", {"santos"}),
        ("Al-Rashid, K.", {"rashid"}),
        ("bin Abdullah, Ahmad", {"abdullah"}),
        ("J. W. Smith", {"smith"}),
    ],
)
def test_surname_parts_leave_particles_out(name, parts):
    assert normalise.surname_parts(name)[1] == frozenset(parts)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Le Roux, M.", "Roux, M."),
        ("Le, Roux M.", "Roux, M."),
        ("Le, Roux M.", "Le Roux, M."),
        ("Leroux, M.", "Le Roux, M."),  # particle joined
        ("Garcia de la Torre, E.", "de la Torre, E. G."),  # compound given in part
        ("Garcia de la Torre, E.", "Garcia, E."),
        ("Garcia-Lopez, J.", "Lopez, J."),
        ("van der Berg, A.", "Berg, A."),
        ("Vanderberg, A.", "van der Berg, A."),
    ],
)
def test_one_person_under_different_surname_forms(a, b):
    assert normalise.same_person(normalise.surname_parts(a), normalise.surname_parts(b))
    assert normalise.same_person(normalise.surname_parts(b), normalise.surname_parts(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Wang, Y.", "Ang, Y."),  # one name inside the other is not a particle dropped
        ("Lin, X.", "Li, X."),
        ("Garcia-Lopez, J.", "Garcia-Perez, J."),  # two compounds sharing one part
        ("de la Torre, E.", "de la Cruz, E."),  # only the particles in common
        ("Le Roux, M.", "Le Grand, M."),
    ],
)
def test_different_persons_stay_different(a, b):
    assert not normalise.same_person(normalise.surname_parts(a), normalise.surname_parts(b))


# --- the same comparison in the rules and in the veto ---------------------------------------

ARTICLE = {
    "title": "Hydrodynamic properties of rigid macromolecules in dilute solution",
    "authors": "Garcia de la Torre, E.",
    "year": "2018",
    "journal": "Biophysical Journal",
    "volume": "114",
    "issue": "6",
    "pages": "1289-1301",
    "type": "JOUR",
}


def test_a_compound_surname_given_in_part_is_the_same_author():
    # No score calls "garciadelatorre" and "delatorre, elena" alike; the name parts do.
    other = {**ARTICLE, "authors": "de la Torre, Elena G.", "issue": "", "pages": ""}
    groups, verdict, _ = decision(ARTICLE, other)
    assert (groups, verdict) == (1, "duplicate")


@pytest.mark.parametrize("authors", ["Le, Roux M.\nNaidoo, P.", "Roux, M.\nNaidoo, P."])
def test_a_dropped_or_misplaced_particle_is_the_same_author(authors):
    article = {**ARTICLE, "authors": "Le Roux, Marthinus\nNaidoo, Prashini"}
    other = {**article, "authors": authors, "issue": "", "pages": ""}
    groups, verdict, _ = decision(article, other)
    assert (groups, verdict) == (1, "duplicate")


def test_the_different_authors_veto_uses_name_parts():
    # Two letters printed on one page under close titles. "Tan" is written inside
    # "Stanton" but is another person: no particle was dropped, so the authors are different
    # and nothing else supports a merge.
    letter = {
        "title": "Vitamin D supplementation and falls in older adults",
        "authors": "Tan, K.",
        "year": "2020",
        "journal": "JAMA",
        "volume": "323",
        "pages": "1421-1422",
        "type": "JOUR",
    }
    other = {
        **letter,
        "title": "Vitamin D supplementation and falls in older people",
        "authors": "Stanton, K.",
    }
    groups, verdict, _ = decision(letter, other)
    assert groups == 2
    assert verdict != "duplicate"


def test_a_particle_alone_does_not_make_authors_alike():
    letter = {**ARTICLE, "authors": "de la Cruz, R.", "issue": "", "pages": "1289"}
    other = {
        **letter,
        "authors": "de la Torre, E.",
        "title": "Hydrodynamic properties of rigid macromolecules in dilute solutions",
    }
    groups, verdict, _ = decision(letter, other)
    assert groups == 2
    assert verdict != "duplicate"


# --- identical grey-literature reports ------------------------------------------------------

REPORT = {
    "title": "Guidelines for the management of symptomatic sexually transmitted infections",
    "authors": "World Health Organization",
    "year": "2021",
    "publisher": "World Health Organization",
    "url": "https://www.who.int/publications/i/item/9789240024168",
    "type": "RPRT",
}


def test_the_same_report_exported_twice_is_merged():
    again = {**REPORT, "url": "http://who.int/publications/i/item/9789240024168/"}
    assert decision(REPORT, again) == (1, "duplicate", "same report")


def test_the_same_report_without_authors_is_merged_only_by_its_address():
    """Without authors, the address is what places a report: two with the same one merge;
    with one address missing, only the publisher is left, which may have issued two
    editions that year, so a person decides."""
    plain = {**REPORT, "authors": ""}
    assert decision(plain, dict(plain)) == (1, "duplicate", "same report")
    no_address = {**plain, "url": ""}
    found = decision(plain, no_address)
    assert found[0] == 2
    assert found[1] == "uncertain"


@pytest.mark.parametrize(
    "change",
    [
        {"year": "2016"},  # an earlier edition
        {"url": "https://www.who.int/publications/i/item/9789240024169"},  # another document
        {"publisher": "UNAIDS", "url": ""},
        {"authors": "UNAIDS"},
    ],
)
def test_reports_that_differ_are_not_merged_as_one(change):
    groups, verdict, reason = decision(REPORT, {**REPORT, **change})
    assert reason != "same report"
    assert groups == 2
    assert verdict != "duplicate"  # a person may be asked, as before


def test_a_short_generic_report_title_is_not_enough():
    annual = {**REPORT, "title": "Annual report 2021"}
    # Identical in every field, but a title this short names many documents.
    groups, verdict, reason = decision(annual, {**annual})
    assert reason != "same report"
    assert groups == 2
    assert verdict != "duplicate"


def test_a_journal_article_is_not_compared_as_a_report():
    article = {**REPORT, "journal": "Weekly Epidemiological Record", "type": "JOUR"}
    _, _, reason = decision(article, {**article})
    assert reason != "same report"
