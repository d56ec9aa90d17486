"""Reading article files (.txt, .jsonl, .csv, or a .zip of them) into plain rows. No database.

Every problem raises ``ImportFailed`` naming the file and line; texts come out NFC-normalised
with ``\\n`` line endings.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

import orjson

from annotator.text_safety import find_unstorable

FIELDS = ("id", "title", "text", "outlet", "author", "url", "date", "meta", "story")
_FIELD_SET = frozenset(FIELDS)
_STRING_FIELDS = ("id", "title", "outlet", "author", "url", "story")
EXTENSIONS = (".txt", ".jsonl", ".csv", ".zip")
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_TOTAL = 200 * 1024 * 1024


class ImportFailed(Exception):
    """A bad record; the whole import is rejected."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source, self.line = source, line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(slots=True)
class ArticleRow:
    external_id: str
    text: str
    title: str = ""
    outlet: str = ""
    author: str = ""
    url: str = ""
    published: date | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""
    source: str = ""
    story: str = ""  # articles about the same event from different outlets share it


def normalise_text(text: str) -> str:
    """NFC with ``\\n`` line endings: the form every offset refers to."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():  # O(1): ASCII is always NFC
        return text
    # normalize() starts with the NFC quick check and returns already-NFC text unchanged.
    return unicodedata.normalize("NFC", text)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_articles(
    name: str, data: bytes, *, max_chars: int = 1_000_000, max_records: int = 100_000
) -> list[ArticleRow]:
    """All articles in one uploaded or local file; raises ImportFailed on the first bad record."""
    rows = list(_read(name, data, max_chars))
    if len(rows) > max_records:
        raise ImportFailed(name, None, f"{len(rows)} articles exceed the limit of {max_records}.")
    return rows


def _read(name: str, data: bytes, max_chars: int) -> Iterator[ArticleRow]:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".zip":
        yield from _read_zip(name, data, max_chars)
        return
    if suffix not in EXTENSIONS:
        raise ImportFailed(name, None, "unsupported file type (use .txt, .jsonl, .csv or .zip).")
    if suffix == ".jsonl":
        yield from _read_jsonl(name, data, max_chars)
        return
    text = _decode(name, data)
    if suffix == ".txt":
        yield _row(
            name,
            None,
            {"text": text, "title": _title_from_name(name), "id": PurePosixPath(name).stem},
            max_chars,
        )
    else:
        yield from _read_csv(name, text, max_chars)


def _decode(name: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(name, line, "not valid UTF-8 (save the file as UTF-8).") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFailed(name, line, "contains a NUL character (binary file?).")
    return text


def _title_from_name(name: str) -> str:
    return PurePosixPath(name).stem.replace("_", " ").replace("-", " ").strip()


def _read_jsonl(name: str, data: bytes, max_chars: int) -> Iterator[ArticleRow]:
    """JSON Lines straight from the bytes (no decoded copy of the whole file).

    orjson parses each line; the rare line it rejects or may read inexactly goes through the
    standard library, so what is accepted, and every error message, is as with ``json`` alone.
    """
    try:
        yield from _jsonl_rows(name, data, max_chars)
    except ImportFailed as exc:
        failure = exc
    else:
        return
    _decode(name, data)  # a file-wide problem (not UTF-8, a NUL) is reported first, as before
    raise failure


def _jsonl_rows(name: str, data: bytes, max_chars: int) -> Iterator[ArticleRow]:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    # UTF-8 never has a 0x0A byte inside a character: these are the lines of the decoded text.
    for number, line in enumerate(_lines(data), start=1):
        if not line or line.isspace():
            continue
        try:
            record = loads(line)
        except decode_error:
            record = _exact_json(name, number, line)
            if record is _BLANK:
                continue
        else:
            if type(record) is dict and _maybe_inexact(record):
                record = _exact_json(name, number, line)
        if not isinstance(record, dict):
            raise ImportFailed(name, number, "each line must be a JSON object.")
        yield _row(name, number, record, max_chars)


_BLANK = object()


def _lines(data: bytes) -> Iterator[bytes]:
    """``data.split(b"\\n")`` one line at a time: each line is freed once parsed."""
    start, find = 0, data.find
    while (end := find(b"\n", start)) >= 0:
        yield data[start:end]
        start = end + 1
    yield data[start:]


def _exact_json(name: str, number: int, line: bytes) -> Any:
    """One line through the standard library: the reference for what is accepted."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportFailed(name, number, "not valid UTF-8 (save the file as UTF-8).") from None
    if not text.strip():  # only Unicode whitespace
        return _BLANK
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(name, number, f"invalid JSON ({exc.msg}).") from None
    except RecursionError:
        raise ImportFailed(name, number, "invalid JSON (nested too deeply).") from None
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ImportFailed(
            name, number, "contains an unpaired surrogate escape (\\ud800-\\udfff)."
        ) from None
    return record


def _maybe_inexact(record: dict) -> bool:
    """orjson reads integers beyond 64 bits as floats; only ``id`` and ``meta`` can keep one."""
    if type(record.get("id")) is float:
        return True
    stack = [record.get("meta")]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is float:
            if abs(value) >= 2.0**63:
                return True
        elif kind is dict:
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
    return False


