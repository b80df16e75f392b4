"""YAML reading that remembers where each value came from.

Review files are written by people, so a reader must point at the line of a mistake. This
module loads YAML into plain Python data and a map from each value's path (a tuple of keys
and list indexes) to its line number. It also closes the traps of YAML 1.1 that PyYAML
follows by default:

- ``NO`` (Norway), ``yes``, ``on`` and ``off`` stay strings; only ``true``/``false`` are booleans;
- dates such as ``2020-05-12`` stay strings, so they are validated and printed as written;
- a number is a plain decimal: ``012`` (octal 10 in YAML 1.1), ``0x10``, ``0b101``, ``1:20``
  (sexagesimal 80) and ``1_000`` stay text, so a count written that way is refused with its
  line instead of silently becoming another number;
- a key given twice in one mapping is a problem, not a silent overwrite;
- aliases (``*name``) are refused: a search log has no use for them, and a few hundred bytes
  of nested aliases expand to millions of values; values nested deeper than
  :data:`MAX_DEPTH` levels are refused too;
- a character YAML does not allow (NUL, ESC, form feed, ...) is named with its line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

from searchtrail.errors import Problem

Path_ = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
MAX_DEPTH: Final = 50
"""How deep values may nest (a search log needs four or five levels)."""


class _Refused(yaml.MarkedYAMLError):
    """A construct the review files do not allow."""


class _ReviewLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 yes/no booleans, implicit timestamps, non-decimal
    numbers and aliases, and with a limit on nesting."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _Refused(
                None,
                None,
                f"the file uses a YAML alias (*{event.anchor}): write the value out where it "
                "is needed",
                event.start_mark,
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and not isinstance(event, yaml.AliasEvent):
            raise _Refused(
                None,
                None,
                f"the file uses a YAML tag ({tag.replace('tag:yaml.org,2002:', '!!')}): "
                "write the value plainly",
                event.start_mark,
            )
        if self.depth >= MAX_DEPTH:
            raise _Refused(
                None,
                None,
                f"values are nested more than {MAX_DEPTH} levels deep",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        return node


_ReviewLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _TIMESTAMP, _INT, _FLOAT)
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ReviewLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_ReviewLoader.add_implicit_resolver(_INT, re.compile(r"^(?:0|-?[1-9][0-9]*)$"), list("-0123456789"))
_ReviewLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)


@dataclass
class YamlDocument:
    """Data loaded from one YAML file, with the line of every value."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path_) -> int | None:
        """Line of the value at ``path``, or of its nearest enclosing value."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


def load_yaml(text: str, *, file: str) -> YamlDocument:
    """Parse ``text`` (the content of ``file``) into data and line numbers.

    Syntax errors and duplicate keys are returned as problems in the document rather than
    raised, so callers can report them with everything else.
    """
    document = YamlDocument(file=file, data=None)
    loader: _ReviewLoader | None = None
    try:
        loader = _ReviewLoader(text)
        node = loader.get_single_node()
        if node is not None:
            document.data = _build(loader, node, (), document)
    except _Refused as error:
        mark = error.problem_mark
        document.problems.append(
            Problem(
                file,
                mark.line + 1 if mark else None,
                None,
                None,
                None,
                "plain YAML values (no aliases or tags, at most a few levels of nesting)",
                str(error.problem),
            )
        )
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        character = error.character
        code = ord(character) if isinstance(character, str) else int(character)
        document.problems.append(
            Problem(
                file,
                line,
                None,
                None,
                None,
                "printable text: tabs and line breaks, but no control characters",
                f"the file holds the character U+{code:04X}, which YAML does not allow",
            )
        )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        document.problems.append(
            Problem(
                file=file,
                line=mark.line + 1 if mark else None,
                entry=None,
                field=None,
                value=None,
                expected="valid YAML (check indentation, colons and quotes)",
                message=f"the file is not valid YAML: {error.problem or error}",
            )
        )
    except yaml.YAMLError as error:
        document.problems.append(
            Problem.of_file(file, "valid YAML", f"the file is not valid YAML: {error}")
        )
    finally:
        if loader is not None:
            loader.dispose()
    return document


def _build(loader: _ReviewLoader, node: yaml.Node, path: Path_, document: YamlDocument) -> Any:
    document.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = unicodedata.normalize("NFC", key) if isinstance(key, str) else str(key)
            if key in result:
                document.problems.append(
                    Problem(
                        file=document.file,
                        line=key_node.start_mark.line + 1,
                        entry=None,
                        field=key,
                        value=None,
                        expected="each key once per entry",
                        message=f"key '{key}' appears twice in the same entry; the later "
                        "value would silently replace the earlier one",
                    )
                )
                continue
            result[key] = _build(loader, value_node, (*path, key), document)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, (*path, index), document) for index, item in enumerate(node.value)
        ]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str) and not value.isascii():
        # An escape ("\u0301") can spell a decomposed letter that decoding did not see.
        return unicodedata.normalize("NFC", value)
    return value
