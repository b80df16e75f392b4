"""Normalised matching fields, so that two records of one publication look alike.

Every function here takes what an export holds and returns a comparable form:

- text: HTML entities and tags removed, Greek letters spelt out (``α`` as ``alpha``, as
  databases write them), other scripts transliterated to ASCII (anyascii), lower case,
  punctuation to spaces;
- titles: also without the notes databases write into them (``[Chinese]``, ``[Article in
  German]``, ``[Review]``, ``[Erratum appears in …]``, ``[Comment on …]``, the correction
  forms of Web of Science, ``Title (vol 12, pg 345, 2019)``, and of Embase and Scopus,
  ``Title (Journal (2019) 12 (345-350))``), which :func:`title_notes` gives as fields;
- surnames: also as sets of significant parts, without particles (``Le Roux`` and
  ``Roux``; ``Garcia de la Torre`` and ``de la Torre``), see :func:`same_person`;
- authors: surname and initials (``Smith, J. W., 2nd``, ``Smith JW`` and ``J. W. Smith`` all
  give ``smith`` + ``jw``);
- journals: without a leading "The", parenthesised places, "[Electronic Resource]" and
  conference notes, ``&`` and ``+`` as "and"; :func:`journal_agreement` also accepts an
  abbreviation of the other (``Am J Trop Med Hyg`` and ``American Journal of Tropical
  Medicine and Hygiene``);
- pages: the first page, with ``123-9`` read as 123-129 and any dash as a hyphen;
- DOIs: lower case, without ``https://doi.org/``, ``doi:`` or URL escapes;
- abstracts: as text, without the rights statement a database or publisher appends
  (``© 2020 Elsevier Ltd. All rights reserved.``), and none where the field holds fewer
  than :data:`ABSTRACT_WORDS` words (``No abstract available``) or no digit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final
from urllib.parse import unquote

from anyascii import anyascii

from searchtrail.folding import NON_ALNUM as _NON_ALNUM
from searchtrail.folding import fold

_TRAILING_NOTE: Final = re.compile(r"\s*\[[^\[\]]{1,40}\]\s*\.?\s*$")
# Notes MEDLINE adds to titles: "[Erratum appears in N Engl J Med 2005;352:2146]", ...
_NOTE_WORDS: Final = (
    r"(?:published )?(?:erratum|errata|retraction|retracted|comment|comments|corrected and "
    r"republished|republished|update|updated|expression of concern|see comment|"
    r"summary for patients)"
)
_MEDLINE_NOTE: Final = re.compile(rf"\s*\.?\s*[\[(]\s*{_NOTE_WORDS}\b", re.IGNORECASE)
# Web of Science names a correction by its article's title and citation:
# "Title of the article (vol 12, pg 345, 2019)".
_WOS_CORRECTION: Final = re.compile(
    r"\s*[(\[]\s*vol\.?\s*\w+\s*,\s*(?:(?:pg|pp?|art\.?\s*no)\.?\s*)?\w+\s*,"
    r"\s*(?:19|20)\d\d\s*[)\]]\s*\.?\s*$",
    re.IGNORECASE,
)
# Embase and Scopus name a correction by its article's title and citation, the journal with
# the year, volume (and issue) and pages: "Title (New England Journal of Medicine (2009) 360
# (542-544))", "Title (PLoS ONE (2014) 9, 4 (e94700) DOI: 10.1371/journal.pone.0094700)".
_CITATION_CORRECTION: Final = re.compile(
    r"\s*\(\s*[^()]{2,200}?\s*\(\s*(?:19|20)\d\d\s*\)\s*\d[\w.\-]*(?:\s*[,:]?\s*\w[\w.\-]*){0,3}"
    r"\s*\(\s*[a-z]{0,3}\d[\w.,\-– ]{0,30}\)\s*(?:DOI:?\s*[^()\s][^()]*)?\)\s*\.?\s*$",
    re.IGNORECASE,
)
_CORRECTION_FORMS: Final = (_WOS_CORRECTION, _CITATION_CORRECTION)
# Notes saying what the record itself is, not what happened to it later.
_NOTE_KINDS: Final = (
    ("comment_on", re.compile(r"\[\s*(?:comment|commentary) on\b[^\[\]]*\]?", re.IGNORECASE)),
    (
        "erratum_in",
        re.compile(r"\[\s*(?:published )?errat(?:um|a) (?:appears )?in\b[^\[\]]*\]?", re.I),
    ),
    ("review", re.compile(r"\[\s*review\s*\]", re.IGNORECASE)),
)
_LANGUAGE_NOTE: Final = re.compile(
    r"\[\s*(?:[Aa]rticle in\s+)?([A-Z][a-z]+(?:[ -][A-Z]?[a-z]+)?)\s*\]", re.UNICODE
)
ANY_TITLE_NOTE: Final = re.compile(
    "|".join(
        f"(?:{pattern.pattern})"
        for pattern in (
            *_CORRECTION_FORMS,
            *(pattern for _, pattern in _NOTE_KINDS),
            _LANGUAGE_NOTE,
        )
    ),
    re.IGNORECASE,
)
"""Found in every title :func:`title_notes` finds a note in (and in some others): the notes'
patterns, any case."""
_YEAR_WORD: Final = re.compile(r"\b(?:19|20)\d\d\b")
_LEADING_BRACKET: Final = re.compile(r"^\s*\[(.*)\]\s*\.?\s*$")
_DASHES: Final = re.compile(r"[\u2010-\u2015\u2212\u00ad~]")
_DOI_PREFIX: Final = re.compile(
    r"^(?:https?://)?(?:dx\.)?(?:doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE
)
_DOI_BODY: Final = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_PAGE_START: Final = re.compile(r"[a-z]*\d+[a-z]*")
_GARBLED_PAGES: Final = re.compile(
    r"^\s*[a-z]+\s*-\s*\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b"
)
_RANGE: Final = re.compile(r"([a-z]*)(\d+)[a-z]*(?:\s*-+\s*[a-z]*(\d+))?")
# Pages written as digits alone, or two numbers and a hyphen ("123", "123-9").
_PLAIN_RANGE: Final = re.compile(r"(\d+)(?:-(\d+))?")
_ARTICLE_NUMBER: Final = re.compile(
    r"^\s*(?:unsp|art(?:icle)?\.?\s*(?:no\.?|number)?)\s*", re.IGNORECASE
)
# DOIs that name a database entry, not the article: Cochrane CENTRAL's records.
_NOT_ARTICLE_DOIS: Final = ("10.1002/central/",)
_ORDINAL: Final = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth|twentieth|thirtieth|"
    r"fortieth|fiftieth|annual)\b"
)
_PROCEEDINGS: Final = re.compile(
    r"^\s*(?:the\s+)?proceedings(?:\s+of)?(?:\s+the)?\b|\bproceedings\s*$"
)
# A journal name followed by a conference note: "Heart. Conference: British ..."
_CONFERENCE: Final = re.compile(r"[.:;,]\s*(?:conference|meeting|congress|symposium|annual)\b.*$")
_CONFERENCE_WORD: Final = re.compile(r"^conference\b\s*:?\s*")
_MEETING_NAME: Final = re.compile(
    r"\b(?:conference|congress|meeting|symposium|workshop|colloquium|summit|convention)\b"
)
_PARENS: Final = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_JOURNAL_STOP: Final = frozenset({
    "of", "and", "the", "in", "for", "on", "a", "an", "de", "d", "la", "le", "l", "les", "des",
    "du", "del", "della", "et", "y", "e", "und", "fur", "der", "die", "das", "och", "og", "i",
})  # fmt: skip
_AUTHOR_SUFFIX: Final = frozenset({"jr", "sr", "ii", "iii", "iv", "2nd", "3rd", "phd", "md"})


def title(text: str) -> str:
    """A title in comparable form."""
    if not text:
        return ""
    if "[" in text or "(" in text:
        for form in _CORRECTION_FORMS:
            text = form.sub("", text) or text
        note = _MEDLINE_NOTE.search(text)
        if note and note.start() > 10:  # the note runs to the end of the title
            text = text[: note.start()]
    if "[" in text:
        while True:  # "[Chinese]", "[Review] [33 refs]"
            shorter = _TRAILING_NOTE.sub("", text)
            if shorter == text or not shorter.strip():
                break
            text = shorter
        bracketed = _LEADING_BRACKET.match(text)
        if bracketed:  # a translated title, as MEDLINE writes it: "[Original title in English]."
            text = bracketed.group(1)
    return _fold(text)


# Letters and digits of ASCII in lower case, anything else a space.
_ASCII_WORDS: Final = str.maketrans(
    {chr(code): chr(code).lower() if chr(code).isalnum() else " " for code in range(128)}
)


def _fold(text: str) -> str:
    """:func:`fold`; ASCII text without HTML ('&' or '<') is folded by one translation (letters
    and digits in lower case, anything else a space) and a split, which gives the same
    words."""
    if text.isascii() and "&" not in text and "<" not in text:
        return " ".join(text.translate(_ASCII_WORDS).split())
    return fold(text)


def title_notes(text: str) -> dict[str, str]:
    """The bibliographic notes a database wrote into a title, as fields.

    ``comment_on`` (MEDLINE's "[Comment on ...]": the record comments on another),
    ``erratum_in`` ("[Erratum appears in ...]": the article was corrected later; it is the
    article, not the erratum), ``correction_of`` (Web of Science's "Title (vol 12, pg 345,
    2019)", Embase's and Scopus's "Title (Journal (2019) 12 (345-350))": the record is the
    correction of that article), ``review`` ("[Review]") and
    ``language`` ("[Spanish]", "[Article in German]"). :func:`title` leaves all of them out
    of the compared title; the record's own title is not changed.
    """
    notes: dict[str, str] = {}
    if not text or ("[" not in text and "(" not in text):
        return notes
    for form in _CORRECTION_FORMS:
        correction = form.search(text)
        if correction and correction.start() > 0:
            notes["correction_of"] = correction.group(0).strip(" .")[1:-1].strip()
            break
    for name, pattern in _NOTE_KINDS:
        found = pattern.search(text)
        if found:
            notes[name] = found.group(0).strip(" []")
    for found in _LANGUAGE_NOTE.finditer(text):
        word = found.group(1)
        if word.lower() not in ("review", "erratum", "comment", "see comment") and found.start():
            notes.setdefault("language", word)
    return notes


_DIGITS: Final = re.compile(r"\d+")
_ROMAN: Final = {
    "ii": 2, "iii": 3, "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "xi": 11, "xii": 12,
}  # fmt: skip
# A Roman numeral of _ROMAN as a word of any text (between white space or the ends).
_ROMAN_WORD: Final = re.compile(rf"(?<!\S)(?:{'|'.join(_ROMAN)})(?!\S)")
ROMAN_NUMERAL: Final = re.compile(rf"\b(?:{'|'.join(_ROMAN)})\b")
"""A Roman numeral :func:`title_numbers` reads, as a word of a normalised title."""
_SPELLED: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_PART_ROMAN: Final = {"i": 1, "v": 5, "x": 10}
"""Roman numerals of one letter, read as numbers after 'part' only ('part i' is part 1; an
'i' or 'v' elsewhere may be a letter). A letter after 'part' is not read: 'Part A' is rare
beside French titles' "prendre part à", "la part d'un"."""
WORD_NUMBER: Final = re.compile(
    rf"{ROMAN_NUMERAL.pattern}"
    rf"|\bpart (?:{'|'.join(_SPELLED)}|{'|'.join(_PART_ROMAN)})\b"
)
"""A number written in words that :func:`title_numbers` reads, in a normalised title: a Roman
numeral, or a part named by a word or a Roman numeral ('part two', 'part i')."""


