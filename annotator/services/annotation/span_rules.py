"""Validating span payloads against a document's text and a label's attribute definitions.

No database access: everything needed is passed in, so the rules are tested directly.
"""

from __future__ import annotations

from typing import Any

from annotator.services.errors import ServiceError

MAX_NOTE = 5000
MAX_TEXT_ATTRIBUTE = 2000
SOURCES = ("manual", "suggestion", "import")


MAX_INT = 2**31  # ids, offsets and versions are 32-bit integer columns


def is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < MAX_INT


def require_int(data: dict, key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= MAX_INT:
        raise ServiceError(f"'{key}' must be an integer.")
    return value


def check_offsets(text: str, start: int, end: int, covered: Any) -> None:
    """Half-open code-point offsets inside the text; ``covered`` must equal ``text[start:end]``."""
    if not 0 <= start < end <= len(text):
        raise ServiceError(
            f"Offsets {start}-{end} are not a span of this article (0 <= start < end <= "
            f"{len(text)})."
        )
    if not isinstance(covered, str):
        raise ServiceError("'text' (the highlighted text) is required and must be a string.")
    if text[start:end] != covered:
        raise ServiceError(
            f"The highlighted text does not match the article at {start}-{end}: the page and "
            "the server disagree about offsets (reload the page)."
        )
    if covered != covered.strip():
        raise ServiceError("A span may not start or end with whitespace.")


def check_attributes(values: Any, definitions: list[dict], link_ok) -> dict:
    """Validated attribute values; ``link_ok(span_id)`` says whether a link target is allowed."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ServiceError("'attributes' must be an object.")
    by_name = {d["name"]: d for d in definitions}
    out = {}
    for name, value in values.items():
        definition = by_name.get(name)
        if definition is None:
            raise ServiceError(f"This label has no attribute {name!r}.")
        if value is None or value == "":
            continue
        out[name] = _check_value(name, value, definition, link_ok)
    return out


def _check_value(name: str, value: Any, definition: dict, link_ok) -> Any:
    kind = definition["type"]
    if kind == "choice":
        if value not in definition.get("options", []):
            raise ServiceError(f"{value!r} is not an option of attribute {name!r}.")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise ServiceError(f"Attribute {name!r} takes true or false.")
    elif kind == "text":
        if not isinstance(value, str) or len(value) > MAX_TEXT_ATTRIBUTE:
            raise ServiceError(f"Attribute {name!r} takes text of at most 2000 characters.")
    elif kind == "link":
        if isinstance(value, str):  # free text, e.g. a speaker who is not in the article
            if len(value) > MAX_TEXT_ATTRIBUTE:
                raise ServiceError(f"Attribute {name!r} text is too long.")
        elif not is_id(value) or not link_ok(value):
            raise ServiceError(
                f"Attribute {name!r} must link to one of your spans in this article."
            )
    return value


def check_note(note: Any) -> str:
    if note is None:
        return ""
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise ServiceError(f"'note' must be text of at most {MAX_NOTE} characters.")
    return note


def check_source(source: Any) -> str:
    source = source or "manual"
    if source not in SOURCES:
        raise ServiceError(f"'source' must be one of {', '.join(SOURCES)}.")
    return source
