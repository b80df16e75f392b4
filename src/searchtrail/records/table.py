"""Parsed records as one table: a row per record, with a stable id and its provenance.

Columns: ``record_id`` (see :mod:`searchtrail.records.identity`), ``origin_id`` (the search
or record file), ``file``, ``position``
(1-based, counted across the origin's files in order), ``line`` (where the record starts in
its file), ``format``, the standard fields, and ``raw``: the record's original fields, as a
JSON list of [tag, value] pairs in file order.

The table is stored once per stage as Parquet, so later stages read columns, not files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Final

import pandas as pd

from searchtrail.records.fields import STANDARD_FIELDS, standardiser
from searchtrail.records.identity import CONTENT_FIELDS, record_key, told_apart
from searchtrail.records.model import ParsedFile, RawRecord

COLUMNS: Final = (
    "record_id",
    "origin_id",
    "file",
    "position",
    "line",
    "format",
    *STANDARD_FIELDS,
    "raw",
)

IdMaker = Callable[[RawRecord, dict[str, str], int], str | None]
"""Makes a record's id from the record, its standard fields and its position; None leaves
the id to the table (``<origin>:<key>``)."""


class RecordColumns:
    """Records gathered column by column (cheaper than a dict per record)."""

    def __init__(self) -> None:
        self.data: dict[str, list[object]] = {name: [] for name in COLUMNS}
        self._made: list[bool] = []
        """Per record: whether its id is a key made here (not one the caller gave)."""

    def __len__(self) -> int:
        return len(self.data["record_id"])

    def add(
        self,
        parsed: ParsedFile,
        *,
        origin_id: str,
        first_position: int = 1,
        record_id: IdMaker | None = None,
        columns: Mapping[str, str] | None = None,
        keep_raw: bool = True,
    ) -> int:
        """Add every record of ``parsed``; return how many were added.

        ``record_id`` makes each record's id from the record, its standard fields and its
        position; by default (or where it gives None) the id is ``<origin_id>:<key>``
        (:func:`~searchtrail.records.identity.record_key`; records that share a key are told
        apart when the table is made, see :func:`~searchtrail.records.identity.told_apart`).
        Without ``keep_raw`` the original fields are left out (the ``raw`` column stays
        empty).
        """
        data = self.data
        encode = _RAW_ENCODER.encode
        standardise = standardiser(parsed.format, columns)
        for offset, record in enumerate(parsed.records):
            position = first_position + offset
            fields = standardise(record.fields)
            given = record_id(record, fields, position) if record_id else None
            data["record_id"].append(given or f"{origin_id}:{record_key(fields)}")
            self._made.append(given is None)
            data["origin_id"].append(origin_id)
            data["file"].append(parsed.file)
            data["position"].append(position)
            data["line"].append(record.line)
            data["format"].append(parsed.format)
            for name in STANDARD_FIELDS:
                data[name].append(fields[name])
            data["raw"].append(encode(record.fields) if keep_raw else "")
        return len(parsed.records)

    def extend(self, other: RecordColumns) -> None:
        """Append another set of records (read elsewhere, in another process)."""
        for name, values in other.data.items():
            self.data[name].extend(values)
        self._made.extend(other._made)

    def frame(self) -> pd.DataFrame:
        """The records as a table, columns in their fixed order (empty tables included).

        The gathered lists are released as their columns are built."""
        self._tell_apart()
        self._made = []
        table = pd.DataFrame({"record_id": self.data.pop("record_id")})
        for name in COLUMNS[1:]:
            table[name] = pd.Series(self.data.pop(name), index=table.index)
        self.data = {name: [] for name in COLUMNS}
        for name in ("position", "line"):
            table[name] = table[name].astype("int64")
        return table

    def _tell_apart(self) -> None:
        """Give records that share a made key ids of their own, by what they say."""
        ids = self.data["record_id"]
        sharing: dict[object, list[int]] = {}
        for index, (name, made) in enumerate(zip(ids, self._made, strict=True)):
            if made:
                sharing.setdefault(name, []).append(index)
        for base, indices in sharing.items():
            if len(indices) < 2:
                continue
            contents = [self._says(i) for i in indices]
            for index, name in zip(indices, told_apart(str(base), contents), strict=True):
                ids[index] = name

    def _says(self, index: int) -> str:
        """Everything record ``index`` says, in a fixed order: its standard fields and, when
        kept, its original fields (which hold what no standard field does: an edition, a
        note, a place), without the exporting program's own id, which it renumbers."""
        data = self.data
        own = str(data["own_id"][index]).strip()
        said = [f"{name}={data[name][index]}" for name in CONTENT_FIELDS]
        raw = str(data["raw"][index] or "")
        if raw:
            said += sorted(
                f"{tag}={value}"
                for tag, value in json.loads(raw)
                if not own or value.strip() != own
            )
        return "\x1f".join(said)


_RAW_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def write(table: pd.DataFrame, path: Path) -> None:
    """Store a records table as Parquet (compressed with zstd, row order kept)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(path, index=False, compression="zstd")


def read(path: Path, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Read a records table, or some of its columns."""
    return pd.read_parquet(path, columns=list(columns) if columns is not None else None)