def title_numbers(folded_title: str, length: int | None = None) -> str:
    """The numbers in a normalised title ('phase ii' counts as 2, 'part two' and 'part ii' as
    2), read with the spaces taken out ('kca3 1' and 'k ca 3 1' agree) and, given
    ``length``, from that many letters of it only (so a title cut short elsewhere is compared
    on what both hold): 'part 1' and 'part 2', or 'focus 1' and 'focus 2', are different
    works however alike the rest."""
    words = folded_title.split()
    if _ROMAN_WORD.search(folded_title):
        words = [str(_ROMAN[w]) if w in _ROMAN else w for w in words]
    if "part" in words:
        words = [_part_number(words[k - 1], w) if k else w for k, w in enumerate(words)]
    compact = "".join(words)
    if length is not None:
        compact = compact[:length]
    return numbers(compact)


def same_numbers_in_words(folded_a: str, folded_b: str) -> bool:
    """Whether two normalised titles hold the same numbers once every number written as a
    word is read as its digits ('in two patients' as 'in 2 patients', 'third' as 3),
    wherever it stands: Web of Science's older records print a title's numbers in digits
    ('IN 2 WELSH SPRINGER SPANIELS') where the journal wrote them in words. It matters only
    where the numbers :func:`title_numbers` reads differ and a title holds a number word
    (:data:`SPELLED_NUMBER`), so only such pairs need asking."""
    return _spelled_numbers(folded_a) == _spelled_numbers(folded_b)


