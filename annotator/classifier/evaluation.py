"""Seeded cross-validation of the sentence and span baselines, with majority/random baselines.

Folds are grouped by article (``GroupKFold``, shuffled with the seed) whenever groups are given,
so no sentence of a test article is seen in training. ``progress(done, total)`` is called after
each fold. Results are plain dictionaries (JSON-serialisable) for model sidecars and the UI.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.metrics import confusion_matrix, multilabel_confusion_matrix
from sklearn.metrics import precision_recall_fscore_support as prfs
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.preprocessing import MultiLabelBinarizer

from annotator.agreement import span_prf

from .sentence_model import MultiLabelSentenceClassifier, sentence_pipeline
from .sentences import split_sentences
from .span_model import SpanTagger

Progress = Callable[[int, int], None] | None


def folds(
    n_items: int, groups: Sequence | None = None, y=None, n_splits: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index arrays: grouped if ``groups``, else stratified on ``y``."""
    index = np.arange(n_items)
    if groups is not None:
        if len(set(groups)) < n_splits:
            raise ValueError(f"{len(set(groups))} groups cannot make {n_splits} folds")
        cv = GroupKFold(n_splits, shuffle=True, random_state=seed)
        return list(cv.split(index, groups=groups))
    return list(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(index, y))


def _scores(y_true, y_pred, labels) -> dict:
    p, r, f, s = prfs(y_true, y_pred, labels=labels, zero_division=0)
    per_label = {
        str(lab): {
            "precision": float(p[i]),
            "recall": float(r[i]),
            "f1": float(f[i]),
            "support": int(s[i]),
        }
        for i, lab in enumerate(labels)
    }
    return {"per_label": per_label, "macro_f1": float(np.mean(f)) if len(f) else 0.0}


def cross_validate_sentences(
    texts: Sequence[str],
    labels: Sequence,
    groups: Sequence | None = None,
    n_splits: int = 5,
    seed: int = 0,
    make_model: Callable[[], object] | None = None,
    progress: Progress = None,
) -> dict:
    """Cross-validate a sentence model against majority-class and stratified-random baselines.

    ``labels`` are strings (single-label) or label sets (multi-label, one-vs-rest). Returns
    per-label precision/recall/F1 per system, the model's confusion matrix (single-label: rows
    true, columns predicted, in ``labels`` order; multi-label: per label ``[[tn, fp], [fn, tp]]``)
    and the model's out-of-fold predictions.
    """
    texts = list(texts)
    multi = any(not isinstance(lab, str) for lab in labels)
    if multi:
        binarizer = MultiLabelBinarizer().fit([sorted(lab) for lab in labels])
        y = binarizer.transform([sorted(lab) for lab in labels])
        names = list(binarizer.classes_)
    else:
        y = np.asarray(labels)
        names = sorted(set(labels))
    if make_model is None:
        make_model = (
            (lambda: MultiLabelSentenceClassifier(seed=seed))
            if multi
            else (lambda: sentence_pipeline(seed=seed))
        )
    splits = folds(len(texts), groups, None if multi else y, n_splits, seed)
    predicted = {
        "model": np.zeros_like(y),
        "majority": np.zeros_like(y),
        "random": np.zeros_like(y),
    }
    for done, (train, test) in enumerate(splits, 1):
        train_texts, test_texts = [texts[i] for i in train], [texts[i] for i in test]
        model = make_model()
        if multi:
            model.fit(train_texts, [labels[i] for i in train])
            found = model.predict(test_texts)
            predicted["model"][test] = binarizer.transform([sorted(f) for f in found])
        else:
            predicted["model"][test] = model.fit(train_texts, y[train]).predict(test_texts)
        for name, strategy in (("majority", "most_frequent"), ("random", "stratified")):
            dummy = DummyClassifier(strategy=strategy, random_state=seed)
            guess = dummy.fit(np.zeros((len(train), 1)), y[train]).predict(np.zeros((len(test), 1)))
            predicted[name][test] = guess.reshape(predicted[name][test].shape)
        if progress:
            progress(done, len(splits))
    label_ids = list(range(len(names))) if multi else names
    result = {"labels": names, "n_splits": n_splits, "seed": seed, "grouped": groups is not None}
    for name, pred in predicted.items():
        result[name] = _scores(y, pred, label_ids)
        if multi:
            for i, lab in enumerate(names):
                result[name]["per_label"][str(lab)] = result[name]["per_label"].pop(str(i))
    if multi:
        cm = multilabel_confusion_matrix(y, predicted["model"])
        result["confusion"] = {str(lab): cm[i].tolist() for i, lab in enumerate(names)}
        result["predictions"] = [
            list(binarizer.classes_[row.astype(bool)]) for row in predicted["model"]
        ]
    else:
        result["confusion"] = confusion_matrix(y, predicted["model"], labels=names).tolist()
        result["predictions"] = predicted["model"].tolist()
    return result


