"""YAML reading that remembers where each value came from.

Review files are written by people, so a reader must point at the line of a mistake. This
module loads YAML into plain Python data and a map from each value's path (a tuple of keys
and list indexes) to its line number. It also closes three traps of YAML 1.1 that PyYAML
follows by default:

- ``NO`` (Norway), ``yes``, ``on`` and ``off`` stay strings; only ``true``/``false`` are booleans;
- dates such as ``2020-05-12`` stay strings, so they are validated and printed as written;
- a key given twice in one mapping is a problem, not a silent overwrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from searchtrail.errors import Problem

Path_ = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _ReviewLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 yes/no booleans and without implicit timestamps."""


_ReviewLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ReviewLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
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
    loader = _ReviewLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            document.data = _build(loader, node, (), document)
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
            Problem(
                file, None, None, None, None, "valid YAML", f"the file is not valid YAML: {error}"
            )
        )
    finally:
        loader.dispose()
    return document


def _build(loader: _ReviewLoader, node: yaml.Node, path: Path_, document: YamlDocument) -> Any:
    document.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
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
    return loader.construct_object(node, deep=True)
