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

from .lexicon import sentence_context, word_class
from .sentences import split_sentences
from .viterbi import transitions, viterbi

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
    """Hashed-feature strings for the tokens of one sentence (all, or the indices in ``only``).

    Window features two tokens either side, lexicon classes of the token and its neighbours,
    whether it is inside quote marks, and the sentence-context features of
    :func:`~annotator.classifier.lexicon.sentence_context` on every token.
    """
    info = [_word(w) for w in words]
    classes = [word_class(low) for low, _ in info]
    context, inside = sentence_context(words)
    n = len(words)
    rows = []
    for i in range(n) if only is None else only:
        low, (_, *own) = info[i]
        feats = ["bias", f"pos={min(i, 5)}", *own, *context]
        if classes[i]:
            feats.append(f"lex={classes[i]}")
        if inside[i]:
            feats.append("inq")
        for d in (-2, -1, 1, 2):
            j = i + d
            token = info[j][0] if 0 <= j < n else ("<s>" if j < 0 else "</s>")
            feats.append(f"{d}:l={token}")
            if 0 <= j < n and classes[j]:
                feats.append(f"{d}:lex={classes[j]}")
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


BIASES = (-3.0, -2.0, -1.0, 0.0, 1.0)
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def choose_bias_and_threshold(spans, decode, biases, thresholds) -> dict:
    """The ``outside_bias`` and ``threshold`` of best labelled partial F1: ``spans`` the
    held-out texts' gold ``(start, end, label)`` per text, ``decode(bias)`` their predicted
    ``(start, end, label, score)`` per text (spans scoring below the threshold are dropped)."""
    from annotator.agreement import span_prf

    reference = [(d, *s) for d, doc in enumerate(spans) for s in doc]
    best = None
    for bias in biases:
        decoded = decode(bias)
        for threshold in thresholds:
            cand = [
                (d, s, e, lab)
                for d, doc in enumerate(decoded)
                for s, e, lab, sc in doc
                if sc >= threshold
            ]
            f1 = span_prf(reference, cand, match="partial").f1
            if best is None or f1 > best["f1"]:
                best = {"outside_bias": bias, "threshold": threshold, "f1": float(f1)}
    return best


