"""``--format hf``: datasets loads the folder by its README configs, pyarrow reads the files."""

import json

import pytest

from tests.interop.consumers import export_files
from tests.interop.fixture import answers_of, documents, spans_of

datasets = pytest.importorskip("datasets")
pq = pytest.importorskip("pyarrow.parquet")


def test_load_dataset_reads_raw_gold_and_majority_configs(tmp_path):
    docs = documents()
    folder = tmp_path / "hf"
    export_files("hf", docs, folder)
    raw = datasets.load_dataset(str(folder), "raw", split="train", cache_dir=str(tmp_path / "c"))
    assert [(r["id"], r["annotator"]) for r in raw] == [
        ("geneva-1", "alice"), ("geneva-1", "bob"), ("zurich-2", "alice"), ("zurich-2", "bob"),
        ("arabic-3", "alice"),
    ]  # fmt: skip
    for row in raw:
        doc = next(d for d in docs if d.id == row["id"])
        assert row["text"] == doc.text  # CRLF, NFC, emoji, ZWJ, Arabic
        want = [
            (s.label, s.start, s.end, s.attributes, s.note) for s in spans_of(doc, row["annotator"])
        ]
        got = [(s["label"], s["start"], s["end"], json.loads(s["attributes"]), s["note"])
               for s in row["spans"]]  # fmt: skip
        assert got == want  # nested, overlapping, attributes and links (span ids) kept
        assert all(row["text"][s["start"] : s["end"]] == s["text"] for s in row["spans"])
        got_answers = {a["question"]: a["value"] for a in row["answers"]}
        assert got_answers == answers_of(doc, row["annotator"])
    gold = datasets.load_dataset(str(folder), "gold", split="train", cache_dir=str(tmp_path / "c"))
    assert [len(r["spans"]) for r in gold] == [3, 0, 0]
    # gold: attributes, the link (to the gold Source's id), the note and the gold answers
    assert json.loads(gold[0]["spans"][1]["attributes"]) == {"speaker": "G1"}
    assert gold[0]["spans"][0]["id"] == "G1" and gold[0]["spans"][1]["note"] == "both agree"
    assert json.loads(gold[0]["spans"][2]["attributes"]) == {"type": "factual"}
    assert [{a["question"]: a["value"] for a in r["answers"]} for r in gold] == [
        answers_of(d, "gold") for d in docs
    ]
    majority = datasets.load_dataset(str(folder), "majority", split="train",
                                     cache_dir=str(tmp_path / "c"))  # fmt: skip
    # geneva: alice and bob both marked Quote "A new chapter"; arabic: alice alone is a majority
    assert [[s["label"] for s in r["spans"]] for r in majority] == [
        ["Quote"],
        [],
        ["Source", "Quote"],
    ]
    assert pq.read_table(folder / "data" / "raw.parquet").num_rows == 5
