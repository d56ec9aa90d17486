"""A top-level JSON array read one element at a time (bounded memory: one element and one
chunk of text), with ``json``'s own decoder (``raw_decode``) on a buffer refilled as needed.

A file whose top-level value is an object is read whole and yields that object once (a Label
Studio export of one task). Errors are ``FormatError``s naming the file and line, as
``json.loads`` of the whole file would report them.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from annotator.formats.errors import FormatError

CHUNK = 1 << 20
_WS = re.compile(r"[ \t\n\r]*")
_TAIL = 8  # an error this close to the buffer's end may only mean the element goes on


def iter_json_array(
    fh: IO[bytes], source: str, *, expected: str = "a JSON array", chunk: int = CHUNK
) -> Iterator[Any]:
    """The elements of the array in the binary file ``fh`` (UTF-8, a BOM allowed); a
    top-level object is yielded as the one element, any other value is an error."""
    return _Reader(_texts(fh, source, chunk), source, expected).elements()


def _texts(fh: IO[bytes], source: str, size: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    done = 0
    while True:
        data = fh.read(size)
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise FormatError(
                source, None, f"not UTF-8 text ({exc.reason} at byte {done + exc.start})"
            ) from None
        done += len(data)
        if text:
            yield text
        if not data:
            return


class _Reader:
    def __init__(self, texts: Iterable[str], source: str, expected: str) -> None:
        self.texts = iter(texts)
        self.source = source
        self.expected = expected
        self.buf = ""
        self.pos = 0
        self.line = 1  # line number of buf[0]
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.eof:
            return False
        text = next(self.texts, None)
        if text is None:
            self.eof = True
            return False
        self.line += self.buf.count("\n", 0, self.pos)
        self.buf = self.buf[self.pos :] + text
        self.pos = 0
        return True

    def _skip(self) -> str:
        """The next character after whitespace ('' at the end of the file)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def _error(self, msg: str, pos: int) -> FormatError:
        line = self.line + self.buf.count("\n", 0, pos)
        return FormatError(self.source, line, f"invalid JSON ({msg})")

    def _value(self) -> Any:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                near_end = exc.pos >= len(self.buf) - _TAIL or exc.msg.startswith("Unterminated")
                if near_end and self._more():
                    continue  # the element goes on in the next chunk
                raise self._error(exc.msg, exc.pos) from None
            except (ValueError, RecursionError) as exc:  # e.g. integers beyond the digit limit
                raise FormatError(self.source, None, f"invalid JSON ({str(exc)[:80]})") from None
            if end >= len(self.buf) - _TAIL and self._more():
                continue  # a number or literal may go on in the next chunk: decode it again
            self.pos = end
            return value

    def elements(self) -> Iterator[Any]:
        first = self._skip()
        if first != "[":
            while self._more():
                pass
            value = self._value()
            if self._skip():
                raise self._error("Extra data", self.pos)
            if not isinstance(value, dict):
                raise FormatError(self.source, None, f"expected {self.expected}")
            yield value
            return
        self.pos += 1
        if self._skip() == "]":
            self.pos += 1
        else:
            while True:
                yield self._value()
                c = self._skip()
                self.pos += 1
                if c == "]":
                    break
                if c != ",":
                    raise self._error("Expecting ',' delimiter", self.pos - 1)
                if self._skip() == "]":
                    raise self._error("Expecting value", self.pos)
        if self._skip():
            raise self._error("Extra data", self.pos)
