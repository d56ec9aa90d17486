"""Suggestions from a fitted model as ``(start, end, label, score)`` character spans."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .sentence_model import MultiLabelSentenceClassifier
from .sentences import split_sentences
from .span_model import SpanTagger


def default_threshold(model, metadata: dict | None = None) -> float:
    """The score a suggestion needs when the lead set no threshold: the one the span tagger's
    inner split chose (recorded as ``tuned`` in the sidecar), else the model's own."""
    tuned = (metadata or {}).get("tuned") or {}
    if isinstance(tuned.get("threshold"), int | float):
        return float(tuned["threshold"])
    return float(getattr(model, "threshold", 0.0) or 0.0)


def predict_spans(
    model, text: str, skip_labels: Iterable[str] = (), threshold: float | None = None
) -> list[tuple[int, int, str, float]]:
    """Predicted spans of ``text`` scoring at least ``threshold`` (default: the model's own
    threshold; none for a single-label pipeline), sorted by start.

    - :class:`SpanTagger`: its predicted spans (score: mean token probability);
    - :class:`MultiLabelSentenceClassifier`: one span per sentence and label whose probability
      reaches the model's ``threshold`` (score: that probability);
    - a single-label sentence pipeline (:func:`sentence_pipeline`): each sentence with its
      predicted label and probability.

    Labels in ``skip_labels`` (e.g. ``"Non-biased"``) are left out.
    """
    skip = set(skip_labels)
    if isinstance(model, SpanTagger):
        spans = model.predict([text], threshold=threshold)[0]
    else:
        sentences = split_sentences(text)
        if not sentences:
            return []
        proba = np.asarray(model.predict_proba([text[s:e] for s, e in sentences]))
        classes = model.classes_
        spans = []
        if isinstance(model, MultiLabelSentenceClassifier):
            cut = model.threshold if threshold is None else threshold
            for (start, end), row in zip(sentences, proba, strict=True):
                spans.extend(
                    (start, end, str(classes[k]), float(p)) for k, p in enumerate(row) if p >= cut
                )
        else:
            cut = 0.0 if threshold is None else threshold
            for (start, end), row in zip(sentences, proba, strict=True):
                k = int(row.argmax())
                if row[k] >= cut:
                    spans.append((start, end, str(classes[k]), float(row[k])))
    return sorted((s for s in spans if s[2] not in skip), key=lambda s: (s[0], s[1], s[2]))
