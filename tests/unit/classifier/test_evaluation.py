import numpy as np
import pytest

from annotator.classifier import SpanTagger, cross_validate_sentences, cross_validate_spans, folds

BIASED = ["outrageous", "disgraceful", "shameful", "radical", "reckless"]
NEUTRAL = ["announced", "reported", "published", "scheduled", "released"]


def sentence_corpus(n_articles=12, per_article=6):
    rng = np.random.default_rng(0)
    texts, labels, groups = [], [], []
    for a in range(n_articles):
        for k in range(per_article):
            biased = bool(rng.random() < 0.5)
            word = (BIASED if biased else NEUTRAL)[int(rng.integers(5))]
            texts.append(f"The council {word} plan {a}-{k} today.")
            labels.append("Biased" if biased else "Neutral")
            groups.append(f"article{a}")
    return texts, labels, groups


def test_grouped_folds_never_leak_an_article():
    _, _, groups = sentence_corpus()
    splits = folds(len(groups), groups, n_splits=4, seed=3)
    tested = []
    for train, test in splits:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
        tested.extend(test)
    assert sorted(tested) == list(range(len(groups)))
    with pytest.raises(ValueError):
        folds(len(groups), groups, n_splits=13)


def test_sentence_cv_reports_model_baselines_confusion_and_progress():
    texts, labels, groups = sentence_corpus()
    calls = []
    res = cross_validate_sentences(
        texts, labels, groups, n_splits=4, seed=1, progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert res["labels"] == ["Biased", "Neutral"] and res["grouped"]
    assert res["model"]["per_label"]["Biased"]["f1"] > 0.9
    assert res["majority"]["macro_f1"] < 0.5
    assert set(res["random"]["per_label"]) == {"Biased", "Neutral"}
    assert np.sum(res["confusion"]) == len(texts)
    again = cross_validate_sentences(texts, labels, groups, n_splits=4, seed=1)
    assert again["predictions"] == res["predictions"]
    assert again["random"] == res["random"]


def test_multilabel_sentence_cv():
    texts, labels, groups = sentence_corpus()
    sets = [{"Bias", "Opinion"} if lab == "Biased" else set() for lab in labels]
    res = cross_validate_sentences(texts, sets, groups, n_splits=3, seed=0)
    assert res["labels"] == ["Bias", "Opinion"]
    assert res["model"]["per_label"]["Opinion"]["f1"] > 0.9
    assert np.sum(res["confusion"]["Bias"]) == len(texts)


def _loaded_docs() -> list:
    """Ten short articles, each with one "Loaded" span on its biased word."""
    docs = []
    for i in range(10):
        word = BIASED[i % 5]
        text = f"The mayor gave a {word} speech on day {i}. Crowds listened. It rained."
        start = text.index(word)
        docs.append((f"d{i}", text, [(start, start + len(word), "Loaded")]))
    return docs


def test_span_cv_with_majority_baseline():
    docs = _loaded_docs()
    calls = []
    res = cross_validate_spans(
        docs,
        n_splits=5,
        seed=0,
        make_model=lambda: SpanTagger(seed=0, outside_fraction=1.0, threshold=0.3),
        progress=lambda d, t: calls.append(d),
    )
    assert calls == [1, 2, 3, 4, 5]
    assert res["model"]["partial"]["f1"] > res["majority"]["partial"]["f1"]
    assert set(res["model"]["exact"]["per_label"]) == {"Loaded"}
    assert res["majority"]["partial"]["precision"] < 0.2


def test_span_cv_reports_each_fold_and_can_stop_early():
    docs = _loaded_docs()
    reported = []
    make = lambda: SpanTagger(seed=0, outside_fraction=1.0, tune=False)  # noqa: E731
    res = cross_validate_spans(
        docs, n_splits=5, seed=0, make_model=make, on_fold=lambda d, s: reported.append((d, s))
    )
    assert [d for d, _ in reported] == [1, 2, 3, 4, 5] and res["folds_run"] == 5
    assert sum(s["gold"]["n_spans"] for _, s in reported) == res["gold"]["n_spans"] == 10
    assert res["folds"] == [s for _, s in reported]
    one = cross_validate_spans(docs, n_splits=5, seed=0, make_model=make, max_folds=1)
    assert one["folds_run"] == 1 and one["gold"]["n_spans"] == 2
    assert one["model"] == one["folds"][0]["model"] == reported[0][1]["model"]
