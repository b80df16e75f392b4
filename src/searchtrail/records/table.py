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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from searchtrail.records import columnar
from searchtrail.records.fields import STANDARD_FIELDS, standardiser
from searchtrail.records.identity import (
    CONTENT_FIELDS,
    KEY_FIELDS,
    record_key,
    record_keys,
    told_apart,
)
from searchtrail.records.model import ParsedFile, RawRecord
from searchtrail.threads import each_in_order

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

IdPolicy = Literal["own", "key", "position"]
"""How ``searchtrail dedup`` names records: see :class:`RecordIds`."""


@dataclass(frozen=True)
class RecordIds:
    """Ids the caller gives records: with ``position``, ``<prefix>:<position>``; with
    ``own``, the file's own id of a record that has one (RIS ``ID``, a table's
    ``record_id``); with ``key`` (and for a record without its own id), none, which leaves
    the id to the table (``<origin>:<key>``)."""

    policy: IdPolicy
    prefix: str

    def __call__(self, fields: Mapping[str, str], position: int) -> str | None:
        """The id of one record, from its standard fields and its position."""
        if self.policy == "position":
            return f"{self.prefix}:{position}"
        own = fields.get("own_id", "").strip()
        return own if self.policy == "own" and own else None

    def of_columns(
        self, standard: Mapping[str, pa.Array], positions: np.ndarray
    ) -> list[str | None]:
        """The ids of records held as columns, as :meth:`__call__` gives them one by one."""
        if self.policy == "position":
            return [f"{self.prefix}:{position}" for position in positions.tolist()]
        if self.policy == "key":
            return [None] * len(positions)
        return [value.strip() or None for value in standard["own_id"].to_pylist()]