SPELLED_NUMBER: Final = rf"\b(?:{'|'.join(_SPELLED)})\b"
"""A number written as a word, as a regular expression for Arrow (RE2) and Python alike."""


def _spelled_numbers(folded_title: str) -> str:
    words = [str(_SPELLED[w]) if w in _SPELLED else w for w in folded_title.split()]
    return title_numbers(" ".join(words))


def _part_number(before: str, word: str) -> str:
    """A word after 'part' as the number it names ('two' and 'second' give '2', 'i' gives
    '1'); any other word as it is."""
    if before != "part":
        return word
    if word in _SPELLED:
        return str(_SPELLED[word])
    if word in _PART_ROMAN:
        return str(_PART_ROMAN[word])
    return word


def numbers(text: str) -> str:
    """The numbers written in digits in ``text``, without leading zeros, separated by
    spaces: :func:`title_numbers` of a title without Roman numerals, from its title key."""
    return " ".join(str(int(n)) for n in _DIGITS.findall(text))


ABSTRACT_WORDS: Final = 30
"""Words an abstract must have to be compared: an abstract proper has a hundred or more,
while shorter texts in the field are notes ("No abstract available", "Abstract not
available for this content") or one line that several records can share."""

# Where a rights statement starts ("© 2020 Elsevier", "Copyright (C) 2019 Wiley", "(C) 1999
# Wiley-Liss", "(c) The Author(s) 2020", "2009 Elsevier Ltd. All rights reserved", "2020
# The Authors. Published by Elsevier", PsycInfo's "(PsycInfo Database Record (c) 2020 APA,
# all rights reserved)", EBSCO's "Copyright of … is the property of …"), looked for in the
# last _RIGHTS_SPAN characters only: databases append it to the authors' text, each in its
# own words or not at all. "(c)" starts one only before a year or "The Author(s)", as an
# abstract's list runs "(a) … (b) … (c) …".
_RIGHTS: Final = re.compile(
    r"\(?\s*(?:©|\(c\)\s*(?:(?:19|20)\d\d|the authors?\b)|\bcopyright\b"
    r"|\bpsycinfo database record\b"
    r"|\b(?:19|20)\d\d\s+the authors?\b"
    r"|(?:\b(?:19|20)\d\d\b.{0,80}?)?\ball rights reserved\b)",
    re.IGNORECASE,
)
_RIGHTS_SPAN: Final = 600
# A "<" that opens no tag ("aged <65 years", "p<0.05"): folding removes what stands between
# "<" and ">" as a tag, which would take the numbers with it.
_LESS_THAN: Final = re.compile(r"<(?![A-Za-z/!?])")


