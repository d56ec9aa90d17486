"""Train a model from plain records, with cross-validated metrics for its sidecar."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from annotator.records import DocumentRecord

from .data import NONE, sentence_examples, training_hash, training_spans
from .evaluation import cross_validate_sentences, cross_validate_spans
from .sentence_model import MultiLabelSentenceClassifier
from .span_model import SpanTagger

KINDS = ("sentence", "span")


def train_model(
    documents: Iterable[DocumentRecord],
    kind: str = "sentence",
    curated_ids: Iterable[str] = (),
    n_splits: int = 5,
    seed: int = 0,
    evaluate: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[object, dict]:
    """Fit a ``"sentence"`` (multi-label) or ``"span"`` model; return ``(model, metadata)``.

    Training spans come from :func:`training_spans`. With ``evaluate`` and at least ``n_splits``
    documents, ``metadata["metrics"]`` holds grouped-CV results (else ``None``). ``metadata`` is
    ready for :func:`annotator.classifier.persistence.save_model`.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    documents = list(documents)
    training = training_spans(documents, curated_ids)
    used = [d for d in documents if training.source.get(d.id, NONE) != NONE]
    if not used:
        raise ValueError("no annotated or curated documents to train on")
    total = (n_splits if evaluate else 0) + 1
    report = progress or (lambda done, total: None)
    can_evaluate = evaluate and len(used) >= n_splits
    metrics = None
    if kind == "sentence":
        ex = sentence_examples(used, training)
        if can_evaluate:
            metrics = cross_validate_sentences(
                ex.texts,
                ex.labels,
                ex.groups,
                n_splits,
                seed,
                progress=lambda d, _: report(d, total),
            )
            metrics.pop("predictions")
        model = MultiLabelSentenceClassifier(seed=seed).fit(ex.texts, ex.labels)
    else:
        docs = [
            (d.id, d.text, [(s.start, s.end, s.label) for s in training.for_document(d.id)])
            for d in used
        ]
        if can_evaluate:
            metrics = cross_validate_spans(
                docs, n_splits, seed, progress=lambda d, _: report(d, total)
            )
        model = SpanTagger(seed=seed).fit([t for _, t, _ in docs], [s for _, _, s in docs])
    report(total, total)
    metadata = {
        "kind": kind,
        "params": model.get_params(),
        # span models: the outside bias and threshold picked on an inner split of the training
        # documents (the suggestion threshold's default), with its held-out partial F1
        "tuned": getattr(model, "tuned_", None),
        "seed": seed,
        "training_hash": training_hash({d.id: d.text for d in used}, training.spans),
        "metrics": metrics,
        "n_documents": len(used),
        "n_spans": len(training.spans),
        "labels": sorted({s.label for s in training.spans}),
        "sources": dict(Counter(training.source.values())),
    }
    return model, metadata
