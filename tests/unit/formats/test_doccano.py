import io
import json
import zipfile

import pytest

from annotator.formats import FormatError, export, parse_doccano, read_doccano
from annotator.formats.doccano import write_doccano_merged
from tests.unit.formats.cases import EMOJI, documents


def _entries(data: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: [json.loads(x) for x in zf.read(n).decode().splitlines()] for n in zf.namelist()}


def test_per_annotator_zip():
    data = b"".join(export("doccano", documents()))
    files = _entries(data)
    assert list(files) == ["alice.jsonl", "bob.jsonl", "carol.jsonl", "gold.jsonl"]
    first = files["alice.jsonl"][0]
    assert first["id"] == "art-1" and first["text"] == EMOJI and first["Comments"] == []
    assert first["label"] == [[0, 13, "Claim"], [17, 25, "Quote"]]
    assert first["outlet"] == "Example Times" and first["meta"] == {"topic": "diplomacy"}
    assert [d["id"] for d in files["carol.jsonl"]] == ["art-1"]
    # the same keys on every line (doccano's pandas reader turns a missing key into NaN)
    lines = [line for f in files.values() for line in f]
    assert len({tuple(line) for line in lines}) == 1 and files["bob.jsonl"][-1]["title"] == ""
    raw = b"".join(export("doccano-merged", documents()))
    assert raw.isascii() and b"\\ud83e\\udd1d" in raw  # the emoji, escaped


def test_zip_round_trip():
    data = b"".join(export("doccano", documents()))
    docs = read_doccano(data)
    assert [d.id for d in docs] == ["art-1", "art-2"]
    assert len(docs[0].gold) == 1 and {s.annotator for s in docs[0].spans} == {
        "alice",
        "bob",
        "carol",
    }
    assert docs[0].outlet == "Example Times" and docs[0].meta == {"topic": "diplomacy"}
    assert b"".join(export("doccano", docs)) == data


def test_zip_round_trip_keeps_every_files_order():
    from annotator.records import DocumentRecord, SpanRecord

    def doc(i, who):
        return DocumentRecord(
            f"d{i}", "text", spans=tuple(SpanRecord(f"d{i}", w, "L", 0, 2) for w in who)
        )

    docs = [doc(1, "a"), doc(2, "b"), doc(3, "ab")]
    data = b"".join(export("doccano", docs))
    assert [d.id for d in read_doccano(data)] == ["d1", "d2", "d3"]
    assert b"".join(export("doccano", read_doccano(data))) == data


def test_merged_round_trip_and_dedup():
    out = "".join(write_doccano_merged(documents()))
    first = json.loads(out.splitlines()[0])
    assert first["label"] == [[0, 13, "Claim"], [8, 25, "Claim"], [17, 25, "Quote"],
                              [28, 45, "Loaded_language"]]  # fmt: skip
    back = parse_doccano(out, annotator="team")
    assert "".join(write_doccano_merged(back)) == out


def test_reads_entities_and_old_labels(tmp_path):
    lines = [
        {"id": 7, "text": "hello world", "entities": [{"id": 1, "start_offset": 0,
                                                       "end_offset": 5, "label": "X"}]},
        {"text": "second", "labels": [[0, 3, "Y"]], "meta": {"src": "x"}},
    ]  # fmt: skip
    path = tmp_path / "admin.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    docs = read_doccano(path, annotator="admin")
    assert [(d.id, [(s.label, s.text, s.annotator) for s in d.spans]) for d in docs] == [
        ("7", [("X", "hello", "admin")]), ("2", [("Y", "sec", "admin")]),
    ]  # fmt: skip
    assert docs[1].meta == {"src": "x"}


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ({"id": 1, "label": []}, "missing text"),
        ({"text": "abc", "label": [[2, 1, "X"]]}, "label offset 2-1 is not a valid span"),
        ({"text": "abc", "label": [[0, 9, "X"]]}, "out of range"),
        ({"text": "abc", "label": [[0, 1]]}, "is not \\[start, end, label\\]"),
        ({"text": "abc", "label": [[0, 1, 5]]}, "not a string"),
    ],
)
def test_errors(obj, message):
    with pytest.raises(FormatError, match=message) as info:
        parse_doccano('{"text": "ok"}\n' + json.dumps(obj), source="data.jsonl")
    assert str(info.value).startswith("data.jsonl:2: ")