def abstract(text: str) -> str:
    """An abstract in comparable form (folded as a title is), without the rights statement
    at its end; '' for a text of fewer than :data:`ABSTRACT_WORDS` words, or one without a
    digit: a research abstract gives counts, years or measures, while a standing text that a
    column or a series repeats under one title in each issue gives none."""
    if not text:
        return ""
    rights = _RIGHTS.search(text, max(0, len(text) - _RIGHTS_SPAN))
    if rights:
        text = text[: rights.start()]
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _LESS_THAN.sub(" less than ", text)
    folded = _fold(text)
    if folded.count(" ") + 1 < ABSTRACT_WORDS or not _DIGITS.search(folded):
        return ""
    return folded


def digits(text: str) -> str:
    """The digits of ``text`` in their order, whatever stands between them: one database
    writes "1.68-1.9" and "T12-T13" where another loses the dash ("1.681.9", "T12T13")."""
    return "".join(_DIGITS.findall(text))


def doi(text: str) -> str:
    """A DOI in comparable form, or '' when the text holds none."""
    if not text:
        return ""
    value = unquote(text.strip())
    value = _DOI_PREFIX.sub("", value)
    match = _DOI_BODY.search(value)
    if not match:
        return ""
    found = match.group(0).lower().rstrip(".,;)]").removesuffix("[doi]")
    if found.startswith(_NOT_ARTICLE_DOIS):
        return ""
    return found


def full_end(start: str, end: str) -> str:
    """The last page written in full: ``123-9`` abbreviates 123-129, the end borrowing the
    start's leading digits (MEDLINE writes ranges so)."""
    return start[: max(0, len(start) - len(end))] + end


