"""CSV as every file of the project writes it: a header, quoting where needed, LF endings,
and cells a spreadsheet would run as a formula made harmless.

A CSV file is opened in a spreadsheet sooner or later (the README asks people to answer
duplicate questions in one). A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return) is run there as a formula, so a title or query crafted as one could
act on the reader's machine. Every such cell is written with a leading ``'`` (the OWASP
rule for CSV injection), which spreadsheets show as text; the values stay unchanged in the
Parquet and JSON files beside them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Final

import pandas as pd

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutral(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restored(cell: str) -> str:
    """A cell as it was before :func:`neutral`: what searchtrail wrote into a table people
    keep (a reason "-1 no control group" written as "'-1 no control group") is read back as
    it was meant."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]], *, delimiter: str = ",") -> str:
    """CSV with a header, every field quoted as needed, LF line endings, formula-leading
    cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, delimiter=delimiter)
    writer.writerow([neutral(name) for name in header])
    writer.writerows([neutral(str(cell)) for cell in row] for row in rows)
    return buffer.getvalue()


def frame_csv(frame: pd.DataFrame) -> str:
    """A table as CSV (no index, LF endings), formula-leading text cells neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            safe[column] = values.map(lambda v: neutral(v) if isinstance(v, str) else v)
    return str(safe.to_csv(index=False, lineterminator="\n"))
