"""Suggestions from a fitted model as ``(start, end, label, score)`` character spans."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .sentence_model import MultiLabelSentenceClassifier
from .sentences import split_sentences
from .span_model import SpanTagger


def predict_spans(
    model, text: str, skip_labels: Iterable[str] = ()
) -> list[tuple[int, int, str, float]]:
    """Predicted spans of ``text``, sorted by start.

    - :class:`SpanTagger`: its predicted spans (score: mean token probability);
    - :class:`MultiLabelSentenceClassifier`: one span per sentence and label whose probability
      reaches the model's ``threshold`` (score: that probability);
    - a single-label sentence pipeline (:func:`sentence_pipeline`): each sentence with its
      predicted label and probability.

    Labels in ``skip_labels`` (e.g. ``"Non-biased"``) are left out.
    """
    skip = set(skip_labels)
    if isinstance(model, SpanTagger):
        spans = model.predict([text])[0]
    else:
        sentences = split_sentences(text)
        if not sentences:
            return []
        proba = np.asarray(model.predict_proba([text[s:e] for s, e in sentences]))
        classes = model.classes_
        spans = []
        if isinstance(model, MultiLabelSentenceClassifier):
            for (start, end), row in zip(sentences, proba, strict=True):
                spans.extend(
                    (start, end, str(classes[k]), float(p))
                    for k, p in enumerate(row)
                    if p >= model.threshold
                )
        else:
            for (start, end), row in zip(sentences, proba, strict=True):
                k = int(row.argmax())
                spans.append((start, end, str(classes[k]), float(row[k])))
    return sorted((s for s in spans if s[2] not in skip), key=lambda s: (s[0], s[1], s[2]))
