import numpy as np

from annotator.classifier import SpanTagger, cross_validate_spans
from annotator.classifier.lexicon import sentence_context, word_class
from annotator.classifier.viterbi import transitions, viterbi

TAGS = ["O", "B-X", "I-X", "B-Y", "I-Y"]


def test_viterbi_never_starts_inside_and_keeps_label():
    allowed, first = transitions(TAGS)
    # token-wise argmax would be I-X, I-X, I-Y: invalid everywhere.
    proba = np.array(
        [
            [0.1, 0.3, 0.4, 0.1, 0.1],
            [0.1, 0.1, 0.6, 0.1, 0.1],
            [0.1, 0.1, 0.3, 0.1, 0.4],
        ]
    )
    path = [TAGS[k] for k in viterbi(np.log(proba), allowed, first)]
    assert path == ["B-X", "I-X", "I-X"]
    assert viterbi(np.zeros((0, 5)), allowed, first).tolist() == []


def test_transitions_forbid_inside_after_other_label():
    allowed, first = transitions(TAGS)
    assert allowed[TAGS.index("B-Y"), TAGS.index("I-X")] == -np.inf
    assert allowed[TAGS.index("B-X"), TAGS.index("I-X")] == 0
    assert first[TAGS.index("I-Y")] == -np.inf and first[TAGS.index("B-Y")] == 0


def test_lexicon_context_features_and_quotes():
    words = ["He", "said", '"', "it", "may", "be", "awful", '"', "!"]
    feats, inside = sentence_context(words)
    assert {"S:rep", "S:hedge", "S:op", "S:quote", "S:excl"} <= set(feats)
    assert inside == [False, False, False, True, True, True, True, False, False]
    assert word_class("very") == "int" and word_class("table") is None


def corpus(n=40):
    texts, spans = [], []
    for i in range(n):
        text = (
            f"Report {i} came out. Critics called it a totally disgraceful and shameful plan. "
            f"The vote is on day {i}."
        )
        start = text.index("totally")
        end = text.index(" plan")
        texts.append(text)
        spans.append([(start, end, "Loaded")])
    return texts, spans


def test_tagger_predicts_whole_spans_tuned_on_its_own_training_texts():
    texts, spans = corpus()
    tagger = SpanTagger(seed=0).fit(texts, spans)
    assert tagger.tuned_ is not None and 0 <= tagger.tuned_["f1"] <= 1
    assert tagger.threshold == tagger.tuned_["threshold"]
    new = "Report 77 came out. Critics called it a totally disgraceful and shameful plan."
    found = tagger.predict([new])[0]
    assert [(new[s:e], lab) for s, e, lab, _ in found] == [
        ("totally disgraceful and shameful", "Loaded")
    ]
    assert 0 < found[0][3] <= 1


def test_untuned_tagger_keeps_given_threshold():
    texts, spans = corpus(10)
    tagger = SpanTagger(seed=0, tune=False, threshold=0.99).fit(texts, spans)
    assert tagger.tuned_ is None and tagger.threshold == 0.99


def test_span_cv_reports_si_lengths_and_sentence_baseline():
    texts, spans = corpus(20)
    docs = [(f"d{i}", t, s) for i, (t, s) in enumerate(zip(texts, spans, strict=True))]
    res = cross_validate_spans(docs, n_splits=4, seed=0)
    assert res["gold"]["median_length"] == len("totally disgraceful and shameful")
    assert res["model"]["si"]["f1"] >= res["model"]["partial"]["f1"] - 1e-9
    assert res["model"]["median_length"] == res["gold"]["median_length"]
    assert res["model"]["partial"]["f1"] > res["sentence"]["partial"]["f1"]
    assert len(res["tuned"]) == 4