# The CSV module refuses fields over 131,072 characters; article texts may have up to
# ``IMPORT_MAX_TEXT_CHARS`` (checked per row, with the row's line number).
csv.field_size_limit(2**31 - 1)
MAX_TITLE = 1000


def _read_csv(name: str, text: str, max_chars: int) -> Iterator[ArticleRow]:
    # strict: a quote left open is an error at the end of the file, not a field that silently
    # swallows every following row
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = reader.fieldnames or []
    if "text" not in header:
        raise ImportFailed(name, 1, "the CSV header needs a 'text' column.")
    unknown = [h for h in header if h not in FIELDS]
    if unknown:
        raise ImportFailed(name, 1, f"unknown columns: {', '.join(unknown)}.")
    next_start = reader.line_num + 1  # where the next record begins (for an unclosed quote)
    try:
        for record in reader:
            number = reader.line_num
            next_start = number + 1
            if None in record:
                raise ImportFailed(name, number, "more fields than the header has.")
            if "meta" in record and record["meta"]:
                try:
                    record["meta"] = json.loads(record["meta"])
                except json.JSONDecodeError:
                    raise ImportFailed(name, number, "the meta column must hold JSON.") from None
            yield _row(
                name, number, {k: v for k, v in record.items() if v not in (None, "")}, max_chars
            )
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ImportFailed(
                name,
                next_start,
                "a quoted field is never closed (a '\"' is missing): the rest of the file "
                "would have become one field.",
            ) from None
        raise ImportFailed(name, reader.line_num, f"malformed CSV ({exc}).") from None


def _read_zip(name: str, data: bytes, max_chars: int) -> Iterator[ArticleRow]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFailed(name, None, "not a valid zip archive.") from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > ZIP_MAX_MEMBERS:
        raise ImportFailed(name, None, f"more than {ZIP_MAX_MEMBERS} files in the archive.")
    total = 0
    for member in members:
        path = PurePosixPath(member.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in member.filename:
            raise ImportFailed(name, None, f"unsafe path in archive: {member.filename!r}.")
        if path.name.startswith(".") or "__MACOSX" in path.parts:
            continue
        if path.suffix.lower() == ".zip":
            raise ImportFailed(f"{name}/{member.filename}", None, "nested archives are not read.")
        total += member.file_size
        if total > ZIP_MAX_TOTAL:
            raise ImportFailed(name, None, "archive expands beyond the size limit.")
        try:
            with archive.open(member) as handle:
                content = handle.read(member.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            # corrupt data, a size or CRC that lies, unsupported compression or encryption
            raise ImportFailed(name, None, f"cannot read {member.filename!r} ({exc}).") from None
        if len(content) > member.file_size:
            raise ImportFailed(name, None, f"{member.filename!r} is larger than it claims.")
        yield from _read(f"{name}/{member.filename}", content, max_chars)


def _row(name: str, line: int | None, record: dict, max_chars: int) -> ArticleRow:
    if not _FIELD_SET.issuperset(record):
        unknown = sorted(k for k in record if k not in _FIELD_SET)
        raise ImportFailed(name, line, f"unknown fields: {', '.join(unknown)}.")
    get = record.get
    raw = get("text")
    if not isinstance(raw, str) or not raw or raw.isspace():  # isspace: strip()'s whitespace
        raise ImportFailed(name, line, "missing or empty 'text'.")
    text = normalise_text(raw)
    if len(text) > max_chars:
        raise ImportFailed(name, line, f"text has {len(text)} characters (limit {max_chars}).")
    ident, title, outlet, author, url, story = [
        _string(name, line, key, get(key, "")) for key in _STRING_FIELDS
    ]
    if max(len(ident), len(outlet), len(author), len(story)) > 200:
        raise ImportFailed(
            name, line, "id, outlet, author and story are limited to 200 characters."
        )
    if len(title) > MAX_TITLE:
        raise ImportFailed(name, line, f"the title is limited to {MAX_TITLE:,} characters.")
    problem = find_unstorable(record)  # NUL from a \u0000 escape, NaN in meta, lone surrogates
    if problem is not None:
        raise ImportFailed(name, line, f"cannot be stored: {problem.replace('$', 'record', 1)}.")
    meta = get("meta", {})
    if not isinstance(meta, dict):
        raise ImportFailed(name, line, "'meta' must be a JSON object.")
    digest = text_sha256(text)
    return ArticleRow(
        external_id=ident or digest[:16],
        text=text,
        title=title,
        outlet=outlet,
        author=author,
        url=url,
        published=_parse_date(name, line, get("date")),
        meta=meta,
        sha256=digest,
        source=f"{name}:{line}" if line else name,
        story=story,
    )


def _string(name: str, line: int | None, key: str, value: Any) -> str:
    if not isinstance(value, str):
        if key == "id" and type(value) is int:  # not bool
            return str(value)
        raise ImportFailed(name, line, f"'{key}' must be a string.")
    value = value.strip()
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def _parse_date(name: str, line: int | None, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ImportFailed(name, line, "'date' must be a string like 2024-05-31.")
    if len(value) == 10:  # the usual YYYY-MM-DD; datetime.fromisoformat accepts all of these
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        raise ImportFailed(
            name, line, f"'date' {value!r} is not an ISO date (YYYY-MM-DD)."
        ) from None
