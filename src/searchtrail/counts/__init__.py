"""The counts stage: every number of the review, computed once from one model of its flow.

:func:`~searchtrail.counts.flow.build_flow` joins the earlier stages' outputs into the
publication-level flow; :func:`~searchtrail.counts.build.count_review` derives every number
from it (:class:`~searchtrail.counts.model.ReviewCounts`); :func:`~searchtrail.counts.verify.verify`
checks every invariant; :mod:`~searchtrail.counts.store` writes and reads ``counts.json``.
"""

from searchtrail.counts.build import Counted, count_review
from searchtrail.counts.flow import Flow, build_flow
from searchtrail.counts.members import Listed, Members
from searchtrail.counts.model import Diagram, ReviewCounts
from searchtrail.counts.number import Count, total
from searchtrail.counts.store import from_json, to_json
from searchtrail.counts.verify import verify

__all__ = [
    "Count",
    "Counted",
    "Diagram",
    "Flow",
    "Listed",
    "Members",
    "ReviewCounts",
    "build_flow",
    "count_review",
    "from_json",
    "to_json",
    "total",
    "verify",
]
