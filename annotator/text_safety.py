"""What can be stored and served as text: no NUL (PostgreSQL refuses it in text and JSON), no
lone surrogate (U+D800-U+DFFF; not encodable as UTF-8, so no response could carry it), no
NaN or infinity (not JSON). Pure: used by the request guard, the article readers, the repair
migration and the response encoders.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# A lone surrogate or a NUL. Python strings hold surrogates as single code points, so a pair
# written as two escapes (``\\ud83d\\ude00``) is already one character after JSON decoding.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# JSON text that may decode to one of them (a surrogate or NUL escape, a non-finite number):
# the cheap test before :func:`scrub` on what the database returns.
SUSPECT_JSON = re.compile(r"\\u(?:[dD][89abcdefABCDEF]|0000)|NaN|Infinity")
MAX_DEPTH = 64  # nesting of a JSON value that any field of the app accepts (attributes: 2)


def bad_char(text: str) -> str | None:
    """A description of the first unstorable character in ``text``, or None."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    name = "a NUL character (U+0000)" if char == "\x00" else f"a lone surrogate (U+{ord(char):04X})"
    return f"{name} at position {found.start()}"


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _member(path: str, key: Any) -> str:
    """``$.speaker`` for a plain key, ``$["a key\\n"]`` (ASCII JSON) for any other, so that a
    message naming the path stays on one printable line."""
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


def find_unstorable(value: Any, path: str = "$", depth: int = 0) -> str | None:
    """Where in a decoded JSON value (keys included) an unstorable string or number sits:
    ``"$.attributes.speaker: a lone surrogate (U+DFFF) at position 0"``, or None."""
    if depth > MAX_DEPTH:
        return f"{path}: nested more than {MAX_DEPTH} levels deep"
    kind = type(value)
    if kind is str:
        problem = bad_char(value)
        return f"{path}: {problem}" if problem else None
    if kind is float:
        return None if math.isfinite(value) else f"{path}: {value} is not a JSON number"
    if kind is dict:
        for key, item in value.items():
            if isinstance(key, str) and (problem := bad_char(key)):
                return f"{path}: key {problem}"
            if (found := find_unstorable(item, _member(path, key), depth + 1)) is not None:
                return found
    elif kind is list or kind is tuple:
        for index, item in enumerate(value):
            if (found := find_unstorable(item, f"{path}[{index}]", depth + 1)) is not None:
                return found
    return None


def scrub(value: Any) -> Any:
    """``value`` with unstorable characters replaced by U+FFFD and non-finite numbers by None
    (what a response or a repaired row holds instead)."""
    kind = type(value)
    if kind is str:
        return UNSTORABLE.sub("\ufffd", value)
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {scrub(k): scrub(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [scrub(v) for v in value]
    return value
