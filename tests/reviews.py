"""Small review directories written from Python: the log, RIS exports and decision files.

Each publication gets a title of its own words, authors, a journal, a DOI and a PubMed id,
so that the records of one publication are merged by their DOI and no two publications look
alike. A record's id is then ``<search>:pmid-<PubMed id>`` (:func:`record_id`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

WORDS = (
    "parenting", "orchard", "glacier", "lantern", "meadow", "harbour", "saffron", "granite",
    "violin", "pepper", "compass", "thistle", "falcon", "mosaic", "tundra", "velvet",
    "quarry", "walnut", "beacon", "canyon", "dolphin", "ember", "fjord", "gazelle",
    "hammock", "iris", "juniper", "kettle", "lagoon", "marble", "nectar", "oyster",
    "pebble", "quill", "raven", "sorrel", "tapestry", "umber", "valley", "willow",
    "yarrow", "zephyr", "anchor", "bramble", "cobalt", "dune", "estuary", "fennel",
    "garnet", "heather", "indigo", "jasper", "kelp", "linden", "mistral", "nutmeg",
    "obsidian", "poplar", "quartz", "rosehip", "sequoia", "tamarind", "ursine", "vetch",
)  # fmt: skip
SURNAMES = (
    "Larsen", "Berg", "Dahl", "Nilsen", "Hansen", "Moen", "Strand", "Lie", "Solberg",
    "Aas", "Vik", "Ek", "Ruud", "Haugen", "Bakke", "Lund",
)  # fmt: skip
REASONS = ("Wrong population", "Wrong intervention", "Wrong study design")
PMID_BASE = 30_000_000


def record_id(origin: str, key: int, copy: int = 1) -> str:
    """The id of the record of publication ``key`` in ``origin`` (a search or record file);
    ``copy``: the second, third... record of it in that origin's export."""
    suffix = f"~{copy}" if copy > 1 else ""
    return f"{origin}:pmid-{PMID_BASE + key}{suffix}"


@dataclass(frozen=True)
class Work:
    """One publication, as its records describe it."""

    key: int

    @property
    def title(self) -> str:
        words = [WORDS[(4 * self.key + i) % len(WORDS)] for i in range(4)]
        return (
            f"{words[0].capitalize()} {words[1]} and {words[2]} outcomes in {words[3]} "
            f"families: a trial numbered {self.key + 1}"
        )

    @property
    def doi(self) -> str:
        return f"10.9999/test.{self.key + 1:04d}"

    @property
    def pmid(self) -> int:
        return PMID_BASE + self.key

    def ris(self, *, abstract: bool = False, pmid: bool = True) -> str:
        first = SURNAMES[self.key % len(SURNAMES)]
        second = SURNAMES[(self.key * 7 + 3) % len(SURNAMES)]
        lines = [
            "TY  - JOUR",
            f"AU  - {first}, Kari",
            f"AU  - {second}, Per",
            f"TI  - {self.title}",
            f"T2  - Journal of {WORDS[(self.key * 3 + 1) % len(WORDS)].capitalize()} Studies",
            f"PY  - {2000 + self.key % 24}",
            f"VL  - {self.key % 40 + 1}",
            f"SP  - {100 + self.key * 3}",
            f"EP  - {108 + self.key * 3}",
            f"DO  - {self.doi}",
        ]
        if pmid:
            lines += [f"AN  - {self.pmid}", "DP  - NLM"]
        if abstract:
            lines.append(f"AB  - An abstract about {self.title.lower()}.")
        lines.append("ER  - ")
        return "\n".join(lines) + "\n"


def ris(keys: Iterable[int], *, abstracts: Iterable[int] = (), pmids: bool = True) -> str:
    """An RIS file with one record per key (a key twice: the same publication twice);
    without ``pmids``, records without a PubMed id."""
    full = set(abstracts)
    return "\n".join(Work(key).ris(abstract=key in full, pmid=pmids) for key in keys)


