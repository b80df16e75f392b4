"""``PRISMA.csv`` in the format of the PRISMA2020 R package's template.

The R package and its web app (Haddaway et al. 2022, Campbell Systematic Reviews
18:e1230) read a CSV with columns ``data,node,box,description,boxtext,tooltips,url,n``:
one row per number, named by ``data``. This module writes the same rows in the same order
with our counts in ``n``, so a review team can load searchtrail's numbers into that app.

Conventions:

- a number the log does not state, or a stage without data yet, is written ``NA`` (R's
  missing value), never 0;
- a sum to which some searches contribute no number is written as the sum of the stated
  numbers, and the box text says how many searches are missing from it;
- lists (per database, per exclusion reason) use the template's ``Name, n; Name, n`` form.
"""

from __future__ import annotations

from typing import Final

from searchtrail.counts.model import Diagram
from searchtrail.counts.number import Count
from searchtrail.csvtext import csv_text
from searchtrail.reports.words import awaiting_phrase, describe, searches_phrase

COLUMNS: Final = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

# (data, node, box, description, boxtext, tooltips, url): the template's rows, in order.
# "NA" is the template's own spelling of an empty cell; the list rows carry their n below.
_ROWS: Final[tuple[tuple[str, ...], ...]] = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies",
     "Grey title box; Previous studies", "prevstud.html"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review",
     "Studies included in previous version of review",
     "Studies included in previous version of review", "previous_studies.html"),
    ("previous_reports", "NA", "box1", "Reports of studies included in previous version of review",
     "Reports of studies included in previous version of review", "NA", "previous_reports.html"),
    ("NA", "node6", "newstud",
     "Yellow title box; Identification of new studies via databases and registers",
     "Identification of new studies via databases and registers",
     "Yellow title box; Identification of new studies via databases and registers",
     "newstud.html"),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases",
     "Records identified from: Databases and Registers", "database_results.html"),
    ("database_specific_results", "NA", "box2", "Records identified from: specific databases",
     "Specific Databases", "NA", "database_results.html"),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers", "NA",
     "NA"),
    ("register_specific_results", "NA", "box2", "Records identified from: specific registers",
     "Specific Registers", "NA", "database_results.html"),
    ("NA", "node16", "othstud",
     "Grey title box; Identification of new studies via other methods",
     "Identification of new studies via other methods",
     "Grey title box; Identification of new studies via other methods", "othstud.html"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites",
     "Records identified from: Websites, Organisations and Citation Searching",
     "website_results.html"),
    ("organisation_results", "", "box11", "Records identified from: Organisations",
     "Organisations", "NA", "NA"),
    ("citations_results", "NA", "box11", "Records identified from: Citation searching",
     "Citation searching", "NA", "NA"),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records",
     "Duplicate records", "duplicates.html"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools",
     "Records marked as ineligible by automation tools", "NA", "NA"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons",
     "Records removed for other reasons", "NA", "NA"),
    ("records_screened", "node9", "box4", "Records screened (databases and registers)",
     "Records screened", "Records screened (databases and registers)", "records_screened.html"),
    ("records_excluded", "node10", "box5", "Records excluded (databases and registers)",
     "Records excluded", "Records excluded (databases and registers)", "records_excluded.html"),
    ("dbr_sought_reports", "node11", "box6",
     "Reports sought for retrieval (databases and registers)",
     "Reports sought for retrieval", "Reports sought for retrieval (databases and registers)",
     "dbr_sought_reports.html"),
    ("dbr_notretrieved_reports", "node12", "box7",
     "Reports not retrieved (databases and registers)",
     "Reports not retrieved", "Reports not retrieved (databases and registers)",
     "dbr_notretrieved_reports.html"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)",
     "Reports sought for retrieval", "Reports sought for retrieval (other)",
     "other_sought_reports.html"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)",
     "Reports not retrieved", "Reports not retrieved (other)", "other_notretrieved_reports.html"),
    ("dbr_assessed", "node13", "box8", "Reports assessed for eligibility (databases and registers)",
     "Reports assessed for eligibility",
     "Reports assessed for eligibility (databases and registers)", "dbr_assessed.html"),
    ("dbr_excluded", "node14", "box9",
     "Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. "
     "Reason1, xxx; Reason2, xxx; Reason3, xxx]",
     "Reports excluded", "Reports excluded (databases and registers)", "dbrexcludedrecords.html"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)",
     "Reports assessed for eligibility", "Reports assessed for eligibility (other)",
     "other_assessed.html"),
    ("other_excluded", "node21", "box15",
     "Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; "
     "Reason2, xxx; Reason3, xxx]",
     "Reports excluded", "Reports excluded (other)", "other_excluded.html"),
    ("new_studies", "node15", "box10", "New studies included in review",
     "New studies included in review", "New studies included in review", "new_studies.html"),
    ("new_reports", "NA", "box10", "Reports of new included studies",
     "Reports of new included studies", "NA", "NA"),
    ("total_studies", "node22", "box16", "Total studies included in review",
     "Total studies included in review", "Total studies included in review", "total_studies.html"),
    ("total_reports", "NA", "box16", "Reports of total included studies",
     "Reports of total included studies", "NA", "NA"),
    ("identification", "node1", "identification", "Blue identification box", "Identification",
     "Blue identification box", "identification.html"),
    ("screening", "node2", "screening", "Blue screening box", "Screening", "Blue screening box",
     "screening.html"),
    ("included", "node3", "included", "Blue included box", "Included", "Blue included box",
     "included.html"),
)  # fmt: skip

