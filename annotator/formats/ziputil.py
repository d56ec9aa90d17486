"""Stream a zip from ``(path, content)`` entries; read zips safely (no traversal, no bombs)."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import IO

from annotator.formats.errors import FormatError

MAX_FILES = 20_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024
# ``ZipMembers`` holds only the names and reads one member at a time, so it allows more files
# (a brat corpus of 400,000 spans is some 50,000 .txt/.ann files); the byte cap is the same.
MAX_STREAMED_FILES = 250_000

Content = str | bytes | Iterable[str | bytes]


class _Sink(io.RawIOBase):
    """A write-only, non-seekable buffer the zip writer fills and the generator drains."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        self.chunks.append(bytes(b))
        return len(b)

    def drain(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def _as_bytes(content: Content) -> Iterator[bytes]:
    if isinstance(content, bytes):
        yield content
    elif isinstance(content, str):
        yield content.encode("utf-8")
    else:
        for chunk in content:
            yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def stream_zip(entries: Iterable[tuple[str, Content]]) -> Iterator[bytes]:
    """Yield the bytes of a deflated zip holding ``entries`` (each content str, bytes or chunks).

    Memory stays bounded by one chunk: entries are written with data descriptors.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path, content in entries:
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as fh:
                for chunk in _as_bytes(content):
                    fh.write(chunk)
                    if len(sink.chunks) > 64:
                        yield sink.drain()
            yield sink.drain()
    yield sink.drain()


def check_member_name(name: str, source: str) -> str:
    """Return a zip member's name if safe; raise FormatError for absolute or ``..`` paths."""
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise FormatError(source, None, f"unsafe path in archive: {name!r}")
    if ".." in PurePosixPath(name).parts or "\x00" in name:
        raise FormatError(source, None, f"unsafe path in archive: {name!r}")
    return name


def _is_junk(name: str) -> bool:
    """macOS resource forks and hidden files that archivers add."""
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith(".")


def read_zip(
    source: str | os.PathLike | IO[bytes] | bytes,
    *,
    max_files: int = MAX_FILES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> dict[str, bytes]:
    """Read every file of a zip into ``{name: bytes}``, rejecting unsafe names and bombs.

    The caps apply to the file count and the actual uncompressed bytes (headers are not trusted).
    Hidden files and ``__MACOSX/`` entries are skipped.
    """
    label = os.fspath(source) if isinstance(source, str | os.PathLike) else "archive.zip"
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise FormatError(label, None, f"not a readable zip file ({exc})") from None
    out: dict[str, bytes] = {}
    total = 0
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir() and not _is_junk(i.filename)]
        if len(infos) > max_files:
            raise FormatError(label, None, f"archive holds {len(infos)} files (limit {max_files})")
        for info in infos:
            name = check_member_name(info.filename, label)
            if info.file_size > max_total_bytes - total:
                raise FormatError(label, None, "archive expands beyond the size limit")
            try:
                with zf.open(info) as fh:
                    data = fh.read(max_total_bytes - total + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                raise FormatError(label, None, f"cannot read {name!r} ({exc})") from None
            total += len(data)
            if total > max_total_bytes:
                raise FormatError(label, None, "archive expands beyond the size limit")
            out[name] = data
    return out


class ZipMembers:
    """A zip's files read one at a time (``read_zip``'s checks: safe names, the file count
    and the uncompressed bytes read so far capped), for readers that stream an archive.
    Use as a context manager; ``names`` lists the files in archive order."""

    def __init__(
        self,
        source: str | os.PathLike | IO[bytes] | bytes,
        *,
        max_files: int = MAX_STREAMED_FILES,
        max_total_bytes: int = MAX_TOTAL_BYTES,
    ) -> None:
        self.label = os.fspath(source) if isinstance(source, str | os.PathLike) else "archive.zip"
        if isinstance(source, bytes):
            source = io.BytesIO(source)
        try:
            self._zf = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise FormatError(self.label, None, f"not a readable zip file ({exc})") from None
        infos = [i for i in self._zf.infolist() if not i.is_dir() and not _is_junk(i.filename)]
        if len(infos) > max_files:
            self._zf.close()
            raise FormatError(
                self.label, None, f"archive holds {len(infos)} files (limit {max_files})"
            )
        self._infos = {check_member_name(i.filename, self.label): i for i in infos}
        self.names = list(self._infos)
        self._left = max_total_bytes

    def __enter__(self) -> ZipMembers:
        return self

    def __exit__(self, *exc) -> None:
        self._zf.close()

    def _open(self, name: str):
        info = self._infos[name]
        if info.file_size > self._left:
            raise FormatError(self.label, None, "archive expands beyond the size limit")
        try:
            return self._zf.open(info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise FormatError(self.label, None, f"cannot read {name!r} ({exc})") from None

    def read(self, name: str) -> bytes:
        """The file's bytes."""
        try:
            with self._open(name) as fh:
                data = fh.read(self._left + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise FormatError(self.label, None, f"cannot read {name!r} ({exc})") from None
        self._take(len(data))
        return data

    def chunks(self, name: str, size: int = 1 << 20) -> Iterator[bytes]:
        """The file's bytes a chunk at a time (memory stays at one chunk)."""
        with self._open(name) as fh:
            while True:
                try:
                    data = fh.read(min(size, self._left + 1))
                except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                    raise FormatError(self.label, None, f"cannot read {name!r} ({exc})") from None
                if not data:
                    return
                self._take(len(data))
                yield data

    def _take(self, n: int) -> None:
        self._left -= n
        if self._left < 0:
            raise FormatError(self.label, None, "archive expands beyond the size limit")
