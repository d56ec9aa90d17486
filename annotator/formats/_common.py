"""Helpers shared by readers and writers: span checks, span <-> dict, decoding."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from annotator.formats.errors import FormatError
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord

GOLD = "gold"


def decode(data: str | bytes, source: str, *, keep_bom: bool = False) -> str:
    """Return ``data`` as text; bytes must be UTF-8. A leading BOM is dropped unless
    ``keep_bom`` (article texts keep it: offsets count it)."""
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            source, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_offsets(text: str, start: Any, end: Any, source: str, line: int | None) -> None:
    """Raise FormatError unless ``start``/``end`` are ints, ``0 <= start < end <= len(text)``."""
    if not (is_int(start) and is_int(end)):
        raise FormatError(source, line, f"label offsets {start!r}-{end!r} are not integers")
    if start >= end or start < 0:
        raise FormatError(source, line, f"label offset {start}-{end} is not a valid span")
    if end > len(text):
        hint = ""
        if not text.isascii() and end <= utf16_length(text):
            hint = (
                f"; it fits the text counted in UTF-16 code units ({utf16_length(text)}): if the "
                "file counts UTF-16 (a JavaScript front end), import with --offsets utf16"
            )
        raise FormatError(
            source,
            line,
            f"label offset {start}-{end} is out of range (text has {len(text)} chars){hint}",
        )


def check_stated(
    actual: str,
    start: int,
    end: int,
    stated: str,
    source: str,
    line: int | None,
    text: str | None = None,
) -> None:
    """Raise FormatError if a span's stated text differs from the document's ``actual`` text.

    With the document's ``text``, the message says when the offsets, read as UTF-16 code units,
    do cover the stated text (the usual cause: a JavaScript front end counted them)."""
    if stated != actual:
        hint = ""
        if text is not None and utf16_slice(text, start, end) == stated:
            hint = (
                "; read as UTF-16 code units the offsets cover exactly the stated text: "
                "import with --offsets utf16"
            )
        raise FormatError(
            source,
            line,
            f"span {start}-{end} states text {stated[:60]!r} but the document has "
            f"{actual[:60]!r}{hint}",
        )


def utf16_length(text: str) -> int:
    """``len(text)`` in UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_slice(text: str, start: int, end: int) -> str | None:
    """``text`` between UTF-16 unit offsets ``start``/``end`` (None if they split a pair)."""
    if text.isascii():
        return text[start:end]
    units = text.encode("utf-16-le")
    try:
        return units[2 * start : 2 * end].decode("utf-16-le")
    except UnicodeDecodeError:
        return None


def all_spans(doc: DocumentRecord) -> tuple[SpanRecord, ...]:
    """Annotators' spans followed by gold spans (gold uses annotator ``"gold"``)."""
    return doc.spans + doc.gold if doc.gold else doc.spans


def all_answers(doc: DocumentRecord) -> tuple[AnswerRecord, ...]:
    """Annotators' answers followed by the gold answers (annotator ``"gold"``); a gold-only
    selection already carries the gold answers as ``answers``, so they are not repeated."""
    if not doc.gold_answers or any(a.annotator == GOLD for a in doc.answers):
        return doc.answers
    return doc.answers + doc.gold_answers


def annotators_of(spans: Iterable[SpanRecord]) -> list[str]:
    """Distinct annotator names in order of first appearance."""
    return list(dict.fromkeys(s.annotator for s in spans))


def split_gold(
    spans: Iterable[SpanRecord],
) -> tuple[tuple[SpanRecord, ...], tuple[SpanRecord, ...]]:
    """Split spans into (annotators' spans, gold spans) by ``annotator == "gold"``."""
    raw, gold = [], []
    for s in spans:
        (gold if s.annotator == GOLD else raw).append(s)
    return tuple(raw), tuple(gold)


def safe_filename(name: str) -> str:
    """A file-name-safe version of an id (keeps letters, digits, ``.``, ``-`` and ``_``)."""
    out = "".join(c if c.isalnum() or c in ".-_" else "_" for c in str(name))
    out = out.lstrip(".")
    return out or "_"


Source = str | os.PathLike | bytes | IO[bytes]


def load_bytes(source: Source, default_name: str) -> tuple[bytes, str]:
    """The bytes of a path, bytes object or binary file, and a name for error messages."""
    if isinstance(source, bytes | bytearray):
        return bytes(source), default_name
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes(), os.fspath(source)
    return source.read(), str(getattr(source, "name", default_name))


def utf16_to_cp(text: str) -> list[int]:
    """Table mapping UTF-16 unit offsets (the index) to code-point offsets in ``text``."""
    table = []
    for i, ch in enumerate(text):
        table.append(i)
        if ord(ch) > 0xFFFF:
            table.append(i)
    table.append(len(text))
    return table