@dataclass
class ReviewFiles:
    """What a review directory holds, before it is written."""

    searches: list[dict[str, Any]] = field(default_factory=list)
    record_files: list[dict[str, Any]] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)
    """File name (relative to the review) -> text."""
    screening: dict[str, list[Sequence[str]]] = field(default_factory=dict)
    """Stage (removed, title_abstract, ...) -> rows after the header; a stage present with
    no rows is a file with only its header."""
    title: str = "A review for tests"

    def search(
        self,
        search_id: str,
        kind: str = "database",
        *,
        source: str | None = None,
        identified: int | str = "unknown",
        for_assessment: int | str | None = None,
        round_number: int = 1,
        export: Sequence[int] | None = None,
        holds: str = "identified",
        abstracts: Iterable[int] = (),
        pmids: bool = True,
    ) -> None:
        """Add a search; with ``export``, an RIS export of those publications (without
        ``pmids``, records without a PubMed id)."""
        entry: dict[str, Any] = {
            "id": search_id,
            "source": source or search_id.split("-", maxsplit=1)[0].upper(),
            "kind": kind,
            "date": f"{2023 + round_number}-03-0{min(len(self.searches) % 9 + 1, 9)}",
            "round": round_number,
            "query": f"query of {search_id}",
            "identified": identified,
        }
        if for_assessment is not None:
            entry["for_assessment"] = for_assessment
        if "unknown" in (identified, for_assessment):
            entry["note"] = "The number was not written down."
        if export is not None:
            name = f"searches/exports/{search_id}.ris"
            entry["export"] = {"files": name, "holds": holds}
            self.exports[name] = ris(export, abstracts=abstracts, pmids=pmids)
        self.searches.append(entry)

    def record_file(
        self,
        file_id: str,
        keys: Sequence[int],
        *,
        holds: str,
        searches: Sequence[str] | str,
        complete: bool,
        round_number: int | None = None,
    ) -> None:
        """Add a record file holding those publications."""
        name = f"searches/records/{file_id}.ris"
        entry: dict[str, Any] = {
            "id": file_id,
            "files": name,
            "holds": holds,
            "searches": searches if isinstance(searches, str) else list(searches),
            "complete": complete,
        }
        if round_number is not None:
            entry["round"] = round_number
        self.record_files.append(entry)
        self.exports[name] = ris(keys)

    def decide(self, stage: str, *row: str) -> None:
        """Add a decision row (without its header) to ``screening/<stage>.csv``."""
        self.screening.setdefault(stage, []).append(row)

    def write(self, directory: Path) -> Path:
        """Write the review into ``directory``; return it."""
        review = {
            "title": self.title,
            "questions": [{"id": "Q1", "text": "Does it work?"}],
            "exclusion_reasons": list(REASONS),
        }
        log: dict[str, Any] = {"searches": self.searches}
        if self.record_files:
            log["record_files"] = self.record_files
        _write(directory / "searches/review.yaml", yaml.safe_dump(review, sort_keys=False))
        _write(directory / "searches/log.yaml", yaml.safe_dump(log, sort_keys=False))
        for name, text in self.exports.items():
            _write(directory / name, text)
        for stage, rows in self.screening.items():
            _write(directory / f"screening/{stage}.csv", table(HEADERS[stage], rows))
        return directory


HEADERS: Mapping[str, tuple[str, ...]] = {
    "removed": ("record_id", "removed_by", "reason"),
    "title_abstract": ("record_id", "decision"),
    "retrieval": ("record_id", "retrieved"),
    "full_text": ("record_id", "decision", "reason"),
    "studies": ("record_id", "study_id"),
}


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(directory: Path) -> dict[str, str]:
    """Run the pipeline's five stages on a review directory; return every report, by its
    path relative to the review."""
    from searchtrail.layout import OUTPUTS
    from searchtrail.pipeline import (
        stage_counts,
        stage_dedup,
        stage_records,
        stage_reports,
        stage_screening,
    )

    stage_records(directory)
    stage_dedup(directory)
    stage_screening(directory)
    stage_counts(directory)
    stage_reports(directory)
    return {
        name: (directory / name).read_text(encoding="utf-8")
        for stage in ("screening", "counts", "reports")
        for name in OUTPUTS[stage].values()
        if not name.endswith((".parquet", ".png", ".pdf"))
    }


def rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV text."""
    return list(csv.DictReader(io.StringIO(text)))


def prisma(reports: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """PRISMA.csv's rows by their data name."""
    return {row["data"]: row for row in rows(reports["reports/PRISMA.csv"]) if row["data"] != "NA"}