BOX_DESCRIPTIONS: Final = {row[0]: row[3].split(": [")[0] for row in _ROWS if row[0] != "NA"} | {
    "dbr_included": "Reports included (databases and registers)",
    "other_included": "Reports included (other methods)",
    "other_results": "Records identified from: Other sources",
}
"""What each box of the diagram counts, in the template's words, by its data name."""

_LIST_ROWS: Final = {
    "database_specific_results": "database_results",
    "register_specific_results": "register_results",
}
_OTHER_RESULTS_ROW: Final = (
    "other_results", "NA", "box11", "Records identified from: Other sources", "Other sources",
    "NA", "NA",
)  # fmt: skip


def n_cell(count: Count) -> str:
    """A count as the template's ``n``: digits, or NA when no number is known yet."""
    if count.pending or count.value is None:
        return "NA"
    return str(count.value)


def _boxtext(label: str, count: Count, awaiting: Count | None = None) -> str:
    """The box's label with what its number leaves out, in one parenthesis."""
    if count.pending:
        return f"{label} (pending: {count.pending})"
    notes = []
    if count.value is None and count.unstated:
        notes.append(f"not reported: {searches_phrase(count.unstated)}")
    elif count.unstated:
        notes.append(f"plus {searches_phrase(count.unstated)} with no count")
    if awaiting is not None:
        notes.append(f"awaiting a decision: {awaiting_phrase(awaiting)}")
    return f"{label} ({'; '.join(notes)})" if notes else label


def _list_cell(items: tuple[tuple[str, Count], ...]) -> str:
    # Names are written as they are; the template's separators in a name would split it.
    return "; ".join(
        f"{name.replace(';', ' ').replace(',', ' ')}, {n_cell(count)}" for name, count in items
    )


def prisma_csv(prisma: Diagram) -> str:
    """The template CSV filled with the diagram's counts.

    For ``dbr_excluded`` and ``other_excluded`` the ``n`` cell lists each exclusion reason
    with its count (the template's ``Reason, n; Reason, n`` form); the identification rows
    list each source in their tooltip."""
    rows: list[tuple[str, ...]] = []
    for data, node, box, description, boxtext, tooltips, url in _ROWS:
        if data in _LIST_ROWS:
            items = prisma.breakdown.get(_LIST_ROWS[data], ())
            rows.append(
                (data, node, box, description, boxtext, tooltips, url, _list_cell(items) or "NA")
            )
            continue
        if data in ("dbr_excluded", "other_excluded"):
            count = prisma.boxes[data]
            listed = tuple((reason, Count(n)) for reason, n in prisma.reasons.get(data, ()))
            value = _list_cell(listed) if listed and not count.pending else n_cell(count)
            rows.append(
                (data, node, box, description, _boxtext(boxtext, count), tooltips, url, value)
            )
            continue
        if data in prisma.boxes:
            count = prisma.boxes[data]
            tip = tooltips
            members = prisma.breakdown.get(data)
            if members:
                tip = "; ".join(f"{name}: {describe(c)}" for name, c in members)
            elif data == "other_sought_reports" and prisma.sought_parts:
                tip = "; ".join(f"{name}: {describe(c)}" for name, c in prisma.sought_parts)
            text = _boxtext(boxtext, count, prisma.awaiting.get(data))
            rows.append((data, node, box, description, text, tip, url, n_cell(count)))
            if data == "citations_results" and prisma.breakdown.get("other_results"):
                other = prisma.boxes["other_results"]
                *head, label, tip_other, url_other = _OTHER_RESULTS_ROW
                members = prisma.breakdown["other_results"]
                tip_other = "; ".join(f"{name}: {describe(c)}" for name, c in members)
                rows.append((*head, _boxtext(label, other), tip_other, url_other, n_cell(other)))
            continue
        rows.append((data, node, box, description, boxtext, tooltips, url, "0"))
    return csv_text(COLUMNS, rows)
