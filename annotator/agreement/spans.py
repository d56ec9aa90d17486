"""Span precision / recall / F1 between a reference and a candidate annotation.

Conventions
-----------
* A span is ``(start, end, label)``, ``(document, start, end, label)``, or any object with
  ``start``, ``end``, ``label`` (and optionally ``document_id``) attributes, such as
  ``annotator.records.SpanRecord``. Offsets are half-open; spans with ``end <= start`` are
  ignored. Spans in different documents never match.
* ``match="exact"``: same document, label, start and end. Identical spans on one side count
  once. P = matched / |candidate|, R = matched / |reference|.
* ``match="overlap"``: a candidate span counts if it shares at least one character with a
  reference span of the same label (and vice versa for recall); not a one-to-one matching.
* ``match="partial"``: SemEval-2020 Task 11 span scorer. P = sum over candidate s and
  reference t of the same label of |s & t| / |s|, divided by |candidate|; R = the same with
  |t| and |reference|. Overlapping spans of the same label are merged first on *both* sides
  (the official scorer merges the gold side); merging both keeps P, R <= 1 and makes
  ``span_prf(a, b).precision == span_prf(b, a).recall``.
* ``by_label=False`` ignores labels for matching (every span gets the label ``"*"``).
* Both sides empty: P = R = F1 = 1. One side empty: the undefined ratio is 0 (as the
  SemEval scorer does), so F1 = 0. ``per_label`` covers labels present on either side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

MATCHES = ("exact", "overlap", "partial")


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class SpanScores(PRF):
    per_label: dict[str, PRF] = field(default_factory=dict)
    n_reference: int = 0
    n_candidate: int = 0

    def as_dict(self) -> dict:
        out = super().as_dict()
        out["per_label"] = {k: v.as_dict() for k, v in self.per_label.items()}
        out["n_reference"], out["n_candidate"] = self.n_reference, self.n_candidate
        return out


def span_tuple(item) -> tuple:
    """``(document, start, end, label)`` of a tuple, mapping or record."""
    if isinstance(item, tuple | list):
        if len(item) == 3:
            return (None, int(item[0]), int(item[1]), item[2])
        if len(item) == 4:
            return (item[0], int(item[1]), int(item[2]), item[3])
        raise ValueError(f"a span tuple has 3 or 4 fields, not {len(item)}: {item!r}")
    if isinstance(item, dict):
        doc = item.get("document_id", item.get("doc"))
        return (doc, int(item["start"]), int(item["end"]), item["label"])
    doc = getattr(item, "document_id", getattr(item, "doc", None))
    return (doc, int(item.start), int(item.end), item.label)


def f1_score(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def unique_sorted(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` without its overhead on large int arrays)."""
    a = np.sort(a)
    keep = np.ones(a.size, dtype=bool)
    keep[1:] = a[1:] != a[:-1]
    return a[keep]


def sort_intervals(gs: np.ndarray, ge: np.ndarray):
    """Intervals sorted by (start, end); one packed-key sort when int64 allows it."""
    if gs.size == 0:
        return gs, ge
    span = int((ge - gs).max()) + 1
    if int(gs.max()) < (2**62) // span and int(gs.min()) >= 0:
        key = np.sort(gs * span + (ge - gs))
        gs = key // span
        return gs, gs + key % span
    order = np.lexsort((ge, gs))
    return gs[order], ge[order]


def merge_intervals(gs: np.ndarray, ge: np.ndarray):
    """Merge overlapping half-open intervals (touching ones stay apart); returns sorted arrays."""
    if gs.size == 0:
        return gs, ge
    gs, ge = sort_intervals(gs, ge)
    run_end = np.maximum.accumulate(ge)
    new = np.ones(gs.size, dtype=bool)
    new[1:] = gs[1:] >= run_end[:-1]
    first = np.flatnonzero(new)
    return gs[first], np.maximum.reduceat(ge, first)


def covered_before(x: np.ndarray, rs: np.ndarray, re: np.ndarray, cum: np.ndarray):
    """Total length of disjoint sorted intervals (rs, re) lying before each point x."""
    if rs.size == 0:
        return np.zeros(x.shape, dtype=np.int64)
    i = np.searchsorted(rs, x, side="right") - 1
    j = np.maximum(i, 0)
    part = np.clip(np.minimum(x, re[j]) - rs[j], 0, None)
    return np.where(i >= 0, cum[j] + part, 0)


