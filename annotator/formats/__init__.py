"""Pure, Flask-free readers and writers of annotation formats, with a registry.

Writers take an iterable of ``DocumentRecord`` and stream: ``str`` chunks, or ``(path, content)``
zip entries for multi-file formats (``export`` turns either into bytes). Readers validate every
record and raise ``FormatError`` on bad input.
"""

from annotator.formats.brat import parse_ann, read_brat, write_ann, write_brat
from annotator.formats.card import dataset_card
from annotator.formats.conll import write_conll
from annotator.formats.csvfmt import write_csv
from annotator.formats.doccano import (
    parse_doccano,
    read_doccano,
    write_doccano,
    write_doccano_merged,
)
from annotator.formats.errors import FormatError
from annotator.formats.jsonl import parse_jsonl, read_jsonl, soft_label_runs, write_jsonl
from annotator.formats.labelstudio import parse_labelstudio, read_labelstudio, write_labelstudio
from annotator.formats.normalize import to_nfc
from annotator.formats.ptc import read_ptc
from annotator.formats.registry import (
    READERS,
    WRITERS,
    Reader,
    Writer,
    export,
    get_reader,
    get_writer,
)
from annotator.formats.selection import (
    SELECTIONS,
    filter_annotators,
    filter_labels,
    gold_only,
    majority_vote,
    raw,
)
from annotator.formats.ziputil import read_zip, stream_zip

__all__ = [
    "READERS", "SELECTIONS", "WRITERS", "FormatError", "Reader", "Writer", "dataset_card",
    "export", "filter_annotators", "filter_labels", "get_reader", "get_writer", "gold_only",
    "majority_vote", "parse_ann", "parse_doccano", "parse_jsonl", "parse_labelstudio", "raw",
    "read_brat", "read_doccano", "read_jsonl", "read_labelstudio", "read_ptc", "read_zip",
    "soft_label_runs", "stream_zip", "to_nfc", "write_ann", "write_brat", "write_conll",
    "write_csv", "write_doccano", "write_doccano_merged", "write_jsonl", "write_labelstudio",
]  # fmt: skip
