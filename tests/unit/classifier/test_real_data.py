"""Baselines on the shared real data (BABE, PTC); skipped when the data is absent."""

import csv

import pytest

from annotator.classifier import SpanTagger, cross_validate_sentences, cross_validate_spans
from tests.shared import SHARED_DATA, requires_shared_data

BABE = SHARED_DATA / "babe" / "final_labels_SG2.csv"
PTC = SHARED_DATA / "ptc-train"

pytestmark = pytest.mark.slow


@requires_shared_data("babe/final_labels_SG2.csv")
def test_babe_sentence_baseline_f1_biased():
    with open(BABE, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["label_bias"] in ("Biased", "Non-biased")]
    assert len(rows) == 3673  # 3,674 minus one "No agreement"
    res = cross_validate_sentences(
        [r["text"] for r in rows], [r["label_bias"] for r in rows], n_splits=5, seed=0
    )
    f1 = res["model"]["per_label"]["Biased"]["f1"]
    assert f1 >= 0.73, f1
    assert res["random"]["per_label"]["Biased"]["f1"] < 0.55
    assert res["majority"]["macro_f1"] < 0.4


def ptc_documents(limit):
    try:
        from annotator.formats.ptc import read_ptc
    except ImportError:  # the formats package is optional here
        read_ptc = None
    if read_ptc is not None:
        docs = read_ptc(PTC)
        data = [(d.id, d.text, [(s.start, s.end, s.label) for s in d.gold]) for d in docs]
    else:
        texts = {}
        for path in sorted((PTC / "train-articles").glob("article*.txt")):
            with open(path, encoding="utf-8", newline="") as fh:
                texts[path.stem.removeprefix("article")] = fh.read()
        spans = {k: [] for k in texts}
        for line in (PTC / "train-task2-TC.labels").read_text(encoding="utf-8").splitlines():
            doc, label, start, end = line.split("\t")
            spans[doc].append((int(start), int(end), label))
        data = [(k, texts[k], spans[k]) for k in sorted(texts, key=lambda k: (len(k), k))]
    return data[:limit]


@requires_shared_data("ptc-train")
def test_ptc_span_baseline_grouped_cv_beats_majority():
    docs = ptc_documents(limit=120)  # a subset keeps this under ~30 s; the benchmark runs all
    res = cross_validate_spans(
        docs, n_splits=3, seed=0, make_model=lambda: SpanTagger(seed=0, n_jobs=1)
    )
    model, majority = res["model"]["partial"], res["majority"]["partial"]
    assert len(model["per_label"]) >= 10  # most of the 14 techniques appear
    assert model["f1"] > majority["f1"]
    assert model["per_label"]["Loaded_Language"]["f1"] > 0.1
