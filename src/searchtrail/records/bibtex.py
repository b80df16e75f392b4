"""BibTeX, read with bibtexparser (2.x).

Every field is kept in file order, repeats included (Scopus repeats ``funding_details``),
with the entry type as ``ENTRYTYPE`` and the citation key as ``ID``; the braces or quotes
enclosing a value are taken off, everything inside is kept as written. Field names are kept
as written (Scopus writes ``funding_text 1`` with a space).

Values are expanded as BibTeX expands them: a ``@string`` macro named in a value is replaced
by its text (``journal = jad`` with ``@string{jad = "Journal of Adolescence"}``), and parts
joined with ``#`` are concatenated (``"Parent training" # " for adolescents"``). Macros are
defined in file order and their names are caseless; the month names ``jan`` ... ``dec`` that
every BibTeX style defines are kept as written; a macro nobody defines is kept as written and
reported. Blocks bibtexparser cannot read are records that cannot be read, each with the line
where it starts, the line where reading stopped and the parser's reason; bibtexparser's own
log lines are kept off the terminal (their content is in that reason).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from bibtexparser import model
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares import LibraryMiddleware

from searchtrail.errors import Problem
from searchtrail.records.model import ParsedFile, RawRecord

_ENTRY_START: Final = re.compile(r"^\s*@(\w+)\s*[{(]", re.MULTILINE)
_NOT_ENTRIES: Final = frozenset({"comment", "string", "preamble"})
_MONTHS: Final = frozenset({
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
})  # fmt: skip
_MACRO_NAME: Final = re.compile(r"^[^\d\s\"#%'(),={}][^\s\"#%'(),={}]*$")


def count_bibtex(text: str) -> int:
    """Records by the format's counting rule: ``@type{`` lines that are not comments,
    string definitions or preambles."""
    return sum(1 for m in _ENTRY_START.finditer(text) if m.group(1).lower() not in _NOT_ENTRIES)


class ExpandValues(LibraryMiddleware):
    """Expand ``@string`` macros and ``#`` concatenations, and take off enclosing braces or
    quotes, in every entry (also the ones bibtexparser flags for a repeated field or key).

    bibtexparser 2.1's own middlewares do part of this: ``ResolveStringReferencesMiddleware``
    replaces a value only when it is a macro name alone, ``RemoveEnclosingMiddleware``
    leaves a concatenation as written, and neither looks inside flagged entries; this one
    takes their place.
    """

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)
        self.undefined: list[str] = []
        """One line per value that names a macro no ``@string`` defines."""

    @classmethod
    def metadata_key(cls) -> str:
        return "searchtrail_expand_values"

    def transform(self, library: Library) -> Library:
        macros: dict[str, str] = {}
        for block in library.blocks:
            inner = _unflagged(block)
            line = (block.start_line or 0) + 1
            if isinstance(inner, model.String):
                text = self._expand(inner.value, macros, f"@string at line {line}")
                macros[inner.key.lower()] = text
                inner.value = text
            elif isinstance(inner, model.Entry):
                for field in inner.fields:
                    if isinstance(field.value, str):
                        where = f"entry at line {line}, field '{field.key}'"
                        field.value = self._expand(field.value, macros, where)
        return library

    def _expand(self, value: str, macros: dict[str, str], where: str) -> str:
        parts = _parts(value)
        if parts is None:
            return _unenclose(value)[0]
        texts = []
        for part in parts:
            text, enclosed = _unenclose(part)
            if enclosed or text.isdigit():
                texts.append(text)
            elif text.lower() in macros:
                texts.append(macros[text.lower()])
            else:
                if text.lower() not in _MONTHS:
                    self.undefined.append(f"{where} names the string {text!r}")
                texts.append(text)
        return "".join(texts)


def _unenclose(part: str) -> tuple[str, bool]:
    """One part of a value without its enclosing braces or quotes, and whether it had them."""
    part = part.strip()
    if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
        return part[1:-1], True
    return part, False


def _unflagged(block: model.Block) -> model.Block | None:
    """The block itself, or the block inside one bibtexparser flags for a repeated key or
    field (it is read all the same)."""
    if isinstance(block, model.DuplicateBlockKeyBlock | model.DuplicateFieldKeyBlock):
        return block.ignore_error_block
    return block


def _parts(value: str) -> list[str] | None:
    """The parts of a value joined by ``#`` (outside braces and quotes), or None when the
    value is one part that is not a macro name."""
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index].strip())
            start = index + 1
    parts.append(value[start:].strip())
    if len(parts) == 1 and not _MACRO_NAME.match(parts[0]):
        return None
    return parts


@contextmanager
def _quiet_parser() -> Iterator[None]:
    """Keep bibtexparser's log lines (about blocks it cannot read) off the terminal: what
    they say is reported as the record's problem instead."""
    logger = logging.getLogger("bibtexparser")
    handler = logging.NullHandler()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def read_bibtex(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Read every entry of a BibTeX file."""
    expand = ExpandValues()
    with _quiet_parser():
        library = parse_string(text, parse_stack=[expand])
    records: list[RawRecord] = []
    failures: list[Problem] = []
    notes: list[str] = []
    broken: list[str] = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        inner = _unflagged(block)
        if isinstance(block, model.DuplicateFieldKeyBlock) and isinstance(inner, model.Entry):
            records.append(_record(inner))
            notes.append(
                f"entry at line {line} repeats field(s) "
                f"{', '.join(sorted(block.duplicate_keys))}; every value is kept"
            )
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            if isinstance(inner, model.Entry):
                records.append(_record(inner))
                notes.append(
                    f"entry at line {line} repeats the key {inner.key!r} of an earlier entry"
                )
            # a repeated @string: the later definition is used, as BibTeX does
        elif isinstance(block, model.Entry):
            records.append(_record(block))
        elif isinstance(block, model.ParsingFailedBlock):
            raw = block.raw or ""
            kind = _ENTRY_START.match(raw)
            if kind and kind.group(1).lower() in _NOT_ENTRIES:
                broken.append(f"@{kind.group(1)} at line {line}: {_reason(block, text)}")
                continue
            failures.append(
                Problem(
                    file,
                    line,
                    f"entry at line {line}",
                    None,
                    _snippet(raw),
                    "a BibTeX entry such as @article{key, title = {...}, ...}, its braces and "
                    "quotes closed",
                    f"the entry cannot be read: {_reason(block, text)}",
                )
            )
    records.sort(key=lambda record: record.line)
    if expand.undefined:
        notes.append(
            "value(s) naming a @string that no @string defines, kept as written: "
            + "; ".join(expand.undefined[:5])
            + (f"; … {len(expand.undefined) - 5} more" if len(expand.undefined) > 5 else "")
        )
    notes.extend(f"{item} cannot be read and is left out" for item in broken)
    return ParsedFile(file, "bibtex", encoding, records, count_bibtex(text), failures, notes)


def _reason(block: model.ParsingFailedBlock, text: str) -> str:
    """What bibtexparser says is wrong with a block, and the line where it stopped."""
    error = block.error
    reason = (getattr(error, "abort_reason", "") or str(error) or type(error).__name__).strip()
    end = getattr(error, "end_index", None)
    stopped = (
        f"line {text.count(chr(10), 0, end) + 1}" if isinstance(end, int) else "the end of the file"
    )
    return f"{reason.rstrip('. ')} (reading stopped at {stopped})"


def _record(entry: model.Entry) -> RawRecord:
    fields = [("ENTRYTYPE", entry.entry_type), ("ID", entry.key)]
    fields.extend((f.key, str(f.value)) for f in entry.fields)
    return RawRecord((entry.start_line or 0) + 1, fields)


def _snippet(raw: str) -> str:
    first = raw.strip().splitlines()[0] if raw.strip() else ""
    return repr(first[:60])
