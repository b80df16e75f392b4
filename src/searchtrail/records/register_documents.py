"""Trial registers' exports that are not tables: WHO ICTRP's XML export and the studies of
ClinicalTrials.gov's API (version 2) or its site's JSON download.

- **ICTRP XML** (``ictrp-xml``): ``<Trials_downloaded_from_ICTRP>`` holding one ``<Trial>``
  per registration, its fields as child elements named as the CSV's columns with
  underscores (``<TrialID>``, ``<Public_title>``, ``<Date_registration>``,
  ``<web_address>``, ...). Each ``<Trial>`` is parsed on its own
  (:func:`searchtrail.records.xml_records.record_pieces`): a broken one is reported with its
  line and the others are read.
- **ClinicalTrials.gov JSON** (``ctgov-json``): the API's page of results (``{"studies":
  [...], "nextPageToken": ...}``) or the site's download (an array of studies), each study
  with its ``protocolSection``. A study's fields are its values by path
  (``protocolSection/identificationModule/nctId``), a list's items each under the list's
  path.

Both become the same standard fields as the registers' CSV exports
(:mod:`searchtrail.records.registers`), with the trial's id as the record's accession.
"""

from __future__ import annotations

import re
from typing import Any, Final

from searchtrail.errors import Problem
from searchtrail.records.json_records import flatten, item_lines, line_of, load
from searchtrail.records.model import ParsedFile, RawRecord
from searchtrail.records.xml_records import record_pieces, text_of

_ICTRP_ROOT: Final = re.compile(r"<Trials_downloaded_from_ICTRP[\s>]")
_ICTRP_TRIAL: Final = re.compile(r"<Trial>\s*<(?:Internal_Number|TrialID)>")
_JSON_STUDY: Final = re.compile(r'"protocolSection"\s*:\s*\{')


def register_document(head: str) -> str | None:
    """``ictrp-xml`` or ``ctgov-json`` when the start of a file (``head``) is one of those
    exports, told by their markup; None otherwise."""
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<") and (_ICTRP_ROOT.search(head) or _ICTRP_TRIAL.search(head)):
        return "ictrp-xml"
    if stripped.startswith(("{", "[")) and _JSON_STUDY.search(head):
        return "ctgov-json"
    return None


def read_ictrp_xml(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Every ``<Trial>`` of an ICTRP XML export; one per registration."""
    records: list[RawRecord] = []
    failures: list[Problem] = []
    pieces = record_pieces(text, ("Trial",))
    for piece in pieces:
        if piece.element is None:
            failures.append(_unreadable(file, piece.line, piece.problem))
            continue
        fields = [(child.tag, value) for child in piece.element if (value := text_of(child))]
        records.append(RawRecord(piece.line, fields))
    return ParsedFile(file, "ictrp-xml", encoding, records, len(pieces), failures, [])


def read_ctgov_json(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Every study of a ClinicalTrials.gov JSON export (the API's ``studies`` or an array)."""
    data: Any = load(text, file=file, expected="ClinicalTrials.gov studies as JSON")
    path: tuple[str, ...] | None
    if isinstance(data, list):
        studies, path = data, ()
    elif isinstance(data, dict) and isinstance(data.get("studies"), list):
        studies, path = data["studies"], ("studies",)
    else:
        studies, path = [data], None
    lines = item_lines(text, path) if path is not None else [1]
    records: list[RawRecord] = []
    failures: list[Problem] = []
    for index, study in enumerate(studies):
        line = line_of(lines, index)
        if not isinstance(study, dict) or "protocolSection" not in study:
            failures.append(
                _unreadable(file, line, "the item is not a study (it has no protocolSection)")
            )
            continue
        records.append(RawRecord(line, list(flatten(study))))
    return ParsedFile(file, "ctgov-json", encoding, records, len(studies), failures, [])


def _unreadable(file: str, line: int, why: str) -> Problem:
    return Problem(
        file,
        line,
        f"record at line {line}",
        None,
        None,
        "a complete registration",
        f"the registration cannot be read: {why}",
    )
