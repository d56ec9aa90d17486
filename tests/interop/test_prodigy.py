"""Prodigy-style JSONL: pandas reads it; spaCy (when installed) turns every span into
``doc.spans["sc"]`` with ``char_span`` (overlaps survive in a span group)."""

import json

import pandas as pd
import pytest

from tests.interop.consumers import export_files
from tests.interop.fixture import documents, spans_of


def test_prodigy_lines_one_per_article_and_annotator(tmp_path):
    docs = documents()
    report = {}
    path = export_files("prodigy", docs, tmp_path, report=report)["export.jsonl"]
    assert path.read_bytes().isascii()
    df = pd.read_json(path, lines=True, dtype=False)
    assert list(zip(df["meta"].map(lambda m: m["id"]), df["_annotator_id"], strict=True)) == [
        ("geneva-1", "alice"), ("geneva-1", "bob"), ("geneva-1", "gold"),
        ("zurich-2", "alice"), ("zurich-2", "bob"), ("arabic-3", "alice"),
    ]  # fmt: skip
    for _, row in df.iterrows():
        doc = next(d for d in docs if d.id == row["meta"]["id"])
        want = sorted((s.start, s.end, s.label) for s in spans_of(doc, row["_annotator_id"]))
        assert [(s["start"], s["end"], s["label"]) for s in row["spans"]] == want
        assert row["answer"] == "accept" and row["text"] == doc.text
    assert report == {"attributes_dropped": 12, "notes_dropped": 2, "answers_dropped": 6}


def test_spacy_span_groups_hold_overlapping_spans(tmp_path):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("xx")
    path = export_files("prodigy", documents(), tmp_path)["export.jsonl"]
    for line in path.read_text(encoding="utf-8").splitlines():
        eg = json.loads(line)
        doc = nlp(eg["text"])
        group = [doc.char_span(s["start"], s["end"], s["label"], alignment_mode="expand")
                 for s in eg["spans"]]  # fmt: skip
        doc.spans["sc"] = [s for s in group if s is not None]
        assert len(doc.spans["sc"]) == len(eg["spans"])