def page_range(text: str) -> tuple[str, str]:
    """First and last page as digits.

    'S27' and 'viii27' give 27 (databases differ in the letters before supplement pages and
    article numbers, not in the digits); '123-9' is 123-129; an article split over several
    ranges ('233-238+230-235' or '230-5, 233-8') spans from its lowest to its highest page.
    A field that is not pages ('No-Specified', an Excel date such as '01-Jun', 't-20' with
    its first page lost) gives nothing.
    """
    if not text:
        return ("", "")
    plain = _PLAIN_RANGE.fullmatch(text)
    if plain:  # "123" or "123-129": one range, nothing to take out
        ranges = [("", plain.group(1), plain.group(2) or "")]
    else:
        value = _ARTICLE_NUMBER.sub("", _DASHES.sub("-", text.lower()))
        if _GARBLED_PAGES.search(value):
            return ("", "")
        ranges = _RANGE.findall(value)
    starts: list[int] = []
    ends: list[int] = []
    for _, start_text, end_text in ranges:
        start = int(start_text)
        if start == 0:
            continue
        starts.append(start)
        if end_text:
            ends.append(int(full_end(start_text, end_text)))
    if not starts:
        return ("", "")
    return (str(min(starts)), str(max(ends)) if ends else "")


# e12724 (PLOS), c1804 (BMJ), 101576: not print pages. "S123" is a supplement page.
_ARTICLE_NUMBER_PAGE: Final = re.compile(r"^\s*(?:[a-rt-z]\d{3,}|\d{5,})\s*$", re.IGNORECASE)


def is_article_number(text: str) -> bool:
    """True for an electronic article number ('e12724', 'a1754', '101576') rather than print
    pages; the two cannot be compared."""
    return bool(text) and bool(_ARTICLE_NUMBER_PAGE.match(_ARTICLE_NUMBER.sub("", text)))


def first_page(text: str) -> str:
    """The first page as digits (see :func:`page_range`)."""
    return page_range(text)[0]


def last_page(text: str) -> str:
    """The last page as digits, with '123-9' read as 123-129 (see :func:`page_range`)."""
    return page_range(text)[1]


def issue(text: str) -> str:
    """The issue number when it is a plain small number (1 to 24); '' otherwise.

    Some exports put other numbers in the issue field (EndNote record numbers, supplement
    numbers), so only a plain small number is trusted as an issue."""
    value = text.strip() if text else ""
    if value.isdecimal() and 0 < int(value) <= 24:
        return str(int(value))
    return ""


_SUPPLEMENT_LABEL: Final = re.compile(
    r"(?:\b|_)suppl(?:ement)?(?![a-z])[\s_.:\-]*(?:no\.?\s*)?"
    r"(?:s?(\d+[a-z]?)(?![a-z\d])(?:\s*(?:pt|part)\.?\s*(\d+))?"
    rf"|({'|'.join(_ROMAN)})(?![a-z\d])|([a-rt-z])(?![a-z\d]))?",
    re.IGNORECASE,
)
"""A supplement's word and its label: a number ("1", "S1", "1A", "1 Pt 2", "II") or a
letter ("A"); "S" alone is Web of Science's mark of a supplement without a number."""
_SUPPLEMENT_ISSUE: Final = re.compile(r"^\s*s(\d+)\s*$", re.IGNORECASE)
"""An issue written "S1": Scopus's and Wiley's supplement 1."""


def supplement(text: str, *, volume: bool = False) -> tuple[str, str]:
    """The supplement a volume or issue field names: the issue it belongs to, where the
    field gives one, and its number or letter ("Suppl. 1" gives ('', '1'), "8 Supplement 1"
    ('8', '1'), "61 (Supplement 1)" in a volume ('', '1'), "9 (4 Supplement 2)" in a volume
    ('4', '2'), "Suppl A" ('', 'a'), "Suppl S1" and "S1" ('', '1'), "Suppl II" ('', '2'),
    "Suppl 1 Pt 2" ('', '1p2')).
    ('', '') when the field names no supplement, or one without a number ("5_suppl",
    "SUPPL", "Suppl. S"). In a volume, the number before the supplement is the volume's; an
    issue there is written in brackets."""
    if text and not volume and (issue_only := _SUPPLEMENT_ISSUE.match(text)):
        return "", str(int(issue_only.group(1)))
    match = _SUPPLEMENT_LABEL.search(text) if text else None
    if match is None or not (match.group(1) or match.group(3) or match.group(4)):
        return "", ""
    if match.group(1):
        number = match.group(1).lower()
        label = (number.lstrip("0") or "0") if number[0] == "0" else number
        label += f"p{int(match.group(2))}" if match.group(2) else ""
    elif match.group(3):
        label = str(_ROMAN[match.group(3).lower()])
    else:
        label = match.group(4).lower()
    before = text[: match.start()]
    if volume:
        before = before.partition("(")[2] if "(" in before else ""
    issue = re.fullmatch(r"\W*0*(\d+)\W*", before)
    return (issue.group(1) if issue else ""), label


