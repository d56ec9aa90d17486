"""ASCII-only compact JSON, byte for byte as ``json.dumps(obj, separators=(",", ":"))`` writes
it, built with orjson (about ten times faster).

orjson writes ASCII strings, integers, booleans and ``null`` exactly as the standard library
does, except DEL (0x7f), which it leaves raw; ``line`` escapes that afterwards. Values where
the two differ are handed over already encoded by the standard library, as ``orjson.Fragment``:
strings with non-ASCII characters (``text``) and nested values that may hold floats or
anything else (``nested``). Integers must fit in 64 bits (orjson raises
``orjson.JSONEncodeError`` otherwise) and floats must go through ``nested``.
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring_ascii
from typing import Any

import orjson

Fragment = orjson.Fragment  # already-encoded JSON that orjson copies as is
escape = encode_basestring_ascii  # a str as a quoted ASCII JSON string
_NEWLINE = orjson.OPT_APPEND_NEWLINE
_SCALARS = (bool, int, type(None))

if c_make_encoder is not None:  # the standard library's C encoder, built once (not per call)
    _chunks = c_make_encoder(
        None, None, encode_basestring_ascii, None, ":", ",", False, False, True
    )

    def reference(value: Any) -> str:
        """``json.dumps(value, separators=(",", ":"))``."""
        return "".join(_chunks(value, 0))

else:  # pragma: no cover - Python without the _json accelerator
    reference = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def text(value: Any) -> Any:
    """A string as orjson should see it: itself if ASCII, else escaped by the standard library
    (anything that is not a ``str`` goes through ``nested``)."""
    if value.__class__ is str:
        return value if value.isascii() else Fragment(escape(value))
    return nested(value)


def nested(value: Any) -> Any:
    """A JSON value of any shape (metadata, attributes): flat objects of ASCII keys and
    strings, booleans, integers or nulls are prepared for orjson, anything else is encoded by
    the standard library; empty and false values pass through (orjson writes them alike)."""
    if not value:
        return value
    if value.__class__ is dict and len(value) < 16:
        flat = {}
        for key, item in value.items():
            if key.__class__ is not str or not key.isascii():
                break
            if item.__class__ is str:
                flat[key] = item if item.isascii() else text(item)
            elif item.__class__ in _SCALARS:
                flat[key] = item
            else:
                break
        else:
            return flat
    return Fragment(reference(value))


class Texts(dict):
    """``texts[s]`` is ``text(s)``, remembered for strings: names and ids repeat on every line."""

    def __missing__(self, key: Any) -> Any:
        if key.__class__ is not str:
            return text(key)
        if len(self) >= 4096:
            self.clear()
        value = self[key] = text(key)
        return value


def line(obj: Any) -> bytes:
    """``obj`` as one line of ASCII JSON bytes, ending in ``\\n``."""
    out = orjson.dumps(obj, option=_NEWLINE)
    return out.replace(b"\x7f", b"\\u007f") if b"\x7f" in out else out
