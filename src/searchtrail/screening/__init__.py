"""The screening stage: people's decisions read and checked, and where every publication
stands (:mod:`~searchtrail.screening.placement`); decisions imported from screening tools
(:mod:`~searchtrail.screening.tools`)."""

from searchtrail.screening.decisions import FILES, STAGES, Decision, Decisions, read_decisions
from searchtrail.screening.placement import Placed, Placement, place

__all__ = [
    "FILES",
    "STAGES",
    "Decision",
    "Decisions",
    "Placed",
    "Placement",
    "place",
    "read_decisions",
]