NO_NUMBER: Final = r"na|n/a|(?:epub )?ahead[- ]of[- ]print|in press"
"""A volume or issue field that says there is none, in lower case (a pattern for Python
and Arrow alike): R's missing value, or an article not yet in a volume. Two such fields do
not agree on a volume; the merged record takes another copy's instead
(:data:`~searchtrail.dedup.output.NO_VALUE`)."""
_NO_VOLUME: Final = re.compile(NO_NUMBER)


def volume(text: str) -> str:
    """The volume number: its leading digits, without a supplement note ("61 (Supplement 1)"
    gives '61'); '' when the value is a fragment such as "1)" or only a supplement number."""
    value = text.strip().lower() if text else ""
    if not value or _NO_VOLUME.fullmatch(value):
        return ""
    value = value.split("(")[0]
    if ")" in value:
        return ""
    value = re.split(r"\bsup", value)[0]
    if _YEAR_WORD.fullmatch(value.strip()):
        return ""  # a year written where the volume belongs
    match = re.search(r"0*(\d+)", value)
    if match:
        return match.group(1)
    return fold(value).replace(" ", "")


@lru_cache(maxsize=200_000)
def _ascii_lower(text: str) -> str:
    """A journal's name without HTML entities, in ASCII and lower case."""
    value = html.unescape(text)
    if not value.isascii():
        value = anyascii(value)
    return value.lower()


def journal(text: str) -> str:
    """A journal name in comparable form."""
    if not text:
        return ""
    value = _ascii_lower(text).replace("&", " and ").replace("+", " and ")
    value = _PROCEEDINGS.sub("", value)
    value = _CONFERENCE.sub("", value)
    value = _PARENS.sub(" ", value)
    value = _YEAR_WORD.sub(" ", value)
    value = _ORDINAL.sub(" ", value)
    words = _NON_ALNUM.split(value)
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(w for w in words if w)


def meeting(text: str) -> str:
    """The meeting a journal's name gives, folded with its edition numbers and years kept:
    the meeting in Embase's conference note ("Anaesthesia.Conference: 38th Annual Congress
    of the Association" gives "38th annual congress of the association"), or the whole name
    when it names a meeting ("23rd Congress of the International Society on Thrombosis and
    Haemostasis ..."), or "" for a journal. Embase prints a meeting's abstracts under the
    journal that published them with this note; another database may give the meeting alone
    as the source. :func:`same_meeting` compares two."""
    if not text:
        return ""
    lower = _ascii_lower(text)
    note = _CONFERENCE.search(lower)
    if note:
        return fold(_CONFERENCE_WORD.sub("", note.group(0).lstrip(".:;, "), count=1))
    return fold(lower) if _MEETING_NAME.search(lower) else ""


def same_meeting(a: str, b: str) -> bool:
    """Two :func:`meeting` names name one meeting: one is the other or its start (Embase
    cuts the note short), and the shorter holds four words or more with a number (an
    edition or a year: "Annual scientific meeting" names a series, and "22nd" and "23rd"
    are two meetings of it)."""
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    words = shorter.split()
    return (
        len(words) >= 4
        and any(c.isdigit() for c in shorter)
        and (longer == shorter or longer.startswith(shorter + " "))
    )


@lru_cache(maxsize=500_000)
def journal_agreement(a: str, b: str) -> int:
    """How well two normalised journal names agree.

    2: the same journal (equal, or one is a full abbreviation of the other: every word of
    the full name is abbreviated, in order, as in ``Am J Trop Med Hyg``);
    1: compatible (one name is the start of the other, such as a title without its
    subtitle);
    0: different journals, or a name is missing.
    """
    if not a or not b:
        return 0
    if a == b:
        return 2
    (short, short_joined), (long, long_joined) = journal_words(a), journal_words(b)
    if (len(short), len(short_joined)) > (len(long), len(long_joined)):
        short, long = long, short
    if not short:
        return 0
    if short[0][0] != long[0][0]:
        # Not equal, no acronym and no abbreviation of the other (each starts with the
        # first letter of the first word): only one name inside the other is left.
        return 1 if len(short) >= 2 and set(short) <= set(long) else 0
    if short_joined == long_joined:
        return 2
    for acronym, name in ((short, long), (long, short)):
        if len(name) >= 2 and _is_acronym(acronym[0], name):
            return 2 if len(acronym) == 1 else 1  # BMJ; "ICIS: Transforming Society ..."
    if len(short) >= 2 and set(short) <= set(long):
        return 1  # one name inside the other: "ECIS European Conference ..."
    matched = 0
    for word in short:
        if matched < len(long) and _abbreviates(word, long[matched]):
            matched += 1
        else:
            return 0
    return 2 if matched == len(long) else 1


