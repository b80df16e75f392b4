"""JSON schemas (draft 2020-12) of the review's input files, and validation against them.

The schemas live beside this module as YAML and ship with the package, so the command line
validates a review without the workflow. Schema errors become :class:`~searchtrail.errors.Problem`
objects that name the file, line, entry and field, with the expectation taken from the
schema's own ``x-expected`` annotation.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import yaml

from searchtrail.errors import Problem, show_value
from searchtrail.yamlio import Path_, YamlDocument

EntryNamer = Callable[[Path_], tuple[str | None, int]]
"""Given a value's path, return a name for the entry it belongs to and how many path parts
that entry spans (the field name is built from the parts after it)."""


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Return the packaged schema ``name`` (for example ``"log"``)."""
    text = resources.files(__package__).joinpath(f"{name}.schema.yaml").read_text("utf-8")
    schema: dict[str, Any] = yaml.safe_load(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


_Validator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)
"""Draft 2020-12, except that 6.0 is not an integer: a count is written as a whole number."""

_TYPE_NAMES = {
    "object": "a mapping of fields (name: value)",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _fallback_expected(error: jsonschema.ValidationError) -> str:
    """What a schema without an ``x-expected`` annotation asks for, said briefly."""
    wanted = error.validator_value
    if error.validator == "maxLength":
        return f"at most {wanted} characters"
    if error.validator == "minLength":
        return f"at least {wanted} character{'s' if wanted != 1 else ''}"
    if error.validator == "maxItems":
        return f"at most {wanted} items"
    if error.validator == "type":
        kinds = wanted if isinstance(wanted, list) else [wanted]
        return " or ".join(_TYPE_NAMES.get(str(kind), str(kind)) for kind in kinds)
    return error.message if len(error.message) <= 200 else error.message[:199] + "…"


def schema_problems(
    document: YamlDocument, schema_name: str, entry_namer: EntryNamer, *, rows: str | None = None
) -> list[Problem]:
    """Validate ``document.data`` against a packaged schema; return every problem found.

    With ``rows``, the data is a list of rows (a table) and each row is validated against
    the schema's definition of that name (``$defs/<rows>``)."""
    schema = load_schema(schema_name)
    if rows is not None:
        schema = {**schema, "type": "array", "items": {"$ref": f"#/$defs/{rows}"}}
    validator = _Validator(schema)
    problems: list[Problem] = []
    for error in validator.iter_errors(document.data):
        problems.extend(_translate(error, document, entry_namer, schema))
    return problems


def _translate(
    error: jsonschema.ValidationError,
    document: YamlDocument,
    entry_namer: EntryNamer,
    root: dict[str, Any],
) -> list[Problem]:
    path: Path_ = tuple(error.absolute_path)
    entry, depth = entry_namer(path)
    expected = _expected(error.schema)

    if error.validator == "required":
        missing = _quoted_name(error.message)
        return [
            Problem(
                file=document.file,
                line=document.line(path),
                entry=entry,
                field=_field_name(path[depth:], missing),
                value=None,
                expected=_expected(_subschema(error.schema, missing, root)) or "a value",
                message=f"required field '{missing}' is missing",
            )
        ]
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        extra = [key for key in error.instance if key not in allowed]
        found = []
        for key in extra:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            found.append(
                Problem(
                    file=document.file,
                    line=document.line((*path, key)),
                    entry=entry,
                    field=_field_name(path[depth:], key),
                    value=None,
                    expected=f"one of the known fields: {', '.join(allowed)}",
                    message=f"unknown field '{key}'{hint}",
                )
            )
        return found
    if error.validator == "enum":
        options = [str(option) for option in error.validator_value]  # type: ignore[union-attr]
        close = difflib.get_close_matches(str(error.instance), options, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"value {show_value(error.instance)} is not allowed{hint}"
    elif (
        error.validator == "type"
        and error.validator_value == "integer"
        and isinstance(error.instance, str)
    ):
        message = f"value {show_value(error.instance)} is text, not a number"
    elif (
        error.validator == "oneOf"
        and isinstance(error.instance, str)
        and _looks_like_number(error.instance)
    ):
        message = (
            f"value {show_value(error.instance)} is text, not a whole number (write a plain "
            "decimal number: digits only, with no leading zero, no thousands separators and no "
            "spaces)"
        )
    elif error.validator == "oneOf" and isinstance(error.instance, int) and error.instance < 0:
        message = f"value {error.instance} is negative; a number of records cannot be below 0"
    elif isinstance(error.instance, float) and error.instance.is_integer():
        message = (
            f"value {show_value(error.instance)} is written as a fraction; write a whole "
            f"number: {int(error.instance)}"
        )
    elif error.validator == "maxLength" and isinstance(error.instance, str):
        message = f"value {show_value(error.instance)} is {len(error.instance):,} characters long"
    elif error.validator == "minimum":
        message = f"value {show_value(error.instance)} is below the minimum {error.validator_value}"
    elif error.validator == "maximum":
        message = f"value {show_value(error.instance)} is above the maximum {error.validator_value}"
    elif error.validator in ("minLength", "minItems"):
        message = f"value {show_value(error.instance)} is empty"
    else:
        message = f"value {show_value(error.instance)} is not valid"
    return [
        Problem(
            file=document.file,
            line=document.line(path),
            entry=entry,
            field=_field_name(path[depth:]),
            value=show_value(error.instance),
            expected=expected or _fallback_expected(error),
            message=message,
        )
    ]


def _expected(schema: Any) -> str:
    if isinstance(schema, dict):
        text = schema.get("x-expected")
        if isinstance(text, str):
            return text
    return ""


def _subschema(schema: Any, key: str, root: dict[str, Any]) -> Any:
    if not isinstance(schema, dict):
        return {}
    sub = schema.get("properties", {}).get(key, {})
    if isinstance(sub, dict) and "x-expected" not in sub and "$ref" in sub:
        return _resolve(sub["$ref"], root)
    return sub


def _resolve(ref: str, root: dict[str, Any]) -> Any:
    """Follow a local reference such as ``#/$defs/count``."""
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


def _field_name(parts: Path_, extra: str | None = None) -> str | None:
    names = [str(part) if isinstance(part, str) else f"[{part + 1}]" for part in parts]
    if extra:
        names.append(extra)
    text = ".".join(names).replace(".[", "[")
    return text or None


def _quoted_name(message: str) -> str:
    # jsonschema words it as "'name' is a required property".
    if message.startswith("'") and "'" in message[1:]:
        return message[1 : message.index("'", 1)]
    return message


def _looks_like_number(text: str) -> bool:
    stripped = text.replace(",", "").replace(" ", "").replace("\u00a0", "").replace(".", "")
    return stripped.isdigit()
