"""Trial registers' exports: ClinicalTrials.gov and the WHO ICTRP search portal.

A register's record is a trial's registration, not a publication. Its id in the register
(``NCT…``, ``ISRCTN…``, ``ACTRN…``, ``EUCTR…``, ``ChiCTR…``, ``DRKS…``, ``CTRI/…``, and the
other registers' ids ICTRP lists) becomes the record's accession (its key in the record id,
see :mod:`searchtrail.records.identity`) and its typed identifier in ``ids``, so that two
exports of the same registration are one record in deduplication. A journal article is never
typed by a trial id (its registration number is a reference to the trial, not its own
accession), so a registration and an article stay two records.

Layouts, told from the header:

- **ClinicalTrials.gov** (``ctgov-csv``): an ``NCT Number`` column. The current site writes
  ``Study Title``, ``Study URL``, ``Brief Summary``, ``Conditions``, ``Interventions``
  (lists joined with ``|``), ``Sponsor``, ``Start Date``, ``First Posted``; the classic site
  wrote ``Title``, ``URL``, ``Sponsor/Collaborators`` instead.
- **WHO ICTRP** (``ictrp-csv``): a ``TrialID`` column with ``Public title`` or ``Scientific
  title`` (the export's names with spaces, or with underscores as in its XML: ``Public_title``,
  ``Date_registration``, ``web_address``).

Standard fields: the title (the brief or public title), the year the trial was registered
(first posted; ICTRP's date of registration; the start date when neither is given), the
register as the journal, the sponsor as the publisher, the study's address, its summary, its
conditions and interventions as keywords, and its study type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from searchtrail.records.layouts import Layout, Standard, first, listed

CLINICALTRIALS_GOV: Final = "ClinicalTrials.gov"


def _fix_ctgov(result: Standard, by_name: Mapping[str, list[str]]) -> None:
    result["journal"] = CLINICALTRIALS_GOV
    result["keywords"] = listed(result["keywords"], "|")
    result["type"] = _registration(result["type"])


_COMPACT_DATE: Final = re.compile(r"^((?:19|20)\d\d)[01]\d[0-3]\d$")


def _fix_ictrp(result: Standard, by_name: Mapping[str, list[str]]) -> None:
    # Date_registration3 is written 20200121: the year is its first four digits.
    compact = _COMPACT_DATE.match(result["year"])
    if compact:
        result["year"] = compact.group(1)
    result["journal"] = result["journal"] or "WHO ICTRP"
    result["type"] = _registration(result["type"])
    result["keywords"] = listed(result["keywords"], ";")


def _registration(study_type: str) -> str:
    """The record type of a registration: ``trial registration``, with the study type."""
    kind = study_type.strip().lower().replace("_", " ")
    return f"trial registration ({kind})" if kind else "trial registration"


CTGOV: Final = Layout(
    name="ctgov-csv",
    vendor="ClinicalTrials.gov (CSV from the current and the classic site)",
    told_by=lambda names: "nct number" in names,
    fields={
        "type": ["study type"],
        "title": ["study title", "title", "brief title"],
        "year": ["first posted", "start date", "study first posted"],
        "url": ["study url", "url"],
        "abstract": ["brief summary"],
        "keywords": ["+conditions", "+interventions"],
        "publisher": ["sponsor", "sponsor/collaborators"],
    },
    sources=(("nct number", "register"),),
    fix=_fix_ctgov,
    distinctive=frozenset({"nct number", "study title", "study url"}),
)

ICTRP: Final = Layout(
    name="ictrp-csv",
    vendor="WHO ICTRP (search portal export)",
    told_by=lambda names: (
        "trialid" in names
        and bool({"public title", "public_title", "scientific title", "scientific_title"} & names)
    ),
    fields={
        "type": ["study type", "study_type"],
        "title": ["public title", "public_title", "scientific title", "scientific_title"],
        "year": [
            "date registration",
            "date_registration",
            "date registration3",
            "date_registration3",
            "date enrollement",
            "date_enrollment",
        ],
        "journal": ["source register", "source_register"],
        "url": ["web address", "web_address", "url"],
        "keywords": ["+condition", "+intervention"],
        "publisher": ["primary sponsor", "primary_sponsor"],
    },
    sources=(("trialid", "register"),),
    fix=_fix_ictrp,
    distinctive=frozenset({"trialid", "public title", "public_title", "web address"}),
)

REGISTER_LAYOUTS: Final = (CTGOV, ICTRP)
"""The registers' tables (CSV, TSV or a workbook's sheet)."""

ICTRP_XML: Final = Layout(
    name="ictrp-xml",
    vendor="WHO ICTRP (XML export)",
    told_by=lambda _names: False,  # told by its markup, not a header
    fields=ICTRP.fields,
    sources=ICTRP.sources,
    fix=_fix_ictrp,
)

_STUDY: Final = "protocolsection/"


def _fix_ctgov_json(result: Standard, by_name: Mapping[str, list[str]]) -> None:
    nct = first(by_name, f"{_STUDY}identificationmodule/nctid")
    result["url"] = f"https://clinicaltrials.gov/study/{nct}" if nct else ""
    result["journal"] = CLINICALTRIALS_GOV
    result["type"] = _registration(result["type"])


CTGOV_JSON: Final = Layout(
    name="ctgov-json",
    vendor="ClinicalTrials.gov (JSON: API version 2, or the site's download)",
    told_by=lambda _names: False,  # told by its markup, not a header
    fields={
        "type": [f"{_STUDY}designmodule/studytype"],
        "title": [
            f"{_STUDY}identificationmodule/brieftitle",
            f"{_STUDY}identificationmodule/officialtitle",
        ],
        "year": [
            f"{_STUDY}statusmodule/studyfirstpostdatestruct/date",
            f"{_STUDY}statusmodule/studyfirstsubmitdate",
            f"{_STUDY}statusmodule/startdatestruct/date",
        ],
        "abstract": [f"{_STUDY}descriptionmodule/briefsummary"],
        "keywords": [
            f"+{_STUDY}conditionsmodule/conditions",
            f"+{_STUDY}conditionsmodule/keywords",
            f"+{_STUDY}armsinterventionsmodule/interventions/name",
        ],
        "publisher": [f"{_STUDY}sponsorcollaboratorsmodule/leadsponsor/name"],
    },
    sources=((f"{_STUDY}identificationmodule/nctid", "register"),),
    fix=_fix_ctgov_json,
)

DOCUMENT_LAYOUTS: Final = (ICTRP_XML, CTGOV_JSON)
"""The registers' exports that are documents (XML, JSON), read by
:mod:`searchtrail.records.register_documents`: their fields as the table layouts map them."""