@lru_cache(maxsize=200_000)
def journal_words(name: str) -> tuple[tuple[str, ...], str]:
    """The words of a normalised journal name that are not stop words, and those words
    joined."""
    words = tuple(w for w in name.split() if w not in _JOURNAL_STOP)
    return words, "".join(words)


def _is_acronym(word: str, words: Sequence[str]) -> bool:
    """True when ``word`` is made of the first one or two letters of each of ``words`` in
    order: 'jama' for 'journal american medical association', 'amcis' for 'americas
    conference information systems'. (So it starts with the first letter of the first.)"""
    if len(word) < 3 or not len(words) <= len(word) <= 2 * len(words):
        return False
    if word[0] != words[0][:1]:
        return False

    def fits(position: int, index: int) -> bool:
        if index == len(words):
            return position == len(word)
        if position == len(word):
            return False
        candidate = words[index]
        return any(
            fits(position + size, index + 1)
            for size in range(1, min(2, len(candidate), len(word) - position) + 1)
            if word[position : position + size] == candidate[:size]
        )

    return fits(0, 0)


def _abbreviates(short: str, full: str) -> bool:
    """'med' for 'medicine', 'dtsch' for 'deutsche': a prefix, or the same first letter and
    the rest of the letters in order."""
    if full.startswith(short):
        return True
    if len(short) < 2 or short[0] != full[0] or len(short) > len(full):
        return False
    position = 1
    for letter in short[1:]:
        position = full.find(letter, position) + 1
        if position == 0:
            return False
    return True


def author_words(text: str) -> str:
    """Every word of every author name, sorted: the same for 'Cicek, Amber' and 'Amber
    Cicek', and for 'Kang, Si-Hyun' and 'Sihyun Kang'."""
    if not text:
        return ""
    value = _PARENTHESISED.sub(" ", text) if "(" in text else text
    if not value.isascii():
        value = anyascii(value)
    value = value.lower().replace("-", "").replace("'", "")
    return " ".join(sorted({w for w in _NON_ALNUM.split(value) if len(w) > 1}))


def authors(text: str) -> list[tuple[str, str]]:
    """Surname and initials of each author (one author per line in ``text``)."""
    result = []
    for line in text.split("\n"):
        parsed = author(line)
        if parsed[0]:
            result.append(parsed)
    return result


_INITIAL_TOKEN: Final = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")
_PARENTHESISED: Final = re.compile(r"\([^)]*\)")
_GIVEN_SEPARATOR: Final = re.compile(r"[\s.,\-]+")
_SURNAME_SEPARATOR: Final = re.compile(r"[\s\-]+")


@lru_cache(maxsize=500_000)
def author(text: str) -> tuple[str, str]:
    """Surname and initials of one author name, in comparable form.

    Handles "Surname, Given Names", "Surname IJ", "Surname I.J." and "Given Surname".
    """
    name = (_PARENTHESISED.sub(" ", text) if "(" in text else text).strip()
    if not name:
        return ("", "")
    if not name.isascii():
        name = anyascii(name)
    if "," in name:
        surname, _, given = name.partition(",")
        given_words = [w for w in _GIVEN_SEPARATOR.split(given) if w]
        given_words = [w for w in given_words if w.lower() not in _AUTHOR_SUFFIX]
        if len(given_words) == 1 and given_words[0].isupper() and len(given_words[0]) <= 4:
            initials = given_words[0].lower()
        else:
            initials = "".join(w[0] for w in given_words if w[:1].isalpha()).lower()
    else:
        words = [w for w in name.split() if w.lower().strip(".") not in _AUTHOR_SUFFIX]
        trailing: list[str] = []
        while len(words) > 1 and _INITIAL_TOKEN.match(words[-1]):
            trailing.insert(0, words.pop())
        if trailing:
            surname = " ".join(words)
            initials = "".join(c for c in "".join(trailing) if c.isalpha()).lower()
        elif len(words) >= 2:
            surname = words[-1]
            initials = "".join(w[0] for w in words[:-1] if w[:1].isalpha()).lower()
        else:
            surname, initials = name, ""
    return (_NON_ALNUM.sub("", surname.lower()), initials)


