"""Reading annotation files for an import: the formats' readers as one stream of records,
with their options checked and FormatError turned into a ServiceError naming the file and line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from annotator.formats import FormatError, get_reader
from annotator.formats.brat import iter_brat
from annotator.formats.doccano import iter_doccano, iter_doccano_zip
from annotator.formats.jsonl import iter_jsonl
from annotator.formats.labelstudio import iter_labelstudio
from annotator.formats.ziputil import ZipMembers
from annotator.records import DocumentRecord
from annotator.services.errors import ServiceError

FORMATS = ("doccano", "labelstudio", "brat", "ptc", "jsonl")
OFFSETS = ("codepoints", "utf16")


def read_annotation_files(
    fmt: str, paths, *, annotator: str | None = None, offsets: str = "codepoints"
) -> list[DocumentRecord]:
    """Records from files of one format; FormatError becomes a ServiceError naming file/line."""
    return list(iter_annotation_files(fmt, paths, annotator=annotator, offsets=offsets))


def iter_annotation_files(
    fmt: str, paths, *, annotator: str | None = None, offsets: str = "codepoints"
) -> Iterator[DocumentRecord]:
    """``read_annotation_files`` as a stream, in bounded memory however large the input:
    JSONL and doccano files a line at a time (a doccano zip member by member), Label Studio
    exports a task at a time, brat collections (folders or zips) an article at a time; PTC
    folders are read whole. The options are checked at once, the files as they are read."""
    if fmt not in FORMATS:
        raise ServiceError(f"Cannot import annotations from {fmt!r}; use {', '.join(FORMATS)}.")
    if offsets not in OFFSETS:
        raise ServiceError(f"Offsets are {' or '.join(OFFSETS)}, not {offsets!r}.")
    if offsets == "utf16" and fmt not in ("doccano", "labelstudio"):
        raise ServiceError(f"--offsets utf16 applies to doccano and labelstudio, not {fmt}.")
    for path in paths:
        if fmt in ("labelstudio", "jsonl") and Path(path).is_dir():
            raise ServiceError(f"{path}: expected a file, not a folder.")
    return _iter_files(fmt, list(paths), annotator, offsets == "utf16")


def _iter_files(fmt, paths, annotator, utf16) -> Iterator[DocumentRecord]:
    reader = get_reader(fmt)
    for path in paths:
        options: dict = {}
        if fmt in ("brat", "doccano") and annotator:
            options["annotator"] = annotator
        if utf16:
            options["utf16"] = True
        try:
            if fmt == "jsonl":
                yield from iter_jsonl(os.fspath(path))
                continue
            if fmt == "doccano" and not _is_zip(path):
                who = annotator or "doccano"
                yield from iter_doccano(os.fspath(path), annotator=who, utf16=utf16)
                continue
            if fmt == "doccano":
                yield from iter_doccano_zip(os.fspath(path), annotator=annotator, utf16=utf16)
                continue
            if fmt == "labelstudio":
                yield from iter_labelstudio(os.fspath(path), utf16=utf16)
                continue
            if fmt == "brat":
                yield from iter_brat(os.fspath(path), annotator=annotator)
                continue
            if fmt == "ptc":
                options.update(_ptc_layout(Path(path)))
                path = Path(path).parent if Path(path).is_file() else path
            yield from reader.read(os.fspath(path), **options)
        except FormatError as exc:
            raise ServiceError(str(exc)) from None
        except OSError as exc:
            raise ServiceError(f"{path}: cannot read ({exc.strerror}).") from None


def _is_zip(path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"PK" or os.fspath(path).endswith(".zip")


def _ptc_layout(path: Path) -> dict:
    """PTC options for a folder holding one labels file (``*.labels``, ``*.labels.tsv``) or one
    folder of per-article label files (``*labels*``), and one articles folder (``*articles*``);
    or for the labels file itself, its articles folder beside it."""
    folder = path.parent if path.is_file() else path
    if path.is_file():
        labels = [path]
    else:
        labels = sorted(folder.glob("*.labels")) + sorted(folder.glob("*.labels.tsv"))
        labels = labels or sorted(p for p in folder.glob("*labels*") if p.is_dir())
    articles = sorted(p for p in folder.glob("*articles*") if p.is_dir())
    if len(labels) != 1 or len(articles) != 1:
        raise ServiceError(
            f"{path}: a PTC folder holds one labels file (e.g. train-task2-TC.labels) or folder "
            f"of article<ID>.labels.tsv files, and one articles folder (e.g. train-articles); "
            f"found {len(labels)} and {len(articles)}."
        )
    return {"labels_file": labels[0].name, "articles_dir": articles[0].name}


def _unpacked(path: Path, into: Path) -> Path:
    """A PTC zip unpacked (safely: ``read_zip``'s name and size checks); the folder holding its
    articles folder."""
    try:
        with ZipMembers(path) as members:
            for name in members.names:
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as out:
                    for chunk in members.chunks(name):
                        out.write(chunk)
    except FormatError as exc:
        raise ServiceError(f"{path.name}: {exc.message}") from None
    homes = sorted({p.parent for p in into.rglob("*articles*") if p.is_dir()})
    if len(homes) != 1:
        raise ServiceError(f"{path.name}: a PTC zip holds one articles folder and its labels.")
    return homes[0]
