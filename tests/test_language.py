"""The reports' language: the label table, the choice of language, and the diagram drawn in
every supported language without a line leaving its box."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from searchtrail.counts.number import Count
from searchtrail.errors import ReviewError
from searchtrail.pipeline import assess
from searchtrail.reports.language import (
    NO_BREAK,
    PHRASES,
    Words,
    label,
    label_keys,
    label_text,
    language_info,
    language_of_tag,
    placeholders,
    report_language,
    supported_languages,
)
from searchtrail.reports.prisma import build_prisma_reports, footnotes
from searchtrail.reports.prisma.diagram import (
    INDENT,
    MARGIN,
    PAD_X,
    PHASE_PAD,
    BoxSpec,
    Line,
    render_svg,
)
from searchtrail.reports.prisma.textwidth import text_width, wrap
from searchtrail.schemas import load_schema
from searchtrail.searchlog import RECORD_FILE, load_review
from tests.conftest import EXAMPLE, counts_of
from tests.test_prisma import box_texts, in_language

SVG = "{http://www.w3.org/2000/svg}"
LANGUAGES = supported_languages()


# --- the label table --------------------------------------------------------------------------


def test_the_seven_languages_are_supported():
    assert LANGUAGES == ("en", "nb", "sv", "da", "de", "fr", "es")


@pytest.mark.parametrize("key", label_keys())
def test_every_label_has_every_language_with_the_same_placeholders(key):
    english = placeholders(label_text(key, "en"))
    for language in LANGUAGES:
        text = label_text(key, language)
        assert text.strip(), (key, language)
        assert text == text.strip(), (key, language)
        assert placeholders(text) == english, (key, language)


def test_plural_labels_have_both_forms():
    keys = set(label_keys())
    for key in keys:
        stem, _, form = key.rpartition(".")
        if form in ("one", "other"):
            assert {f"{stem}.one", f"{stem}.other"} <= keys, key


def test_every_language_says_where_its_wording_comes_from():
    for language in LANGUAGES:
        source = language_info(language).source
        assert len(source) > 20, language
    assert "BMJ 2021;372:n71" in language_info("en").source
    assert "Rev Esp Cardiol" in language_info("es").source
    for language in ("nb", "sv", "da", "de", "fr"):
        assert language_info(language).source.startswith("Own translation"), language


def test_the_schema_allows_exactly_the_supported_languages():
    field = load_schema("review")["properties"]["report_language"]
    assert tuple(field["enum"]) == LANGUAGES
    assert field["x-expected"].endswith(", ".join(LANGUAGES))


def test_the_fixed_phrases_of_the_counts_are_the_english_labels():
    """The counts carry a few English phrases (parts of a box, why a stage waits); each has
    a translation whose English text is the phrase itself."""
    for phrase, key in PHRASES.items():
        assert label(key, "en") == phrase
        assert Words("nb").phrase(phrase) == label(key, "nb") != phrase
    assert Words("de").phrase("a phrase of its own") == "a phrase of its own"
    assert label("source.record_file", "en", id="x") == f"{RECORD_FILE} x"


@pytest.mark.parametrize(
    ("language", "small", "large"),
    [
        ("en", "9,331", "1,234,567"),
        ("nb", "9\u00a0331", "1\u00a0234\u00a0567"),
        ("sv", "9\u00a0331", "1\u00a0234\u00a0567"),
        ("da", "9.331", "1.234.567"),
        ("de", "9.331", "1.234.567"),
        ("fr", "9\u00a0331", "1\u00a0234\u00a0567"),
        ("es", "9331", "1.234.567"),
    ],
)
def test_numbers_are_grouped_as_each_language_writes_them(language, small, large):
    said = Words(language)
    assert (said.number(7), said.number(123), said.number(9331)) == ("7", "123", small)
    assert said.number(1234567) == large
    assert said.label("count.n", n=9331) == f"n{NO_BREAK}={NO_BREAK}{small}"


def test_plurals_follow_the_language():
    assert Words("en").searches(1) == f"1{NO_BREAK}search"
    assert Words("en").searches(0) == f"0{NO_BREAK}searches"
    assert Words("fr").searches(0) == f"0{NO_BREAK}recherche"
    assert Words("sv").searches(4) == f"4{NO_BREAK}sökningar"
    assert Words("de").plural("note.earlier_awaiting", 1).startswith("1 in einer früheren")


def test_counts_in_words():
    said = Words("nb")
    assert said.n_phrase(Count(5932, 4)).replace(NO_BREAK, " ") == "n = 5 932 + 4 søk uten antall"
    assert said.n_phrase(Count(None, 2)).replace(NO_BREAK, " ") == "n ikke oppgitt, 2 søk"
    assert said.describe(Count(None)) == "ikke oppgitt"
    assert said.awaiting(Count(33, 4)) == "venter på beslutning: 33 eller flere"
    assert Words("en").describe(Count(9331, 13)).replace(NO_BREAK, " ") == (
        "9,331 + 13 searches with no count"
    )


def test_an_unknown_language_or_label_is_an_error():
    with pytest.raises(ValueError, match="expected one of en, nb, sv, da, de, fr, es"):
        Words("xx")
    with pytest.raises(KeyError, match=r"no label 'box\.nothing'"):
        Words("en").label("box.nothing")


# --- which language a review's reports use ---------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "language"),
    [("nb", "nb"), ("nb-NO", "nb"), ("no", "nb"), ("sv-FI", "sv"), ("DE", "de"),
     ("nn", None), ("pt-BR", None), ("", None), (None, None)],
)  # fmt: skip
def test_a_language_tag_names_a_supported_language(tag, language):
    assert language_of_tag(tag) == language


def test_the_seed_review_is_norwegian_and_an_english_review_stays_english(
    seed_review, two_column_review
):
    assert report_language(seed_review) == "nb"
    assert report_language(two_column_review) == "en"
    assert report_language(in_language(two_column_review, "de")) == "de"
    assert report_language(in_language(seed_review, "en")) == "en"
    unsupported = in_language(seed_review, None)
    unsupported.metadata["language"] = "pt"
    assert report_language(unsupported) == "en"


def test_an_unsupported_report_language_is_refused_with_the_file_value_and_choices(example):
    review_file = example / "searches/review.yaml"
    text = review_file.read_text(encoding="utf-8")
    review_file.write_text(text.replace("language: en\n", "language: en\nreport_language: pt\n", 1),
                           encoding="utf-8")  # fmt: skip
    with pytest.raises(ReviewError) as caught:
        load_review(example)
    message = str(caught.value)
    assert "searches/review.yaml:5" in message
    assert "report_language" in message
    assert "'pt'" in message
    assert "en, nb, sv, da, de, fr, es" in message


def test_a_review_made_in_code_with_an_unsupported_report_language_is_refused(seed_review):
    with pytest.raises(ReviewError) as caught:
        report_language(in_language(seed_review, "Norwegian"))
    message = str(caught.value)
    assert "searches/review.yaml" in message
    assert "'Norwegian'" in message
    assert "en, nb, sv, da, de, fr, es" in message


# --- the diagram in the review's language ------------------------------------------------------


@pytest.fixture(scope="module")
def seed_svg(seed_review, seed_counts):
    return build_prisma_reports(seed_review, seed_counts).svg


def test_the_seed_review_draws_its_diagram_in_norwegian(seed_svg, seed_counts):
    assert 'xml:lang="nb" lang="nb"' in seed_svg
    texts = box_texts(seed_svg)
    assert texts["othstud"] == "Identifisering av studier via andre metoder"
    identification = texts["website_results"]
    assert identification.startswith("Referanser identifisert fra:")
    assert "Nettsteder (n = 5 932 + 4 søk uten antall)" in identification
    assert "Organisasjoner (n = 3 399 + 8 søk uten antall)" in identification
    assert "NICE (n = 1 239)" in identification
    assert "MFoF (n ikke oppgitt, 2 søk)" in identification
    assert "Andre kilder (n = 1) referansefil included (n = 1)" in identification
    assert texts["other_assessed"] == "Publikasjoner vurdert for inklusjon (n = 13)"
    assert "venter på beslutning: 33 eller flere" in texts["other_sought_reports"]
    assert texts["new_studies"] == (
        "Studier inkludert i oversikten (n = 1) Publikasjoner fra inkluderte studier (n = 1)"
    )
    for phase in ("Identifisering", "Screening", "Inkludert"):
        assert f">{phase}</text></g>" in seed_svg
    assert "PRISMA 2020-flytskjema: Sted, hyppighet" in seed_svg
    for english in ("Records identified", "Reports sought", "Included<", "with no count"):
        assert english not in seed_svg, english
    notes = [note.replace(NO_BREAK, " ") for note in footnotes(seed_counts, language="nb")]
    assert notes[0].startswith("«n = X + N søk uten antall»: X er summen")


def test_an_english_review_draws_its_diagram_in_english(two_column_review):
    svg = build_prisma_reports(two_column_review, counts_of(two_column_review)).svg
    assert 'xml:lang="en" lang="en"' in svg
    assert "Records identified from:" in svg
    assert ">Included</text></g>" in svg
    german = build_prisma_reports(
        in_language(two_column_review, "de"), counts_of(two_column_review)
    ).svg
    assert "Identifizierte Datensätze aus:" in german
    assert "Datenbanken (n = 800 + 1 Suche ohne Anzahl)" in german


def test_the_diagram_is_the_same_every_time_in_every_language(seed_review, seed_counts):
    for language in LANGUAGES:
        review = in_language(seed_review, language)
        first = build_prisma_reports(review, seed_counts)
        assert build_prisma_reports(review, seed_counts) == first, language


# --- nothing leaves its box ------------------------------------------------------------------


@pytest.fixture(scope="module")
def reviews(seed_review, seed_counts, two_column_review):
    """The seed review (other methods only), the two-column review and the worked example
    after its update (with the previous-studies lane), with their counts."""
    example = assess(EXAMPLE)
    return [
        (seed_review, seed_counts),
        (two_column_review, counts_of(two_column_review)),
        (example.review, example.counts),
    ]


def _root(svg: str) -> ET.Element:
    return ET.fromstring(svg.split("\n", 1)[1] if svg.startswith("<?xml") else svg)


def check_fits(svg: str, where: str) -> None:
    """Every line of every box is no wider than its box less the padding (and its indent);
    every phase bar is as long as its rotated label needs; every note fits the diagram."""
    root = _root(svg)
    for group in root.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        assert rect is not None
        left, width = float(rect.get("x")), float(rect.get("width"))
        for text in group.iter(f"{SVG}text"):
            content = "".join(text.itertext())
            size = float(text.get("font-size", "11"))
            measured = text_width(content, size, bold=text.get("font-weight") == "bold")
            if group.get("class") == "phase":
                needed = measured + 2 * PHASE_PAD
                assert needed <= float(rect.get("height")) + 0.05, (where, content)
                continue
            x = float(text.get("x"))
            if text.get("text-anchor") == "middle":
                assert measured <= width - 2 * PAD_X + 0.05, (where, content)
                continue
            indent = x - (left + PAD_X)
            assert indent >= -0.05, (where, content)
            assert abs(indent - round(indent / INDENT) * INDENT) < 0.05, (where, content)
            assert measured <= width - 2 * PAD_X - indent + 0.05, (where, content)
    page_width = float(root.get("width"))
    for text in root.findall(f"{SVG}text"):  # the notes, outside every box
        content = "".join(text.itertext())
        measured = text_width(content, float(text.get("font-size")))
        assert measured <= page_width - 2 * MARGIN + 0.05, (where, content)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_line_fits_its_box_in_every_language(language, reviews):
    for review, counts in reviews:
        reports = build_prisma_reports(in_language(review, language), counts)
        where = f"{language}: {review.title[:30]}"
        check_fits(reports.svg, where)
        inline = reports.html[reports.html.index("<svg") : reports.html.index("</svg>") + 6]
        check_fits(inline, where + " (page)")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_short_included_row_still_holds_its_phase_label(language):
    """A one-line box in the included row is shorter than the rotated 'Included' (and
    'Eingeschlossen' more so): the bar grows to hold the label."""
    spec = [BoxSpec("new_studies", "other", "included", (Line("x"),))]
    svg = render_svg(spec, title="t", language=language)
    check_fits(svg, language)
    included = label("phase.included", language)
    bar = next(g for g in _root(svg).iter(f"{SVG}g") if g.get("class") == "phase")
    assert "".join(bar.itertext()) == included
    height = float(bar.find(f"{SVG}rect").get("height"))
    assert height >= text_width(included, 12, bold=True) + 2 * PHASE_PAD - 0.05


def test_a_count_is_never_split_from_its_n():
    """However narrow the box, '(n = 1,234)' moves to the next line whole."""
    said = Words("en")
    line = f"Reports assessed for eligibility ({said.n_phrase(Count(1234))})"
    for width in range(70, 400, 7):  # from the width of "(n = 1,234)" on
        lines = wrap(line, width, 11)
        assert "(n\u00a0=\u00a01,234)" in lines[-1], (width, lines)
    german = f"Zur Beschaffung gesuchte Berichte ({Words('de').n_phrase(Count(5932, 4))})"
    for width in range(90, 400, 7):
        lines = wrap(german, width, 11)
        assert any("n\u00a0=\u00a05.932" in part for part in lines), (width, lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_line_of_the_diagram_ends_inside_a_count(language, reviews):
    for review, counts in reviews:
        svg = build_prisma_reports(in_language(review, language), counts).svg
        for text in _root(svg).iter(f"{SVG}text"):
            content = "".join(text.itertext())
            assert not re.search(r"\(n( =)?$|(^| )n =$", content), (language, content)
            assert not re.match(r"^= ", content), (language, content)
