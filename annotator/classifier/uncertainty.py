"""How uncertain a fitted model is about a document, for active learning.

A document's uncertainty is the mean over its sentences of the sentence's uncertainty, each a
normalised entropy in [0, 1] (1: the model cannot tell the outcomes apart):

- :class:`~annotator.classifier.span_model.SpanTagger`: the mean over the sentence's tokens of
  the entropy of the token's tag distribution, divided by log(number of tags);
- :class:`~annotator.classifier.sentence_model.MultiLabelSentenceClassifier`: the mean over
  labels of the binary entropy of P(label), divided by log 2;
- a single-label sentence pipeline: the entropy of the class distribution / log(classes).

Averaging over sentences keeps long and short articles comparable. A document with no
sentences (or no tokens) has no score (``None``) and is ordered after scored ones.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .sentence_model import MultiLabelSentenceClassifier
from .sentences import split_sentences
from .span_model import SpanTagger


def _entropy(p: np.ndarray) -> np.ndarray:
    """Row-wise normalised entropy of probability rows (k >= 2 outcomes)."""
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1.0)
    k = p.shape[1]
    if k < 2:
        return np.zeros(p.shape[0])
    return -(p * np.log(p)).sum(axis=1) / np.log(k)


def _binary_entropy(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return -(p * np.log(p) + (1 - p) * np.log(1 - p)) / np.log(2)


def document_uncertainty(model, text: str) -> float | None:
    """Mean sentence uncertainty of ``text`` under ``model`` (see the module), or None."""
    if isinstance(model, SpanTagger):
        per_sentence = [
            float(_entropy(rows).mean()) for rows in model.token_proba(text) if len(rows)
        ]
    else:
        sentences = split_sentences(text)
        if not sentences:
            return None
        proba = np.asarray(model.predict_proba([text[s:e] for s, e in sentences]))
        if isinstance(model, MultiLabelSentenceClassifier):
            per_sentence = list(_binary_entropy(proba).mean(axis=1))
        else:
            per_sentence = list(_entropy(proba))
    return float(np.mean(per_sentence)) if per_sentence else None


def uncertainties(model, documents: Iterable[tuple[object, str]]) -> dict[str, float]:
    """``{str(key): uncertainty}`` for ``(key, text)`` pairs; documents without one left out."""
    out = {}
    for key, text in documents:
        score = document_uncertainty(model, text)
        if score is not None:
            out[str(key)] = round(score, 6)
    return out