def overlap_with(qs, qe, rs, re) -> np.ndarray:
    """Length of each query interval covered by the disjoint sorted intervals (rs, re)."""
    cum = np.concatenate([[0], np.cumsum(re - rs)[:-1]]) if rs.size else rs
    return covered_before(qe, rs, re, cum) - covered_before(qs, rs, re, cum)


def _encode(reference, candidate, by_label: bool):
    ref = [span_tuple(s) for s in reference]
    cand = [span_tuple(s) for s in candidate]
    docs: dict = {}
    labels: dict = {}
    sides = []
    for rows in (ref, cand):
        rows = [r for r in rows if r[2] > r[1]]
        d = [docs.setdefault(r[0], len(docs)) for r in rows]
        lab = [labels.setdefault(r[3] if by_label else "*", len(labels)) for r in rows]
        sides.append(
            (
                np.asarray(d, dtype=np.int64),
                np.asarray([r[1] for r in rows], dtype=np.int64),
                np.asarray([r[2] for r in rows], dtype=np.int64),
                np.asarray(lab, dtype=np.int64),
            )
        )
    return sides, list(labels)


def prf_counts(ref, cand, n_labels: int, match: str, width: int):
    """Per-label (p_num, p_den, r_num, r_den) for encoded (doc, start, end, label) arrays.

    Groups are (document, label); ``width`` exceeds every end offset so groups are laid out
    on one number line at ``group * width``.
    """
    if match not in MATCHES:
        raise ValueError(f"match must be one of {MATCHES}, not {match!r}")
    out = []
    sides = []
    for d, s, e, lab in (ref, cand):
        g = d.astype(np.int64) * n_labels + lab
        gs, ge = g * width + s, g * width + e
        if match == "partial":
            gs, ge = merge_intervals(gs, ge)
        else:
            key = unique_sorted(gs * width + (ge - g * width))
            gs, ge = key // width, (key // width // width) * width + key % width
        sides.append((gs, ge, (gs // width) % n_labels))
    (rs, re, rl), (cs, ce, cl) = sides
    for (qs, qe, ql), (ts, te, _) in (((cs, ce, cl), (rs, re, rl)), ((rs, re, rl), (cs, ce, cl))):
        if match == "exact":
            hit = np.isin(qs * width + qe % width, ts * width + te % width).astype(float)
        else:
            ms, me = (ts, te) if match == "partial" else merge_intervals(ts, te)
            ov = overlap_with(qs, qe, ms, me)
            hit = ov / (qe - qs) if match == "partial" else (ov > 0).astype(float)
        out.append(np.bincount(ql, weights=hit, minlength=n_labels))
        out.append(np.bincount(ql, minlength=n_labels).astype(float))
    return out[0], out[1], out[2], out[3]


def _prf(p_num, p_den, r_num, r_den) -> PRF:
    if p_den == 0 and r_den == 0:
        return PRF(1.0, 1.0, 1.0)
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    return PRF(float(p), float(r), float(f1_score(p, r)))


def span_prf(
    reference: Iterable, candidate: Iterable, match: str = "exact", by_label: bool = True
) -> SpanScores:
    """Precision, recall and F1 of ``candidate`` spans against ``reference`` spans."""
    (ref, cand), labels = _encode(reference, candidate, by_label)
    n_labels = max(len(labels), 1)
    width = int(max(ref[2].max(initial=0), cand[2].max(initial=0))) + 1
    p_num, p_den, r_num, r_den = prf_counts(ref, cand, n_labels, match, width)
    total = _prf(p_num.sum(), p_den.sum(), r_num.sum(), r_den.sum())
    per_label = {
        str(name): _prf(p_num[i], p_den[i], r_num[i], r_den[i]) for i, name in enumerate(labels)
    }
    return SpanScores(
        total.precision,
        total.recall,
        total.f1,
        per_label=per_label if by_label else {},
        n_reference=int(r_den.sum()),
        n_candidate=int(p_den.sum()),
    )
