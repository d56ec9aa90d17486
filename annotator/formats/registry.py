"""The registry of export writers and import readers, looked up by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from annotator.formats.brat import read_brat, write_brat
from annotator.formats.conll import write_conll
from annotator.formats.csvfmt import write_answers_csv, write_csv
from annotator.formats.doccano import (
    read_doccano,
    write_doccano,
    write_doccano_merged,
    write_doccano_relations,
)
from annotator.formats.hf import write_hf
from annotator.formats.jsonl import jsonl_lines, read_jsonl, write_jsonl
from annotator.formats.labelstudio import labeling_config, read_labelstudio, write_labelstudio
from annotator.formats.prodigy import write_prodigy
from annotator.formats.ptc import read_ptc
from annotator.formats.spacy_docbin import write_spacy
from annotator.formats.xmi import write_xmi
from annotator.formats.ziputil import stream_zip
from annotator.records import DocumentRecord


@dataclass(frozen=True)
class Writer:
    """An export format. ``write(documents, **options)`` yields ``str`` chunks, or, when
    ``multi_file``, ``(path, content)`` entries that ``export`` streams as a zip.
    ``write_bytes``, if given, yields the same output as UTF-8 bytes (no decode and re-encode).
    """

    name: str
    extension: str
    media_type: str
    multi_file: bool
    write: Callable[..., Iterator[Any]]
    description: str = ""
    write_bytes: Callable[..., Iterator[bytes]] | None = None
    # Keyword options ``write`` takes beyond the documents: ``labels`` (the project's
    # LabelRecords: attribute types, links), ``report`` (a dict counting what the format could
    # not hold or changed), ``raw`` (CSV: formula-like cells verbatim).
    options: frozenset[str] = frozenset()
    # Files a bundle adds for the consumer, from the project's LabelRecords and
    # QuestionRecords (e.g. Label Studio's labelling config): ``extras(labels, questions)``
    # gives ``(path, text)`` entries.
    extras: Callable[..., list[tuple[str, str]]] | None = None

    def encoded(self, documents: Iterable[DocumentRecord], **options: Any) -> Iterator[bytes]:
        """A single-file format's output as UTF-8 bytes."""
        if self.write_bytes is not None:
            return self.write_bytes(documents, **options)
        return (chunk.encode("utf-8") for chunk in self.write(documents, **options))


@dataclass(frozen=True)
class Reader:
    """An import format. ``read(source, **options)`` takes a path (or file / zip bytes)."""

    name: str
    extensions: tuple[str, ...]
    read: Callable[..., list[DocumentRecord]]
    description: str = ""


WRITERS: dict[str, Writer] = {
    w.name: w
    for w in (
        Writer("jsonl", ".jsonl", "application/x-ndjson", False, write_jsonl,
               "native: metadata, every annotator's spans, answers, gold, soft labels",
               jsonl_lines),
        Writer("doccano", ".zip", "application/zip", True, write_doccano,
               "doccano JSONL, one file per annotator", options=frozenset({"report"})),
        Writer("doccano-relations", ".zip", "application/zip", True, write_doccano_relations,
               "doccano JSONL with relations (links), one file per annotator",
               options=frozenset({"report", "labels"})),
        Writer("doccano-merged", ".jsonl", "application/x-ndjson", False, write_doccano_merged,
               "doccano JSONL, all annotators merged", options=frozenset({"report"})),
        Writer("labelstudio", ".json", "application/json", False, write_labelstudio,
               "Label Studio tasks, one annotation per annotator (bundle: label_config.xml)",
               options=frozenset({"labels", "report"}),
               extras=lambda labels, questions=(): [
                   ("label_config.xml", labeling_config(labels, questions))]),
        Writer("brat", ".zip", "application/zip", True, write_brat,
               "brat standoff: a folder per annotator, links as relations, annotation.conf",
               options=frozenset({"labels", "report"})),
        Writer("conll", ".zip", "application/zip", True, write_conll,
               "token-per-line BIO tags, one .conll file per annotator, -DOCSTART- between "
               "articles", options=frozenset({"report", "label_columns"})),
        Writer("hf", ".zip", "application/zip", True, write_hf,
               "Hugging Face dataset folder: data/{raw,gold,majority}.parquet + README configs"),
        Writer("xmi", ".zip", "application/zip", True, write_xmi,
               "UIMA CAS XMI for INCEpTION: TypeSystem.xml, annotator/doc.xmi, links as relations",
               options=frozenset({"labels", "report"})),
        Writer("prodigy", ".jsonl", "application/x-ndjson", False, write_prodigy,
               "Prodigy-style JSONL: one line per article and annotator, spans, answer",
               options=frozenset({"report"})),
        Writer("spacy", ".zip", "application/zip", True, write_spacy,
               "spaCy DocBin, one .spacy file per annotator, spans in doc.spans['sc'] "
               "(needs annotator[spacy])", options=frozenset({"report"})),
        Writer("csv", ".csv", "text/csv; charset=utf-8", False, write_csv,
               "one span per row (formula-like cells neutralised); bundle: answers.csv",
               options=frozenset({"report", "raw", "answers"})),
        Writer("csv-answers", ".csv", "text/csv; charset=utf-8", False, write_answers_csv,
               "one article answer per row, gold answers under annotator gold",
               options=frozenset({"report", "raw"})),
    )
}  # fmt: skip

READERS: dict[str, Reader] = {
    r.name: r
    for r in (
        Reader("jsonl", (".jsonl",), read_jsonl, "native JSONL"),
        Reader("doccano", (".jsonl", ".zip"), read_doccano, "doccano JSONL or zip of them"),
        Reader("labelstudio", (".json",), read_labelstudio, "Label Studio JSON export"),
        Reader("brat", (".zip", ""), read_brat, "brat folder or zip of .txt/.ann pairs"),
        Reader("ptc", ("",), read_ptc, "SemEval-2020 Task 11 PTC folder"),
    )
}


def get_writer(name: str) -> Writer:
    """The writer called ``name`` (KeyError lists the known names)."""
    try:
        return WRITERS[name]
    except KeyError:
        raise KeyError(f"unknown export format {name!r}; known: {', '.join(WRITERS)}") from None


def get_reader(name: str) -> Reader:
    """The reader called ``name`` (KeyError lists the known names)."""
    try:
        return READERS[name]
    except KeyError:
        raise KeyError(f"unknown import format {name!r}; known: {', '.join(READERS)}") from None


def export(name: str, documents: Iterable[DocumentRecord], **options: Any) -> Iterator[bytes]:
    """Stream format ``name`` as UTF-8 bytes (a zip for multi-file formats)."""
    writer = get_writer(name)
    if writer.multi_file:
        yield from stream_zip(writer.write(documents, **options))
    else:
        yield from writer.encoded(documents, **options)