class RecordColumns:
    """Records gathered column by column (cheaper than a dict per record). Every
    :data:`CHUNK` records the gathered values are moved into Arrow arrays, which hold text
    in a fraction of the memory of Python strings, so a million records are never all
    Python objects at once."""

    CHUNK: Final = 20_000

    def __init__(self) -> None:
        self.data: dict[str, list[object]] = {name: [] for name in COLUMNS}
        self._chunks: dict[str, list[pa.Array]] = {name: [] for name in COLUMNS[1:]}
        self._ids: list[str] = []
        """Every record's id (kept as text: records that share a made key are renamed)."""
        self._made: list[bool] = []
        """Per record: whether its id is a key made here (not one the caller gave)."""

    def __len__(self) -> int:
        return len(self._ids)

    def add(
        self,
        parsed: ParsedFile,
        *,
        origin_id: str,
        first_position: int = 1,
        record_id: RecordIds | None = None,
        columns: Mapping[str, str] | None = None,
        keep_raw: bool = True,
        release: bool = False,
    ) -> int:
        """Add every record of ``parsed``; return how many were added.

        ``record_id`` (:class:`RecordIds`) gives records the caller names their ids; by
        default (or where it gives None) the id is ``<origin_id>:<key>``
        (:func:`~searchtrail.records.identity.record_key`; records that share a key are told
        apart when the table is made, see :func:`~searchtrail.records.identity.told_apart`).
        A file read column by column (``parsed.columns``) is added as columns.
        Without ``keep_raw`` the original fields are left out (the ``raw`` column stays
        empty). With ``release``, each parsed record is let go once it is added (the
        caller no longer needs ``parsed.records``, which is left empty), so its memory
        goes as the table's grows.
        """
        if parsed.columns is not None:
            if columns:  # the log names a field's source: the records are standardised one by one
                parsed.records = parsed.columns.records()
                parsed.columns = None
            else:
                return self._add_columns(
                    parsed,
                    origin_id=origin_id,
                    first_position=first_position,
                    record_id=record_id,
                    keep_raw=keep_raw,
                    release=release,
                )
        data = self.data
        encode = _RAW_ENCODER.encode
        standardise = standardiser(parsed.format, columns)
        records = parsed.records
        count = len(records)
        if release:
            parsed.records = []
        for offset in range(count):
            record = records[offset]
            if release:
                records[offset] = _ADDED
            position = first_position + offset
            fields = standardise(record.fields)
            given = record_id(fields, position) if record_id else None
            self._ids.append(given or f"{origin_id}:{record_key(fields)}")
            self._made.append(given is None)
            data["origin_id"].append(origin_id)
            data["file"].append(parsed.file)
            data["position"].append(position)
            data["line"].append(record.line)
            data["format"].append(parsed.format)
            for name in STANDARD_FIELDS:
                data[name].append(fields[name])
            data["raw"].append(encode(record.fields) if keep_raw else "")
            if len(data["line"]) >= self.CHUNK:
                self._store()
        return count

    def _add_columns(
        self,
        parsed: ParsedFile,
        *,
        origin_id: str,
        first_position: int,
        record_id: RecordIds | None,
        keep_raw: bool,
        release: bool,
    ) -> int:
        """:meth:`add` for a file read column by column: its columns join the table's."""
        found = parsed.columns
        assert found is not None
        if release:
            parsed.columns = None
        self._store()

        def standardised(
            piece: columnar.TaggedColumns,
        ) -> tuple[columnar.TaggedColumns, dict[str, pa.Array], pa.Array]:
            count = len(piece)
            raw = (
                columnar.raw_json(piece) if keep_raw else pa.array([""] * count, pa.large_string())
            )
            return piece, columnar.standardise(piece, parsed.format), raw

        count = 0
        pieces = _taken(found.pieces) if release else list(found.pieces)
        # The pieces are standardised two at a time, in threads, and added in their order.
        for piece, standard, raw in each_in_order(standardised, pieces):
            count += self._add_piece(
                piece,
                standard,
                raw,
                parsed,
                origin_id=origin_id,
                first_position=first_position + count,
                record_id=record_id,
            )
        return count

    def _add_piece(
        self,
        found: columnar.TaggedColumns,
        standard: dict[str, pa.Array],
        raw: pa.Array,
        parsed: ParsedFile,
        *,
        origin_id: str,
        first_position: int,
        record_id: RecordIds | None,
    ) -> int:
        """Add the records of one piece of a file read column by column (``standard``, its
        standard fields; ``raw``, its original fields as JSON or empty)."""
        count = len(found)
        positions = np.arange(first_position, first_position + count, dtype=np.int64)
        given: list[str | None] = (
            record_id.of_columns(standard, positions) if record_id else [None] * count
        )
        made = [name is None for name in given]
        keyed = [i for i, name in enumerate(given) if name is None]
        if keyed:
            chosen = pa.array(keyed, pa.int64())
            keys = record_keys({name: standard[name].take(chosen) for name in KEY_FIELDS})
            for i, key in zip(keyed, keys, strict=True):
                given[i] = f"{origin_id}:{key}"
        self._ids.extend(given)  # type: ignore[arg-type]
        self._made.extend(made)
        repeated = {"origin_id": origin_id, "file": parsed.file, "format": parsed.format}
        for name, value in repeated.items():
            self._chunks[name].append(pa.array([value] * count, pa.large_string()))
        self._chunks["position"].append(pa.array(positions))
        self._chunks["line"].append(pa.array(found.lines.astype(np.int64)))
        for name in STANDARD_FIELDS:
            self._chunks[name].append(standard[name].cast(pa.large_string()))
        self._chunks["raw"].append(raw.cast(pa.large_string()))
        return count

    def _store(self) -> None:
        """Move the gathered values into Arrow arrays."""
        for name in COLUMNS[1:]:
            values = self.data[name]
            kind = pa.int64() if name in ("position", "line") else pa.large_string()
            self._chunks[name].append(pa.array(values, type=kind))
            values.clear()

    def frame(self) -> pd.DataFrame:
        """The records as a table, columns in their fixed order (empty tables included).

        The gathered values are released as the table is built."""
        return to_frame(self.table())

    def table(self) -> pa.Table:
        """:meth:`frame` as an Arrow table (the gathered values are released)."""
        self._store()
        self._tell_apart()
        arrays = {"record_id": pa.array(self._ids, type=pa.large_string())}
        self._ids, self._made = [], []
        for name in COLUMNS[1:]:
            kind = pa.int64() if name in ("position", "line") else pa.large_string()
            arrays[name] = pa.chunked_array(self._chunks[name], type=kind)
            self._chunks[name] = []
        self.data = {name: [] for name in COLUMNS}
        return pa.table(arrays)

    def _tell_apart(self) -> None:
        """Give records that share a made key ids of their own, by what they say."""
        ids = self._ids
        sharing: dict[str, list[int]] = {}
        for index, (name, made) in enumerate(zip(ids, self._made, strict=True)):
            if made:
                sharing.setdefault(name, []).append(index)
        shared = [(base, indices) for base, indices in sharing.items() if len(indices) > 1]
        if not shared:
            return
        said = {
            name: pa.chunked_array(self._chunks[name], type=pa.large_string())
            for name in (*CONTENT_FIELDS, "own_id", "raw")
        }
        for base, indices in shared:
            contents = [self._says(said, i) for i in indices]
            for index, name in zip(indices, told_apart(base, contents), strict=True):
                ids[index] = name

    @staticmethod
    def _says(said: Mapping[str, pa.ChunkedArray], index: int) -> str:
        """Everything record ``index`` says, in a fixed order: its standard fields and, when
        kept, its original fields (which hold what no standard field does: an edition, a
        note, a place), without the exporting program's own id, which it renumbers."""

        def value(name: str) -> str:
            return str(said[name][index].as_py() or "")

        own = value("own_id").strip()
        parts = [f"{name}={value(name)}" for name in CONTENT_FIELDS]
        raw = value("raw")
        if raw:
            parts += sorted(
                f"{tag}={text}" for tag, text in json.loads(raw) if not own or text.strip() != own
            )
        return "\x1f".join(parts)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """A records table from Arrow, its text as pandas' string type (the Arrow table's memory
    is handed over as it is converted)."""
    frame: pd.DataFrame = table.to_pandas(types_mapper=string_types, self_destruct=True)
    return frame


def string_types(kind: pa.DataType) -> pd.api.extensions.ExtensionDtype | None:
    """Arrow strings as pandas' own string type (what a column of Python strings becomes)."""
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pd.StringDtype(storage="pyarrow", na_value=float("nan"))
    return None


T = TypeVar("T")


def _taken(items: list[T]) -> Iterator[T]:
    """The items of ``items``, each taken out of the list as it is given."""
    items.reverse()
    while items:
        yield items.pop()


_ADDED: Final = RawRecord(0, [])
"""Put in place of a parsed record once it is added and let go."""


_RAW_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def write(table: pd.DataFrame, path: Path) -> None:
    """Store a records table as Parquet (compressed with zstd, row order kept)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(path, index=False, compression="zstd")


def read(path: Path, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Read a records table, or some of its columns."""
    return pd.read_parquet(path, columns=list(columns) if columns is not None else None)
