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

One broken entry costs only itself. An entry starts at an ``@type{`` at the start of a line,
and reading goes on at the next one whatever the entry before it holds:

- a value with a ``{`` that is never closed (a vendor's keywords field of scraped text) makes
  bibtexparser stop at the next ``@type{`` line: that entry cannot be read, the next is read;
- a value with a ``}`` too many would close the entry early, and its remaining fields would
  be lost without a word: an entry whose braces, counted from its opening brace to the next
  entry, fall below zero is a record that cannot be read (braces inside a ``"..."`` value,
  and braces after a backslash, do not count, as for bibtexparser), and is left out of the
  text bibtexparser reads;
- should bibtexparser fail on the file as a whole, each entry is parsed on its own.
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
_BRACE_OR_QUOTE: Final = re.compile(r'(?<!\\)[{}"]')


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
        self.macros: dict[str, str] = {}
        """The ``@string`` macros defined so far (kept when a file is read in parts)."""
        self.offset = 0
        """Lines before the part of the file being read (for the lines notes name)."""

    @classmethod
    def metadata_key(cls) -> str:
        return "searchtrail_expand_values"

    def transform(self, library: Library) -> Library:
        macros = self.macros
        for block in library.blocks:
            inner = _unflagged(block)
            line = (block.start_line or 0) + 1 + self.offset
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
    records: list[RawRecord] = []
    failures: list[Problem] = []
    notes: list[str] = []
    broken: list[str] = []
    cut_short = _cut_short(text)
    for start, end, problem in cut_short:
        line = text.count("\n", 0, text.index("@", start)) + 1
        failures.append(
            Problem(
                file,
                line,
                f"entry at line {line}",
                None,
                _snippet(text[start:end]),
                "a BibTeX entry such as @article{key, title = {...}, ...}, its braces and "
                "quotes closed",
                f"the entry cannot be read: {problem}",
            )
        )
    readable = _blanked(text, [(start, end) for start, end, _ in cut_short])
    for offset, block, source in _blocks(readable, expand):
        line = (block.start_line or 0) + 1 + offset
        inner = _unflagged(block)
        if isinstance(block, model.DuplicateFieldKeyBlock) and isinstance(inner, model.Entry):
            records.append(_record(inner, offset))
            notes.append(
                f"entry at line {line} repeats field(s) "
                f"{', '.join(sorted(block.duplicate_keys))}; every value is kept"
            )
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            if isinstance(inner, model.Entry):
                records.append(_record(inner, offset))
                notes.append(
                    f"entry at line {line} repeats the key {inner.key!r} of an earlier entry"
                )
            # a repeated @string: the later definition is used, as BibTeX does
        elif isinstance(block, model.Entry):
            records.append(_record(block, offset))
        elif isinstance(block, model.ParsingFailedBlock):
            raw = block.raw or ""
            kind = _ENTRY_START.match(raw)
            if kind and kind.group(1).lower() in _NOT_ENTRIES:
                broken.append(f"@{kind.group(1)} at line {line}: {_reason(block, source, offset)}")
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
                    f"the entry cannot be read: {_reason(block, source, offset)}",
                )
            )
    records.sort(key=lambda record: record.line)
    failures.sort(key=lambda problem: problem.line or 0)
    if expand.undefined:
        notes.append(
            "value(s) naming a @string that no @string defines, kept as written: "
            + "; ".join(expand.undefined[:5])
            + (f"; … {len(expand.undefined) - 5} more" if len(expand.undefined) > 5 else "")
        )
    notes.extend(f"{item} cannot be read and is left out" for item in broken)
    return ParsedFile(file, "bibtex", encoding, records, count_bibtex(text), failures, notes)


def _reason(block: model.ParsingFailedBlock, text: str, offset: int = 0) -> str:
    """What bibtexparser says is wrong with a block, and the line where it stopped."""
    error = block.error
    reason = (getattr(error, "abort_reason", "") or str(error) or type(error).__name__).strip()
    end = getattr(error, "end_index", None)
    stopped = (
        f"line {text.count(chr(10), 0, end) + 1 + offset}"
        if isinstance(end, int)
        else "the end of the file"
    )
    return f"{reason.rstrip('. ')} (reading stopped at {stopped})"


def _record(entry: model.Entry, offset: int = 0) -> RawRecord:
    fields = [("ENTRYTYPE", entry.entry_type), ("ID", entry.key)]
    fields.extend((f.key, str(f.value)) for f in entry.fields)
    return RawRecord((entry.start_line or 0) + 1 + offset, fields)


def _blocks(text: str, expand: ExpandValues) -> Iterator[tuple[int, model.Block, str]]:
    """The blocks bibtexparser reads in ``text``, each with the number of lines before the
    text it was read from and that text. Should bibtexparser fail on the whole file, each
    entry (from one ``@type{`` line to the next) is parsed on its own."""
    try:
        with _quiet_parser():
            library = parse_string(text, parse_stack=[expand])
    except Exception:  # any failure of the parser on the whole file
        library = None
    if library is not None:
        for block in library.blocks:
            yield 0, block, text
        return
    expand.macros.clear()
    expand.undefined.clear()
    starts = [m.start(1) - 1 for m in _ENTRY_START.finditer(text)]
    bounds = zip([0, *starts], [*starts, len(text)], strict=True)
    for start, end in bounds:
        part = text[start:end]
        if not part.strip():
            continue
        offset = text.count("\n", 0, start)
        expand.offset = offset
        try:
            with _quiet_parser():
                blocks = parse_string(part, parse_stack=[expand]).blocks
        except Exception as error:  # one part the parser cannot read
            failed = model.ParsingFailedBlock(
                start_line=0, raw=part, error=error, ignore_error_block=None
            )
            blocks = [failed]
        for block in blocks:
            yield offset, block, part


def _cut_short(text: str) -> list[tuple[int, int, str]]:
    """Entries a ``}`` too many would close early: (start, end, what is wrong), each from
    its ``@type{`` to the next entry's."""
    starts = list(_ENTRY_START.finditer(text))
    found = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        opening = start.end() - 1
        if start.group(1).lower() in _NOT_ENTRIES or text[opening] != "{":
            continue
        depth, quoted, closed = 0, False, -1
        for mark in _BRACE_OR_QUOTE.finditer(text, opening, end):
            char = mark.group()
            if char == '"':
                quoted = not quoted if depth == 1 else quoted
                continue
            if quoted:
                continue
            depth += 1 if char == "{" else -1
            if depth == 0 and closed < 0:
                closed = mark.start()
            if depth < 0:
                line = text.count("\n", 0, mark.start()) + 1
                shut = text.count("\n", 0, closed) + 1
                following = (
                    f"the next entry (line {text.count(chr(10), 0, starts[index + 1].start(1)) + 1})"
                    if index + 1 < len(starts)
                    else "the end of the file"
                )
                found.append(
                    (
                        start.start(),
                        end,
                        f"its braces do not balance: a '}}' on line {shut} closes the entry "
                        f"before its last fields, and the '}}' on line {line} has no '{{' to "
                        "close (a value holds a '}' too many); the entry is left out and "
                        f"reading goes on at {following}",
                    )
                )
                break
    return found


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span made blanks of the same length, its line breaks kept."""
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append("".join(char if char == "\n" else " " for char in text[start:end]))
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _snippet(raw: str) -> str:
    first = raw.strip().splitlines()[0] if raw.strip() else ""
    return repr(first[:60])
