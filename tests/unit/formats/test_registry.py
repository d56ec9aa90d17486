import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from annotator.formats import (
    READERS,
    WRITERS,
    FormatError,
    export,
    get_reader,
    get_writer,
    read_brat,
    read_zip,
    stream_zip,
)
from tests.unit.formats.cases import documents

ROOT = Path(__file__).resolve().parents[3]


def test_importing_formats_does_not_import_flask():
    code = (
        "import sys, annotator.formats\n"
        "sys.exit('flask' in sys.modules or 'sqlalchemy' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_registry():
    assert set(WRITERS) == {
        "jsonl",
        "doccano",
        "doccano-merged",
        "doccano-relations",
        "hf",
        "xmi",
        "prodigy",
        "spacy",
        "labelstudio",
        "brat",
        "conll",
        "csv",
        "csv-answers",
    }
    assert set(READERS) == {"jsonl", "doccano", "labelstudio", "brat", "ptc"}
    assert get_writer("brat").multi_file and get_writer("brat").extension == ".zip"
    assert get_writer("jsonl").media_type == "application/x-ndjson"
    assert get_reader("labelstudio").extensions == (".json",)
    with pytest.raises(KeyError, match="known: jsonl"):
        get_writer("xml")
    with pytest.raises(KeyError):
        get_reader("xml")


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_writer_streams_and_is_lazy(name):
    def docs():
        yield from documents()
        raise AssertionError("consumed past the first chunk")

    # per-annotator files are spooled to disk (or, for spacy, built) before the zip starts
    if name not in ("doccano", "doccano-relations", "conll", "hf", "spacy"):
        chunks = export(name, docs())
        assert isinstance(next(chunks), bytes)  # the whole input was not needed
    data = b"".join(export(name, documents()))
    assert data and (data[:2] == b"PK") == WRITERS[name].multi_file


def test_stream_zip_is_deterministic_and_readable():
    entries = [("a.txt", "héllo"), ("b/c.txt", iter(["x", b"y"]))]
    data = b"".join(stream_zip(entries))
    assert data == b"".join(stream_zip([("a.txt", "héllo"), ("b/c.txt", ["x", "y"])]))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read("a.txt").decode() == "héllo" and zf.read("b/c.txt") == b"xy"


def _zip(entries) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "name", ["../evil.txt", "/etc/passwd", "a/../../b.txt", "C:/x.txt", "a\\b.txt"]
)
def test_zip_rejects_unsafe_names(name):
    with pytest.raises(FormatError, match="unsafe path"):
        read_zip(_zip([(name, "x")]))


def test_zip_bomb_limits():
    bomb = _zip([("big.txt", b"0" * 5_000_000)])
    assert len(bomb) < 10_000
    with pytest.raises(FormatError, match="size limit"):
        read_zip(bomb, max_total_bytes=1_000_000)
    with pytest.raises(FormatError, match="limit 3"):
        read_zip(_zip([(f"{i}.txt", "x") for i in range(4)]), max_files=3)
    with pytest.raises(FormatError, match="not a readable zip"):
        read_brat(b"PK\x03\x04 not really")


@pytest.mark.parametrize("name", [w.name for w in WRITERS.values() if not w.multi_file])
def test_encoded_output_is_the_text_output_in_utf8(name):
    writer = WRITERS[name]
    text = "".join(writer.write(documents()))
    assert b"".join(writer.encoded(documents())) == text.encode("utf-8")
    assert b"".join(export(name, documents())) == text.encode("utf-8")