def _span_scores(reference, candidate) -> dict:
    scores = {
        match: span_prf(reference, candidate, match=match, by_label=True).as_dict()
        for match in ("exact", "partial")
    }
    # SemEval-2020 Task 11 span identification: label-agnostic, partial credit.
    scores["si"] = span_prf(reference, candidate, match="partial", by_label=False).as_dict()
    lengths = [s[2] - s[1] for s in candidate]
    scores["n_spans"] = len(lengths)
    scores["median_length"] = float(np.median(lengths)) if lengths else 0.0
    return scores


def cross_validate_spans(
    documents: Sequence[tuple[str, str, Sequence]],
    n_splits: int = 5,
    seed: int = 0,
    make_model: Callable[[], SpanTagger] | None = None,
    progress: Progress = None,
    on_fold: Callable[[int, dict], None] | None = None,
    max_folds: int | None = None,
) -> dict:
    """Cross-validate the span tagger over ``(doc_id, text, spans)`` documents, folds by document.

    Out-of-fold predictions of all folds are pooled and scored with
    :func:`annotator.agreement.span_prf` (``exact`` and ``partial``, overall and per label;
    ``si``: label-agnostic partial, the SemEval-2020 Task 11 span-identification measure) with
    the number and median character length of the predicted spans, beside two baselines:
    ``majority`` (every sentence of a test document as one span of the training folds' most
    common label) and ``sentence`` (every sentence as one span of each training label). The
    gold span count and median length are under ``gold``; ``tuned`` lists what each fold's model
    chose on its inner split of the training folds (``SpanTagger.tuned_``). ``folds`` has the
    same scores per fold (on that fold's test documents), each also passed to
    ``on_fold(fold_number, scores)`` as soon as the fold is done. ``max_folds`` runs only the
    first folds of the ``n_splits`` (a bounded run): everything is then scored on their test
    documents only.
    """
    make_model = make_model or (lambda: SpanTagger(seed=seed))
    ids = [doc_id for doc_id, _, _ in documents]
    reference = [(d, *tuple(s[-3:])) for d, _, spans in documents for s in spans]
    predicted: list[tuple] = []
    majority: list[tuple] = []
    sentence: list[tuple] = []
    tuned = []
    per_fold = []
    splits = folds(len(documents), ids, None, n_splits, seed)[:max_folds]
    tested = {documents[i][0] for _, test in splits for i in test}
    reference = [r for r in reference if r[0] in tested]
    for done, (train, test) in enumerate(splits, 1):
        marks = (len(predicted), len(majority), len(sentence))
        model = make_model().fit([documents[i][1] for i in train], [documents[i][2] for i in train])
        tuned.append(getattr(model, "tuned_", None))
        test_docs = [documents[i] for i in test]
        for (doc_id, _, _), spans in zip(
            test_docs, model.predict([text for _, text, _ in test_docs]), strict=True
        ):
            predicted.extend((doc_id, s, e, lab) for s, e, lab, _ in spans)
        counts = Counter(s[-1] for i in train for s in documents[i][2])
        if counts:
            top = counts.most_common(1)[0][0]
            for doc_id, text, _ in test_docs:
                for s, e in split_sentences(text):
                    majority.append((doc_id, s, e, top))
                    sentence.extend((doc_id, s, e, label) for label in sorted(counts))
        test_ids = {doc_id for doc_id, _, _ in test_docs}
        fold_reference = [r for r in reference if r[0] in test_ids]
        fold_lengths = [r[2] - r[1] for r in fold_reference]
        scores = {
            "gold": {
                "n_spans": len(fold_lengths),
                "median_length": float(np.median(fold_lengths)) if fold_lengths else 0.0,
            },
            "tuned": tuned[-1],
        }
        for name, found, mark in zip(
            ("model", "majority", "sentence"), (predicted, majority, sentence), marks, strict=True
        ):
            scores[name] = _span_scores(fold_reference, found[mark:])
        per_fold.append(scores)
        if on_fold:
            on_fold(done, scores)
        if progress:
            progress(done, len(splits))
    gold_lengths = [s[2] - s[1] for s in reference]
    return {
        "n_splits": n_splits,
        "folds_run": len(splits),
        "seed": seed,
        "n_documents": len(documents),
        "gold": {
            "n_spans": len(gold_lengths),
            "median_length": float(np.median(gold_lengths)) if gold_lengths else 0.0,
        },
        "tuned": tuned,
        "folds": per_fold,
        "model": _span_scores(reference, predicted),
        "majority": _span_scores(reference, majority),
        "sentence": _span_scores(reference, sentence),
    }
