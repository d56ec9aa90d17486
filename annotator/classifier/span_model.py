"""The span baseline: token-level BIO tagging with window features and one linear model.

One tagger handles every label (tags ``O``, ``B-<label>``, ``I-<label>``). Overlapping spans
cannot all be encoded, so when spans of the training data overlap, **the shorter span wins** the
shared tokens (ties: earlier start, then label name); the longer span keeps its other tokens and
may so become several pieces. Predicted spans therefore never overlap.

Tokens are ``\\w+`` runs and single other non-space characters, within sentences from
:func:`~annotator.classifier.sentences.split_sentences`; features look two tokens either side
within the sentence and are hashed (``FeatureHasher``) so the model needs no vocabulary pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import SGDClassifier

from .sentences import split_sentences

_TOKEN = re.compile(r"\w+|[^\w\s]")
OUTSIDE = "O"


def tokenize(text: str) -> list[list[tuple[int, int]]]:
    """Token offsets per sentence: ``[[(start, end), ...], ...]``."""
    return [
        [(m.start(), m.end()) for m in _TOKEN.finditer(text, s, e)]
        for s, e in split_sentences(text)
    ]


_SHAPE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)
_REPEAT = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def _word(word: str) -> tuple[str, tuple[str, ...]]:
    """(lower-cased word, its own features); cached since words repeat."""
    low = word.lower()
    shape = _REPEAT.sub(r"\1\1", word.translate(_SHAPE))
    feats = [f"w={word}", f"l={low}", f"sh={shape}"]
    feats += [f"p{k}={low[:k]}" for k in (1, 2, 3) if len(low) > k]
    feats += [f"s{k}={low[-k:]}" for k in (1, 2, 3) if len(low) > k]
    return low, (shape, *feats)


def token_features(words: Sequence[str], only: Iterable[int] | None = None) -> list[list[str]]:
    """Hashed-feature strings for the tokens of one sentence (all, or the indices in ``only``)."""
    info = [_word(w) for w in words]
    n = len(words)
    rows = []
    for i in range(n) if only is None else only:
        low, (_, *own) = info[i]
        feats = ["bias", f"pos={min(i, 5)}", *own]
        for d in (-2, -1, 1, 2):
            j = i + d
            token = info[j][0] if 0 <= j < n else ("<s>" if j < 0 else "</s>")
            feats.append(f"{d}:l={token}")
            if abs(d) == 1 and 0 <= j < n:
                feats.append(f"{d}:sh={info[j][1][0]}")
                feats.append(f"{d}:bi={token}|{low}" if d < 0 else f"{d}:bi={low}|{token}")
        if i >= n - 2:
            feats.append(f"end={n - i}")
        rows.append(feats)
    return rows


def bio_tags(tokens: Sequence[tuple[int, int]], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """BIO tag per token: a token belongs to the shortest span covering any of its characters."""
    owner: list[tuple[int, int, str] | None] = [None] * len(tokens)
    for span in sorted(spans, key=lambda s: (s[1] - s[0], s[0], s[2])):
        start, end, _ = span
        for i, (t_start, t_end) in enumerate(tokens):
            if owner[i] is None and t_start < end and t_end > start:
                owner[i] = span
    tags, previous = [], None
    for span in owner:
        tags.append(OUTSIDE if span is None else ("I-" if span == previous else "B-") + span[2])
        previous = span
    return tags


def decode(
    tokens: Sequence[tuple[int, int]], tags: Sequence[str], scores: Sequence[float]
) -> list[tuple[int, int, str, float]]:
    """Character spans from BIO tags; a stray ``I-X`` starts a span; score = mean token score."""
    spans, current = [], None
    for (start, end), tag, score in zip(tokens, tags, scores, strict=True):
        label = None if tag == OUTSIDE else tag[2:]
        if current and label == current[2] and tag.startswith("I-"):
            current[1] = end
            current[3].append(score)
            continue
        if current:
            spans.append(current)
        current = [start, end, label, [score]] if label else None
    if current:
        spans.append(current)
    return [(s, e, lab, float(np.mean(sc))) for s, e, lab, sc in spans]


class SpanTagger(BaseEstimator):
    """BIO tagger: ``fit(texts, spans_per_text)``, ``predict(texts)`` -> spans with scores.

    ``SGDClassifier(loss="log_loss")`` (one-vs-rest over the tags) on hashed window features.
    ``outside_fraction`` < 1 subsamples the dominant ``O`` tag when training (seeded). When
    predicting, a token takes its best label X if P(B-X) + P(I-X) >= ``threshold`` (B or I by the
    larger), else ``O``. Defaults chosen on a PTC train/dev split (partial F1 ~0.13).
    """

    def __init__(
        self,
        alpha: float = 1e-5,
        epochs: int = 3,
        outside_fraction: float = 1.0,
        threshold: float = 0.15,
        n_features: int = 2**18,
        seed: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.alpha, self.epochs = alpha, epochs
        self.outside_fraction, self.threshold = outside_fraction, threshold
        self.n_features, self.seed, self.n_jobs = n_features, seed, n_jobs

    def _hasher(self) -> FeatureHasher:
        return FeatureHasher(self.n_features, input_type="string", alternate_sign=False)

    def _matrix(self, text: str, sentences: list[list[tuple[int, int]]]):
        rows = []
        for tokens in sentences:
            rows.extend(token_features([text[s:e] for s, e in tokens]))
        return rows

    def fit(self, texts: Sequence[str], spans: Sequence[Iterable[tuple[int, int, str]]]):
        rng = np.random.default_rng(self.seed)
        rows, tags = [], []
        for text, doc_spans in zip(texts, spans, strict=True):
            doc_spans = [tuple(s[-3:]) for s in doc_spans]
            for tokens in tokenize(text):
                if not tokens:
                    continue
                first, last = tokens[0][0], tokens[-1][1]
                near = [sp for sp in doc_spans if sp[0] < last and sp[1] > first]
                sentence_tags = bio_tags(tokens, near)
                draw = rng.random(len(tokens))
                keep = [
                    i
                    for i, t in enumerate(sentence_tags)
                    if t != OUTSIDE or draw[i] < self.outside_fraction
                ]
                rows.extend(token_features([text[s:e] for s, e in tokens], keep))
                tags.extend(sentence_tags[i] for i in keep)
        y = np.asarray(tags)
        self.classes_ = np.unique(y)
        self.model_ = SGDClassifier(
            loss="log_loss",
            alpha=self.alpha,
            max_iter=self.epochs,
            tol=None,
            random_state=self.seed,
            n_jobs=self.n_jobs,
        )
        self.model_.fit(self._hasher().transform(rows), y)
        return self

    def predict(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, float]]]:
        """Per text, non-overlapping ``(start, end, label, score)`` spans."""
        texts = list(texts)
        sentences = [tokenize(text) for text in texts]
        rows = [
            row
            for text, sents in zip(texts, sentences, strict=True)
            for row in self._matrix(text, sents)
        ]
        if not rows:
            return [[] for _ in texts]
        tags, scores = self._tags(self.model_.predict_proba(self._hasher().transform(rows)))
        out, i = [], 0
        for sents in sentences:
            spans = []
            for tokens in sents:  # decode per sentence: spans never cross sentences
                j = i + len(tokens)
                spans.extend(decode(tokens, tags[i:j], scores[i:j]))
                i = j
            out.append(spans)
        return out

    def _tags(self, proba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Label score = P(B-X) + P(I-X); B or I by the larger of the two."""
        classes = list(self.model_.classes_)
        labels = sorted({c[2:] for c in classes if c != OUTSIDE})
        if not labels:
            return np.full(len(proba), OUTSIDE), np.zeros(len(proba))
        b = np.zeros((len(proba), len(labels)))
        i = np.zeros_like(b)
        for k, label in enumerate(labels):
            if f"B-{label}" in classes:
                b[:, k] = proba[:, classes.index(f"B-{label}")]
            if f"I-{label}" in classes:
                i[:, k] = proba[:, classes.index(f"I-{label}")]
        total = b + i
        best = total.argmax(axis=1)
        rows = np.arange(len(best))
        score = total[rows, best]
        prefix = np.where(b[rows, best] >= i[rows, best], "B-", "I-")
        tags = [
            f"{p}{labels[k]}" if s >= self.threshold else OUTSIDE
            for p, k, s in zip(prefix, best, score, strict=True)
        ]
        return np.asarray(tags), score
