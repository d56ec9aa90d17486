"""All-annotator-pairs span scores and the span label confusion matrix, vectorised.

Conventions
-----------
* Inputs are integer-coded arrays of spans laid on one corpus line (document offsets
  added), already restricted to annotators present on each document.
* A pair (a, b) is scored on the documents both annotated: a's spans are the candidate,
  b's the reference (so ``P[a, b] == R[b, a]``), with ``spans.span_prf`` semantics:
  exact (identical spans counted once) and partial (SemEval-2020 Task 11, same-label
  overlapping spans merged). F1 matrices are symmetric; the diagonal is NaN.
* ``pair_kappa``: character-level Cohen's kappa per pair from span intersections.
* The confusion matrix counts pairs of overlapping spans by two different annotators
  (spans merged per annotator and label): ``matrix[i][j]`` = pairs with labels i and j
  (symmetric; the diagonal is agreement).
"""

from __future__ import annotations

import numpy as np

from .coding import kappa_from_confusion
from .spans import unique_sorted


def _f1(p_num, p_den, r_num, r_den):
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(p_den > 0, p_num / p_den, 0.0)
        r = np.where(r_den > 0, r_num / r_den, 0.0)
        f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    both_empty = (p_den == 0) & (r_den == 0)
    return np.where(both_empty, 1.0, f)


def _scores(num, den, present_pairs):
    """F1 per pair (and per label) from candidate-side numerators and denominators.

    ``num``/``den`` are (a, b, k): a as candidate against b as reference.
    """
    r_num, r_den = num.transpose(1, 0, 2), den.transpose(1, 0, 2)
    per_label = _f1(num, den, r_num, r_den)
    overall = _f1(num.sum(2), den.sum(2), r_num.sum(2), r_den.sum(2))
    mask = ~present_pairs
    overall[mask] = np.nan
    per_label[mask] = np.nan
    return overall, per_label


def _doc_counts(ann, lab, doc, n_ann, n_labels, n_docs):
    """(labels, annotators, documents) span counts."""
    flat = (lab * n_ann + ann) * n_docs + doc
    size = n_labels * n_ann * n_docs
    return np.bincount(flat, minlength=size).reshape(n_labels, n_ann, n_docs).astype(float)


def pair_f1(c, m):
    """Exact and partial F1 for a ``Corpus`` and its ``Merged`` spans.

    Each result is (overall A x A, per label A x A x k).
    """
    n_ann, n_docs = c.present.shape
    n_labels = max(len(c.labels), 1)
    pres_f = c.present.astype(float)
    co = (pres_f @ pres_f.T) > 0
    np.fill_diagonal(co, False)
    total = int(c.offsets[-1]) + 1
    # exact: distinct (annotator, label, start, end); corpus offsets make the document implicit
    key = (c.lab * total + c.gs) * total + c.ge
    per_ann = unique_sorted(key * n_ann + c.ann)
    k_ann, k_key = per_ann % n_ann, per_ann // n_ann
    keys = unique_sorted(k_key)
    row = np.searchsorted(keys, k_key)
    k_lab = k_key // total // total
    k_doc = np.searchsorted(c.offsets, k_key // total % total, side="right") - 1
    key_lab = keys // total // total
    bounds = np.searchsorted(key_lab, np.arange(n_labels + 1))
    counts = _doc_counts(k_ann, k_lab, k_doc, n_ann, n_labels, n_docs)
    num = np.zeros((n_ann, n_ann, n_labels))
    den = np.zeros((n_ann, n_ann, n_labels))
    step = 1 << 20  # keys per dense block: at most step x annotators float32 cells
    for lab in range(n_labels):
        for lo in range(bounds[lab], bounds[lab + 1], step):
            hi = min(lo + step, bounds[lab + 1])
            e0, e1 = np.searchsorted(row, [lo, hi])
            block = np.zeros((hi - lo, n_ann), dtype=np.float32)
            block[row[e0:e1] - lo, k_ann[e0:e1]] = 1.0
            num[:, :, lab] += (block.T @ block).astype(float)
        den[:, :, lab] = counts[lab] @ pres_f.T
    exact = _scores(num, den, co)
    # partial: overlapping merged spans of the same label by two annotators
    a, b, lab = m.a_i, m.a_j, m.pair_lab
    s_i, e_i, s_j, e_j, ov = m.s_i, m.e_i, m.s_j, m.e_j, m.overlap.astype(float)
    size = n_ann * n_ann * n_labels
    cell = (a * n_ann + b) * n_labels + lab
    num = np.bincount(cell, weights=ov / (e_i - s_i), minlength=size)
    cell = (b * n_ann + a) * n_labels + lab
    num += np.bincount(cell, weights=ov / (e_j - s_j), minlength=size)
    num = num.reshape(n_ann, n_ann, n_labels)
    counts = _doc_counts(m.ann, m.lab, m.doc, n_ann, n_labels, n_docs)
    den = np.stack([counts[lab] @ pres_f.T for lab in range(n_labels)], axis=2)
    partial = _scores(num, den, co)
    return exact, partial


def pair_kappa(c, m) -> np.ndarray:
    """Character-level Cohen's kappa per annotator pair over label-or-none values.

    Built from span intersections on the documents both annotated; where one annotator has
    two labels on a character it counts once per label (exact when labels do not overlap).
    """
    n_ann, n_docs = c.present.shape
    n_labels = max(len(c.labels), 1)
    pres = c.present.astype(float)
    length = np.zeros((n_labels, n_ann, n_docs))
    np.add.at(length, (m.lab, m.ann, m.doc), (m.e - m.s).astype(float))
    covered = np.stack([length[lab] @ pres.T for lab in range(n_labels)], axis=2)  # a, b, l
    chars = (pres * c.lengths) @ pres.T
    out = np.full((n_ann, n_ann), np.nan)
    for a in range(n_ann):
        for b in range(a + 1, n_ann):
            if chars[a, b] <= 0:
                continue
            table = np.zeros((n_labels + 1, n_labels + 1))
            table[1:, 1:] = m.intersections[a, b]
            table[1:, 0] = covered[a, b] - table[1:, 1:].sum(1)
            table[0, 1:] = covered[b, a] - table[1:, 1:].sum(0)
            table[0, 0] = chars[a, b] - table.sum()
            out[a, b] = out[b, a] = kappa_from_confusion(np.clip(table, 0, None))
    return out


def confusion(m, n_labels: int) -> np.ndarray:
    """Labels x labels counts of overlapping merged-span pairs from different annotators."""
    return m.confusion
