"""The review's metadata and search log as validated data.

A review directory holds ``searches/review.yaml`` (what the review asks and how its searches
were limited) and ``searches/log.yaml`` (one entry per search). :func:`load_review` reads
both, validates them against the packaged schemas and the rules below, and returns a
:class:`Review`. Every problem in both files is reported at once in a
:class:`~searchtrail.errors.ReviewError`.

Rules beyond the schemas:

- search ids and record-file ids are unique;
- ``for_assessment`` is never larger than ``identified`` when both are known;
- a count written ``unknown`` comes with a ``note`` saying why;
- searches in the other-methods column state ``for_assessment`` (it is their number of
  reports sought for retrieval), as a number or ``unknown``;
- dates are real calendar dates; rounds run 1, 2, ... without gaps;
- export and record files lie inside the review directory, exist, and belong to one search.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Final, Literal

from searchtrail.decoding import decode
from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.layout import LOG_FILE, REVIEW_FILE
from searchtrail.schemas import schema_problems
from searchtrail.yamlio import Path_, YamlDocument, load_yaml

Kind = Literal["database", "register", "website", "organisation", "citation_search", "other"]
KINDS: Final[tuple[Kind, ...]] = (
    "database",
    "register",
    "website",
    "organisation",
    "citation_search",
    "other",
)
DATABASE_KINDS: Final = frozenset({"database", "register"})
OTHER_METHOD_KINDS: Final = frozenset({"website", "organisation", "citation_search", "other"})
UNKNOWN: Final = "unknown"

Column = Literal["databases", "other", "outside"]
DATABASES: Final = "databases"
OTHER: Final = "other"
OUTSIDE: Final = "outside"
RECORD_FILE: Final = "record file"


@dataclass(frozen=True)
class ExportSpec:
    """Where a search's records are, which of its counts they should match, and how to read
    them when their content does not say (format, encoding, table columns)."""

    files: tuple[str, ...]
    holds: Literal["identified", "for_assessment"]
    format: str | None = None
    encoding: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    skip_unreadable: bool = False


@dataclass(frozen=True)
class Search:
    """One search as the log documents it. ``None`` counts are unknown, never zero.

    ``for_assessment_recorded`` is False for a database or register search whose entry
    leaves ``for_assessment`` out (its records go to screening): that is "not recorded",
    not "unknown", and the search stays out of for-assessment sums.
    """

    id: str
    source: str
    kind: Kind
    date: str
    query: str
    identified: int | None
    for_assessment: int | None
    for_assessment_recorded: bool = True
    platform: str = ""
    country: str = ""
    round: int = 1
    method: str = ""
    limits: tuple[str, ...] = ()
    note: str = ""
    log_text: str = ""
    export: ExportSpec | None = None
    line: int | None = None


@dataclass(frozen=True)
class RecordFile:
    """A record file covering several searches, or records found outside them."""

    id: str
    files: tuple[str, ...]
    holds: Literal["identified", "for_assessment", "included"]
    searches: tuple[str, ...] | Literal["all"]
    complete: bool
    format: str | None = None
    note: str = ""
    line: int | None = None
    round: int | None = None
    """The search round its records belong to, when the log says (else the earliest round
    of the searches it covers, or 1)."""


@dataclass(frozen=True)
class Origin:
    """Where records come from: a search (with or without an export) or a record file.

    ``column`` places its records in the PRISMA 2020 diagram: a database or register search
    in the databases-and-registers column, another search in the other-methods column; a
    record file in the databases column when every search it covers is a database or
    register search, in the other-methods column when it covers other searches, and
    ``outside`` when it covers none (records found outside the log's searches).
    """

    id: str
    name: str
    """The source its records are counted under: the search's source, or 'record file <id>'."""
    kind: str
    """The search's kind, or 'record file'."""
    column: Column
    round: int
    holds: str | None
    """What its records are (identified, for_assessment, included); None: no records."""
    complete: bool
    """Whether its records are all of what ``holds`` names (a search's export always is)."""
    searches: tuple[str, ...]
    """The searches its records belong to (a search: itself)."""
    is_search: bool


@dataclass(frozen=True)
class Question:
    """A review question and its PICO, verbatim."""

    id: str
    text: str
    translation: str = ""
    population: str = ""
    intervention: str = ""
    comparison: str = ""
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """A validated review: metadata, searches in log order, record files."""

    title: str
    questions: tuple[Question, ...]
    searches: tuple[Search, ...]
    record_files: tuple[RecordFile, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)

    def origins(self) -> tuple[Origin, ...]:
        """Every search and record file as a place records come from, in log order."""
        found = [
            Origin(
                id=s.id,
                name=s.source,
                kind=s.kind,
                column=DATABASES if s.kind in DATABASE_KINDS else OTHER,
                round=s.round,
                holds=s.export.holds if s.export else None,
                complete=True,
                searches=(s.id,),
                is_search=True,
            )
            for s in self.searches
        ]
        for r in self.record_files:
            covered = [s for s in self.searches if r.searches == "all" or s.id in r.searches]
            column: Column
            if not covered:
                column = OUTSIDE
            elif all(s.kind in DATABASE_KINDS for s in covered):
                column = DATABASES
            else:
                column = OTHER
            found.append(
                Origin(
                    id=r.id,
                    name=f"{RECORD_FILE} {r.id}",
                    kind=RECORD_FILE,
                    column=column,
                    round=r.round or min((s.round for s in covered), default=1),
                    holds=r.holds,
                    complete=r.complete,
                    searches=tuple(s.id for s in covered),
                    is_search=False,
                )
            )
        return tuple(found)

    @property
    def exclusion_reasons(self) -> tuple[str, ...]:
        """The full-text exclusion reasons the review defines (review.yaml)."""
        return tuple(str(reason) for reason in self.metadata.get("exclusion_reasons", ()))

    @property
    def rounds(self) -> tuple[int, ...]:
        """The search rounds present, in order."""
        return tuple(sorted({search.round for search in self.searches}))

    def search(self, search_id: str) -> Search:
        """The search with id ``search_id``."""
        for search in self.searches:
            if search.id == search_id:
                return search
        raise KeyError(search_id)


FileCheck = Callable[[str], str | None]
"""Checks one path relative to the review directory; returns what is wrong, or None."""


def parse_review(
    review_text: str,
    log_text: str,
    *,
    review_file: str = REVIEW_FILE,
    log_file: str = LOG_FILE,
    check_file: FileCheck | None = None,
) -> Review:
    """Validate the two files' text and build a :class:`Review`.

    ``check_file`` is asked about every export and record file path; without it, paths are
    only checked for form (relative, inside the review directory). Raises
    :class:`ReviewError` with every problem found.
    """
    review_doc = load_yaml(review_text, file=review_file)
    log_doc = load_yaml(log_text, file=log_file)
    problems: list[Problem] = [*review_doc.problems, *log_doc.problems]

    for document, schema, namer in (
        (review_doc, "review", _review_entry),
        (log_doc, "log", _log_entry(log_doc)),
    ):
        if document.data is None and not document.problems:
            problems.append(
                Problem.of_file(document.file, "the file's content", "the file is empty")
            )
        elif document.data is not None:
            problems.extend(schema_problems(document, schema, namer))
    problems.extend(_check_review(review_doc))
    problems.extend(_check_log(log_doc, check_file))
    if problems:
        raise ReviewError(problems)
    return _build(review_doc, log_doc)


def load_review(directory: Path | str) -> Review:
    """Read and validate the review in ``directory`` (which holds ``searches/``)."""
    root = Path(directory)
    if not root.is_dir():
        raise ReviewError(
            [
                Problem.of_file(
                    str(root),
                    "a review directory: a folder holding searches/review.yaml and "
                    "searches/log.yaml",
                    "it is a file, not a folder" if root.exists() else "there is no such folder",
                )
            ]
        )
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for name in (REVIEW_FILE, LOG_FILE):
        path = root / name
        if not path.exists():
            problems.append(Problem.of_file(name, f"a file at {path}", "the file does not exist"))
            continue
        if not path.is_file():
            problems.append(Problem.of_file(name, f"a file at {path}", "it is not a file"))
            continue
        try:
            texts[name] = read_text(path, file=name)
        except ReviewError as error:
            problems.extend(error.problems)
    if problems:
        raise ReviewError(problems)
    return parse_review(texts[REVIEW_FILE], texts[LOG_FILE], check_file=directory_file_check(root))


def read_text(path: Path, *, file: str | None = None) -> str:
    """Read a text file: UTF-8 or UTF-16 (with or without a byte-order mark), or
    Windows-1252 (see :func:`searchtrail.decoding.decode`)."""
    text, _ = decode(path.read_bytes(), file=file or str(path))
    return text


def directory_file_check(root: Path) -> FileCheck:
    """A :data:`FileCheck` that looks for files under ``root``: each must exist, lie inside
    it (also through links) but outside ``reports/``, and not be a file another path of the
    log already names (through a link)."""
    resolved_root = root.resolve()
    elsewhere = {(root / folder).resolve(): why for folder, why in KEPT_ELSEWHERE.items()}
    seen: dict[Path, str] = {}

    def check(relative: str) -> str | None:
        try:
            path = (root / relative).resolve()
        except RuntimeError:
            return "the path cannot be followed: its links lead round in a loop"
        except OSError as error:
            return f"the path cannot be followed ({error.strerror or error})"
        if not path.is_relative_to(resolved_root):
            return "the path leads outside the review directory (through a link)"
        for folder, why in elsewhere.items():
            if path.is_relative_to(folder):
                return why + " (it leads there through a link)"
        if not path.exists():
            return "no such file"
        if not path.is_file():
            return "the path is not a file"
        first = seen.setdefault(path, relative)
        if first != relative:
            return f"it is {first} under another name (a link); its records would be counted twice"
        return None

    return check


# --- entry names for messages -------------------------------------------------------------


def _review_entry(path: Path_) -> tuple[str | None, int]:
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        return f"question #{path[1] + 1}", 2
    if len(path) >= 2 and path[0] == "search_terms" and isinstance(path[1], int):
        return f"search_terms #{path[1] + 1}", 2
    return None, 0


def _log_entry(document: YamlDocument) -> Callable[[Path_], tuple[str | None, int]]:
    def name(path: Path_) -> tuple[str | None, int]:
        if len(path) >= 2 and isinstance(path[1], int) and path[0] in ("searches", "record_files"):
            label = "search" if path[0] == "searches" else "record file"
            items = document.data.get(path[0]) if isinstance(document.data, dict) else None
            item = items[path[1]] if isinstance(items, list) and path[1] < len(items) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            if isinstance(item_id, str) and item_id:
                return f"{label} '{item_id}'", 2
            return f"{label} #{path[1] + 1}", 2
        return None, 0

    return name


# --- checks beyond the schema ---------------------------------------------------------------


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    """The mappings in list ``data[key]``, with their positions; anything else is skipped
    (the schema check reports it)."""
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _name(label: str, index: int, item: dict[str, Any]) -> str:
    item_id = item.get("id")
    return (
        f"{label} '{item_id}'" if isinstance(item_id, str) and item_id else f"{label} #{index + 1}"
    )


def _check_review(document: YamlDocument) -> list[Problem]:
    data = document.data
    problems: list[Problem] = []
    limits = data.get("limits") if isinstance(data, dict) else None
    years = limits.get("publication_years") if isinstance(limits, dict) else None
    first = years.get("from") if isinstance(years, dict) else None
    last = years.get("to") if isinstance(years, dict) else None
    if isinstance(first, int) and isinstance(last, int) and first > last:
        problems.append(
            Problem(
                document.file,
                document.line(("limits", "publication_years")),
                None,
                "limits.publication_years",
                f"{first}–{last}",
                "'from' no later than 'to'",
                f"the first year {first} is after the last year {last}",
            )
        )
    problems.extend(_duplicates(document, "questions", "question"))
    return problems


def _check_log(document: YamlDocument, check_file: FileCheck | None) -> list[Problem]:
    searches = _items(document.data, "searches")
    record_files = _items(document.data, "record_files")
    problems: list[Problem] = []
    problems.extend(_duplicates(document, "searches", "search"))
    problems.extend(_duplicates(document, "record_files", "record file"))
    for index, search in searches:
        problems.extend(_search_problems(document, index, search))
    problems.extend(_round_problems(document, searches))
    problems.extend(_file_problems(document, searches, record_files, check_file))

    known_ids = {s["id"] for _, s in searches if isinstance(s.get("id"), str)}
    for index, record_file in record_files:
        if record_file.get("id") in known_ids:
            problems.append(
                Problem(
                    document.file,
                    document.line(("record_files", index, "id")),
                    _name("record file", index, record_file),
                    "id",
                    show_value(record_file["id"]),
                    "an id no search uses (record ids start with it)",
                    "a search already has this id",
                )
            )
    last_round = max((r for _, s in searches if isinstance(r := s.get("round", 1), int)), default=1)
    for index, record_file in record_files:
        number = record_file.get("round")
        if isinstance(number, int) and not isinstance(number, bool) and number > last_round:
            problems.append(
                Problem(
                    document.file,
                    document.line(("record_files", index, "round")),
                    _name("record file", index, record_file),
                    "round",
                    str(number),
                    f"a search round of this log (1 to {last_round})",
                    f"no search is in round {number}",
                )
            )
    for index, record_file in record_files:
        listed = record_file.get("searches")
        if not isinstance(listed, list):
            continue
        for position, search_id in enumerate(listed):
            if isinstance(search_id, str) and search_id not in known_ids:
                problems.append(
                    Problem(
                        document.file,
                        document.line(("record_files", index, "searches", position)),
                        _name("record file", index, record_file),
                        "searches",
                        show_value(search_id),
                        "ids of searches in this log",
                        f"no search has the id {show_value(search_id)}"
                        f"{_close(search_id, known_ids)}",
                    )
                )
    return problems


def _search_problems(document: YamlDocument, index: int, search: dict[str, Any]) -> list[Problem]:
    path: Path_ = ("searches", index)
    entry = _name("search", index, search)
    found: list[Problem] = []

    def add(field_name: str, value: str | None, expected: str, message: str, at: Path_) -> None:
        found.append(
            Problem(document.file, document.line(at), entry, field_name, value, expected, message)
        )

    identified = search.get("identified")
    for_assessment = search.get("for_assessment")
    if (
        isinstance(identified, int)
        and isinstance(for_assessment, int)
        and _is_count(identified)
        and _is_count(for_assessment)
        and for_assessment > identified
    ):
        add(
            "for_assessment",
            str(for_assessment),
            f"for_assessment no larger than identified ({identified})",
            f"{for_assessment} records taken forward is more than the {identified} identified",
            (*path, "for_assessment"),
        )
    unknown = [name for name in ("identified", "for_assessment") if search.get(name) == UNKNOWN]
    if unknown and not search.get("note"):
        add(
            "note",
            None,
            "a note saying why the count is unknown (quote the log's wording)",
            f"{' and '.join(unknown)} is unknown but no note says why",
            path,
        )
    if search.get("kind") in OTHER_METHOD_KINDS and "for_assessment" not in search:
        add(
            "for_assessment",
            None,
            "a number or the word unknown",
            f"a {search['kind']} search needs for_assessment (its reports sought for "
            "retrieval in the PRISMA diagram)",
            path,
        )
    date = search.get("date")
    wrong_date = date_problem(date) if isinstance(date, str) else None
    if wrong_date:
        add(
            "date",
            show_value(date),
            "a real date written YYYY-MM-DD, YYYY-MM or YYYY",
            wrong_date,
            (*path, "date"),
        )
    return found


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _duplicates(document: YamlDocument, key: str, label: str) -> list[Problem]:
    first_seen: dict[str, int] = {}
    problems = []
    for index, item in _items(document.data, key):
        item_id = item.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in first_seen:
            first_line = document.line((key, first_seen[item_id]))
            problems.append(
                Problem(
                    document.file,
                    document.line((key, index, "id")),
                    f"{label} #{index + 1}",
                    "id",
                    show_value(item_id),
                    f"ids unique within {key}",
                    f"id {show_value(item_id)} is already used by the {label} at line {first_line}",
                )
            )
        else:
            first_seen[item_id] = index
    return problems


def date_problem(text: str) -> str | None:
    """What is wrong with a date written YYYY-MM-DD, YYYY-MM or YYYY (None: nothing)."""
    parts_text = text.split("-")
    if not all(part.isdigit() for part in parts_text) or len(parts_text) > 3:
        return None  # the schema's pattern reports the form
    parts = [int(part) for part in parts_text]
    try:
        if len(parts) == 3:
            dt.date(parts[0], parts[1], parts[2])
        elif len(parts) == 2:
            dt.date(parts[0], parts[1], 1)
    except ValueError as error:
        return f"{text} is not a real date ({error})"
    if parts[0] < 1950:
        return f"{text} is before any electronic search was possible"
    return None


def _round_problems(
    document: YamlDocument, searches: list[tuple[int, dict[str, Any]]]
) -> list[Problem]:
    rounds = sorted({r for _, s in searches if isinstance(r := s.get("round", 1), int) and r >= 1})
    if not rounds:
        return []
    missing = sorted(set(range(1, rounds[-1] + 1)) - set(rounds))
    if not missing:
        return []
    return [
        Problem(
            document.file,
            document.line(("searches",)),
            None,
            "round",
            ", ".join(str(r) for r in rounds),
            "rounds numbered 1, 2, 3, ... without gaps",
            f"round {', '.join(str(m) for m in missing)} has no searches",
        )
    ]


def _file_problems(
    document: YamlDocument,
    searches: list[tuple[int, dict[str, Any]]],
    record_files: list[tuple[int, dict[str, Any]]],
    check_file: FileCheck | None,
) -> list[Problem]:
    holders: list[tuple[str, str, Path_, Any]] = []
    for index, search in searches:
        export = search.get("export")
        if isinstance(export, dict):
            holders.append(
                (
                    _name("search", index, search),
                    "export.files",
                    ("searches", index, "export", "files"),
                    export.get("files"),
                )
            )
    for index, record_file in record_files:
        holders.append(
            (
                _name("record file", index, record_file),
                "files",
                ("record_files", index, "files"),
                record_file.get("files"),
            )
        )

    problems: list[Problem] = []
    for index, search in searches:
        export = search.get("export")
        if isinstance(export, dict):
            problems.extend(
                _encoding_problems(
                    document,
                    _name("search", index, search),
                    "export.encoding",
                    ("searches", index, "export", "encoding"),
                    export.get("encoding"),
                )
            )
    for index, record_file in record_files:
        problems.extend(
            _encoding_problems(
                document,
                _name("record file", index, record_file),
                "encoding",
                ("record_files", index, "encoding"),
                record_file.get("encoding"),
            )
        )
    owner: dict[str, str] = {}
    for entry, field_name, field_path, files in holders:
        if isinstance(files, str):
            names = [(files, field_path)]
        elif isinstance(files, list):
            names = [
                (name, (*field_path, i)) for i, name in enumerate(files) if isinstance(name, str)
            ]
        else:
            continue
        for name, at in names:
            problem = partial(_file_problem, document, at, entry, field_name, name)
            form = _path_form_problem(name)
            if form:
                problems.append(
                    problem(
                        "a path relative to the review directory, such as "
                        "searches/exports/medline.ris",
                        form,
                    )
                )
                continue
            normal = posixpath.normpath(name)
            if normal in owner:
                where = "in this list" if owner[normal] == entry else f"by {owner[normal]}"
                problems.append(
                    problem(
                        "each record file listed once",
                        f"the file is already listed {where}; its records would be counted twice",
                    )
                )
                continue
            owner[normal] = entry
            missing = check_file(normal) if check_file is not None else None
            if missing:
                problems.append(problem("an existing file inside the review directory", missing))
    return problems


def _encoding_problems(
    document: YamlDocument, entry: str, field_name: str, at: Path_, value: Any
) -> list[Problem]:
    """A declared encoding Python does not know (a misspelling, or a made-up name)."""
    if not isinstance(value, str):
        return []
    try:
        codecs.lookup(value)
    except LookupError:
        close = _close(value.lower(), KNOWN_ENCODINGS)
        return [
            Problem(
                document.file,
                document.line(at),
                entry,
                field_name,
                show_value(value),
                "an encoding name such as " + ", ".join(KNOWN_ENCODINGS[:6]),
                f"no encoding is called {show_value(value)}{close}",
            )
        ]
    return []


KNOWN_ENCODINGS: Final = (
    "utf-8",
    "utf-16",
    "cp1252",
    "latin-1",
    "mac-roman",
    "cp850",
    "iso-8859-15",
    "cp1250",
    "utf-8-sig",
    "ascii",
)


def _file_problem(
    document: YamlDocument,
    at: Path_,
    entry: str,
    field_name: str,
    name: str,
    expected: str,
    message: str,
) -> Problem:
    return Problem(
        document.file, document.line(at), entry, field_name, show_value(name), expected, message
    )


def _path_form_problem(name: str) -> str | None:
    if not name.strip():
        return "the path is empty"
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return "the path holds a control character"
    if "\\" in name:
        return "the path uses backslashes; write it with forward slashes"
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "the path is absolute; it must be relative to the review directory"
    parts = PurePosixPath(posixpath.normpath(name)).parts
    if parts and parts[0] == "..":
        return "the path leads outside the review directory"
    if parts and parts[0] in KEPT_ELSEWHERE:
        return KEPT_ELSEWHERE[parts[0]]
    return None


KEPT_ELSEWHERE: Final = {
    "reports": "the path is inside reports/, which the pipeline writes and may clear; keep "
    "exports under searches/",
    "screening": "the path is inside screening/, where people's decisions are kept, not "
    "records; keep exports under searches/",
}
"""Folders of the review that hold no exports, and why."""


def _close(value: str, options: Iterable[str]) -> str:
    match = difflib.get_close_matches(value, sorted(options), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


# --- building the data ----------------------------------------------------------------------


def _count(value: Any) -> int | None:
    return None if value == UNKNOWN or value is None else int(value)


def _files(value: str | list[str]) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    return tuple(str(PurePosixPath(name)) for name in names)


def _build(review_doc: YamlDocument, log_doc: YamlDocument) -> Review:
    meta = review_doc.data
    questions = tuple(
        Question(
            id=q["id"],
            text=q["text"],
            translation=q.get("translation", ""),
            population=q.get("pico", {}).get("population", ""),
            intervention=q.get("pico", {}).get("intervention", ""),
            comparison=q.get("pico", {}).get("comparison", ""),
            outcomes=tuple(q.get("pico", {}).get("outcomes", [])),
        )
        for q in meta["questions"]
    )
    searches = []
    for index, s in enumerate(log_doc.data["searches"]):
        export = s.get("export")
        searches.append(
            Search(
                id=s["id"],
                source=s["source"].strip(),
                kind=s["kind"],
                date=s["date"],
                query=s["query"].rstrip("\n"),
                identified=_count(s["identified"]),
                for_assessment=_count(s.get("for_assessment")),
                for_assessment_recorded="for_assessment" in s,
                platform=s.get("platform", ""),
                country=s.get("country", ""),
                round=s.get("round", 1),
                method=s.get("method", ""),
                limits=tuple(s.get("limits", [])),
                note=s.get("note", "").strip(),
                log_text=s.get("log_text", "").strip(),
                export=ExportSpec(
                    _files(export["files"]),
                    export["holds"],
                    export.get("format"),
                    export.get("encoding"),
                    tuple(sorted(export.get("columns", {}).items())),
                    export.get("skip_unreadable", False),
                )
                if export
                else None,
                line=log_doc.line(("searches", index)),
            )
        )
    record_files = tuple(
        RecordFile(
            id=r["id"],
            files=_files(r["files"]),
            holds=r["holds"],
            searches="all" if r["searches"] == "all" else tuple(r["searches"]),
            complete=r["complete"],
            format=r.get("format"),
            note=r.get("note", "").strip(),
            line=log_doc.line(("record_files", index)),
            round=r.get("round"),
        )
        for index, r in enumerate(log_doc.data.get("record_files", []))
    )
    return Review(
        title=meta["title"],
        questions=questions,
        searches=tuple(searches),
        record_files=record_files,
        metadata=meta,
    )
