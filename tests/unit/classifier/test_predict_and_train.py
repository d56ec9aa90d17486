import subprocess
import sys

from annotator.classifier import (
    MultiLabelSentenceClassifier,
    SpanTagger,
    load_model,
    predict_spans,
    save_model,
    sentence_pipeline,
    train_model,
)
from annotator.records import DocumentRecord, SpanRecord

TEXT = "A disgraceful plan. The vote was held."
TRAIN = ["a disgraceful plan", "a shameful vote", "the vote was held", "the plan was published"] * 3


def test_predict_spans_single_label_pipeline():
    model = sentence_pipeline().fit(TRAIN, ["Biased", "Biased", "Neutral", "Neutral"] * 3)
    spans = predict_spans(model, TEXT, skip_labels=["Neutral"])
    assert [(TEXT[s:e], lab) for s, e, lab, _ in spans] == [("A disgraceful plan.", "Biased")]
    assert 0.5 < spans[0][3] <= 1.0


def test_predict_spans_multilabel_and_span_models():
    sets = [{"Loaded", "Opinion"}, {"Loaded"}, set(), set()] * 3
    model = MultiLabelSentenceClassifier(threshold=0.5).fit(TRAIN, sets)
    got = {(TEXT[s:e], lab) for s, e, lab, _ in predict_spans(model, TEXT)}
    assert {t for t, _ in got} == {"A disgraceful plan."}
    assert list(model.classes_) == ["Loaded", "Opinion"]
    assert predict_spans(model, "   ") == []
    texts = [f"Day {i}: a disgraceful plan. Nothing else." for i in range(12)]
    spans = [[(t.index("disg"), t.index("disg") + 11, "Loaded")] for t in texts]
    tagger = SpanTagger(outside_fraction=1.0).fit(texts, spans)
    assert [TEXT[s:e] for s, e, _, _ in predict_spans(tagger, TEXT)] == ["disgraceful"]


def documents():
    docs = []
    for i in range(6):
        text = f"Officials announced plan {i}. The outrageous plan {i} failed."
        start = text.index("outrageous")
        spans = tuple(
            SpanRecord(f"d{i}", who, "Loaded", start, start + 10) for who in ("ann1", "ann2")
        )
        docs.append(DocumentRecord(f"d{i}", text, spans=spans))
    return docs


def test_train_model_metadata_and_roundtrip(tmp_path):
    progress = []
    model, meta = train_model(
        documents(), "sentence", n_splits=3, progress=lambda d, t: progress.append((d, t))
    )
    assert progress[-1] == (4, 4)
    assert meta["sources"] == {"majority": 6} and meta["labels"] == ["Loaded"]
    assert meta["metrics"]["model"]["per_label"]["Loaded"]["f1"] > 0.9
    save_model(tmp_path / "m.joblib", model, meta)
    loaded, sidecar = load_model(tmp_path / "m.joblib", root=tmp_path)
    text = "The outrageous plan 9 failed."
    assert predict_spans(loaded, text)[0][:3] == (0, len(text), "Loaded")
    assert sidecar["training_hash"] == meta["training_hash"]
    span_model, span_meta = train_model(documents(), "span", n_splits=3, evaluate=False)
    assert span_meta["metrics"] is None and isinstance(span_model, SpanTagger)


def test_classifier_does_not_import_flask():
    code = "import sys, annotator.classifier; sys.exit('flask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