# Particles of surnames: prepositions and articles (de, van, von, le, da, dos, ...) and
# patronymic or family markers (bin, binti, ibn, al, el, ben, ...). They are written, dropped,
# joined or moved to the given names differently from one database to the next, so they do
# not tell persons apart.
SURNAME_PARTICLES: Final = frozenset({
    "de", "da", "das", "do", "dos", "di", "del", "della", "delle", "dei", "degli", "dal",
    "la", "le", "les", "lo", "du", "des", "d", "l", "van", "von", "der", "den", "ter", "ten",
    "te", "het", "zu", "zum", "zur", "af", "av", "y", "e", "i", "bin", "binti", "binte",
    "ibn", "bint", "al", "el", "ben", "abu", "ap", "mac", "st", "san", "santa",
})  # fmt: skip


@lru_cache(maxsize=500_000)
def surname_parts(text: str) -> tuple[str, frozenset[str]]:
    """One author name as (its surname joined, the significant parts of its surname).

    Parts are the surname's words without particles (:data:`SURNAME_PARTICLES`), split at
    spaces and hyphens: "Garcia de la Torre, E." gives {garcia, torre}, "de la Torre, E. G."
    {torre}, "Le Roux, M." and "Roux, M." {roux}. A surname that is only particles is never
    a surname: the comma was put after the particle ("Le, Roux M."), and the next word of
    the given names belongs to the surname. The joined form keeps the particles
    ("leroux"), so that "Leroux" and "Le Roux" still meet.
    """
    name = (_PARENTHESISED.sub(" ", text) if "(" in text else text).strip()
    if not name.isascii():
        name = anyascii(name)
    if "," in name:
        surname, _, given = name.partition(",")
        words = [w for w in _SURNAME_SEPARATOR.split(surname.lower()) if w]
        given_words = [w for w in _GIVEN_SEPARATOR.split(given) if w]
        if words and all(_NON_ALNUM.sub("", w) in SURNAME_PARTICLES for w in words):
            long_given = [w for w in given_words if len(w.strip(".")) > 1]
            if long_given:
                words.append(long_given[0].lower())
    else:
        parsed = author(name)[0]
        words = [w for w in _SURNAME_SEPARATOR.split(name.lower()) if w]
        # "Given Surname" or "Surname IJ": the surname's words are those whose letters,
        # joined, end the parsed surname.
        kept: list[str] = []
        joined = ""
        for word in reversed(words):
            letters = _NON_ALNUM.sub("", word)
            if not letters:
                continue
            if parsed.endswith(letters + joined):
                kept.insert(0, word)
                joined = letters + joined
                if joined == parsed:
                    break
        words = kept
    letters_words = [_NON_ALNUM.sub("", w) for w in words]
    letters_words = [w for w in letters_words if w]
    parts = frozenset(w for w in letters_words if w not in SURNAME_PARTICLES)
    return ("".join(letters_words), parts)


@lru_cache(maxsize=100_000)
def author_names(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """:func:`surname_parts` of each author (one author per line in ``text``)."""
    return tuple(surname_parts(line) for line in text.split("\n") if line.strip())


def same_person(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    """Two surnames (from :func:`surname_parts`) that can name one person: the same letters
    once joined ("Leroux", "Le Roux"), or the significant parts of one all among those of the
    other (a particle dropped or moved: "Roux" and "Le Roux"; a compound surname given in
    part: "de la Torre" and "Garcia de la Torre")."""
    if not a[0] or not b[0]:
        return False
    if a[0] == b[0]:
        return True
    if not a[1] or not b[1]:
        return False
    return a[1] <= b[1] or b[1] <= a[1]


_URL_SCHEME: Final = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)


def url(text: str) -> str:
    """The first address of a record in comparable form: without scheme, ``www.``, URL
    escapes, a fragment or a trailing slash, and in lower case ('' when there is none)."""
    if not text:
        return ""
    first = text.strip().split()[0] if text.strip() else ""
    value = _URL_SCHEME.sub("", unquote(first)).split("#")[0].rstrip("/").lower()
    return value if "." in value else ""
