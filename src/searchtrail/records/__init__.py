"""Records: every export a review team gets, read with its original fields kept."""

from searchtrail.records.fields import STANDARD_FIELDS, standardise
from searchtrail.records.model import ParsedFile, RawRecord
from searchtrail.records.reader import FORMATS, detect_format, read_export

__all__ = [
    "FORMATS",
    "STANDARD_FIELDS",
    "ParsedFile",
    "RawRecord",
    "detect_format",
    "read_export",
    "standardise",
]