class SpanTagger(BaseEstimator):
    """BIO tagger: ``fit(texts, spans_per_text)``, ``predict(texts)`` -> spans with scores.

    ``SGDClassifier(loss="log_loss")`` (one-vs-rest over the tags) on hashed window, lexicon and
    sentence-context features gives per-token tag probabilities; constrained Viterbi decoding
    (:mod:`~annotator.classifier.viterbi`) turns them into whole spans: no ``I-X`` without a
    ``B-X``/``I-X`` before it. ``outside_bias`` is added to log P(O); a span's score is the mean
    over its tokens of P(B-X) + P(I-X), and spans scoring below ``threshold`` are dropped.

    With ``tune`` (the default), ``fit`` first holds out ``tune_fraction`` of its own training
    texts (seeded), fits on the rest, and picks ``outside_bias`` and ``threshold`` from
    :data:`BIASES` x :data:`THRESHOLDS` by labelled partial F1 on the held-out texts; then it
    refits on all texts. The choice is in ``tuned_`` (``None`` when too few texts to hold out).
    The test data of a cross-validation is never seen.
    """

    def __init__(
        self,
        alpha: float = 1e-5,
        epochs: int = 3,
        outside_fraction: float = 1.0,
        outside_bias: float = 0.0,
        threshold: float = 0.0,
        tune: bool = True,
        tune_fraction: float = 0.2,
        n_features: int = 2**18,
        seed: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.alpha, self.epochs = alpha, epochs
        self.outside_fraction, self.outside_bias, self.threshold = (
            outside_fraction,
            outside_bias,
            threshold,
        )
        self.tune, self.tune_fraction = tune, tune_fraction
        self.n_features, self.seed, self.n_jobs = n_features, seed, n_jobs

    def _hasher(self) -> FeatureHasher:
        return FeatureHasher(self.n_features, input_type="string", alternate_sign=False)

    def fit(self, texts: Sequence[str], spans: Sequence[Iterable[tuple[int, int, str]]]):
        texts = list(texts)
        spans = [[tuple(s[-3:]) for s in doc] for doc in spans]
        self.tuned_ = None
        n_held = int(len(texts) * self.tune_fraction)
        if self.tune and n_held >= 1 and len(texts) - n_held >= 1:
            order = np.random.default_rng(self.seed).permutation(len(texts))
            held, rest = order[:n_held], order[n_held:]
            self._fit([texts[i] for i in rest], [spans[i] for i in rest])
            self.tuned_ = self._choose([texts[i] for i in held], [spans[i] for i in held])
            self.outside_bias = self.tuned_["outside_bias"]
            self.threshold = self.tuned_["threshold"]
        return self._fit(texts, spans)

    def _fit(self, texts, spans):
        rng = np.random.default_rng(self.seed)
        rows, tags = [], []
        for text, doc_spans in zip(texts, spans, strict=True):
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

    def _choose(self, texts, spans) -> dict:
        """The (outside_bias, threshold) of best labelled partial F1 on held-out texts."""
        sentences, proba = self._proba(texts)
        return choose_bias_and_threshold(
            spans, lambda bias: self._decode(sentences, proba, bias), BIASES, THRESHOLDS
        )

    def _proba(self, texts):
        sentences = [tokenize(text) for text in texts]
        rows = [
            row
            for text, sents in zip(texts, sentences, strict=True)
            for tokens in sents
            for row in token_features([text[s:e] for s, e in tokens])
        ]
        proba = self.model_.predict_proba(self._hasher().transform(rows)) if rows else None
        return sentences, proba

    def _decode(self, sentences, proba, bias: float) -> list[list[tuple[int, int, str, float]]]:
        """Per text, spans (with scores) of the constrained Viterbi path; sentence by sentence."""
        if proba is None:
            return [[] for _ in sentences]
        classes = [str(c) for c in self.model_.classes_]
        tags = list(classes)
        labels = sorted({c[2:] for c in classes if c != OUTSIDE})
        for label in labels:  # a label seen only as B- or I- still gets both tags
            for prefix in ("B-", "I-"):
                if f"{prefix}{label}" not in tags:
                    tags.append(f"{prefix}{label}")
        full = np.zeros((len(proba), len(tags)))
        full[:, : len(classes)] = proba
        label_score = np.zeros_like(full)
        for j, tag in enumerate(tags):
            if tag != OUTSIDE:
                label_score[:, j] = sum(
                    full[:, k] for k, t in enumerate(tags) if t != OUTSIDE and t[2:] == tag[2:]
                )
        log_p = np.log(np.clip(full, 1e-12, None))
        if OUTSIDE in tags:
            log_p[:, tags.index(OUTSIDE)] += bias
        allowed, first = transitions(tags)
        out, i = [], 0
        for sents in sentences:
            spans = []
            for tokens in sents:  # spans never cross sentences
                j = i + len(tokens)
                path = viterbi(log_p[i:j], allowed, first)
                seq = [tags[k] for k in path]
                scores = label_score[np.arange(i, j), path]
                spans.extend(decode(tokens, seq, scores))
                i = j
            out.append(spans)
        return out

    def predict(
        self, texts: Sequence[str], threshold: float | None = None
    ) -> list[list[tuple[int, int, str, float]]]:
        """Per text, non-overlapping ``(start, end, label, score)`` spans scoring at least
        ``threshold`` (default: the fitted ``threshold``)."""
        texts = list(texts)
        cut = self.threshold if threshold is None else threshold
        sentences, proba = self._proba(texts)
        decoded = self._decode(sentences, proba, self.outside_bias)
        return [[s for s in doc if s[3] >= cut] for doc in decoded]

    def token_proba(self, text: str) -> list[np.ndarray]:
        """Per sentence of ``text``, its tokens' tag probabilities (rows sum to 1)."""
        (sentences,), proba = self._proba([text])
        out, i = [], 0
        for tokens in sentences:
            out.append(proba[i : i + len(tokens)] if proba is not None else np.zeros((0, 1)))
            i += len(tokens)
        return out
