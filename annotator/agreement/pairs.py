"""All-annotator-pairs span scores and the span label confusion matrix, vectorised.

Conventions
-----------
* Inputs are a ``corpus.Corpus``, its ``merged.Merged`` spans and their overlap
  ``overlaps.Tallies`` (spans already restricted to annotators present on each document).
* A pair (a, b) is scored on the documents both annotated: a's spans are the candidate,
  b's the reference (so ``P[a, b] == R[b, a]``), with ``spans.span_prf`` semantics:
  exact (identical spans counted once) and partial (SemEval-2020 Task 11, same-label
  overlapping spans merged). F1 matrices are symmetric; the diagonal is NaN. Identical
  spans of two annotators overlap, so exact matches come from the tallies unless merging
  changed some spans (then from the distinct unmerged spans).
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
    flat = (lab.astype(np.int64) * n_ann + ann) * n_docs + doc
    size = n_labels * n_ann * n_docs
    return np.bincount(flat, minlength=size).reshape(n_labels, n_ann, n_docs).astype(float)


def _exact_by_keys(c, n_labels: int, present: np.ndarray):
    """Exact-match numerators from distinct unmerged spans (used when some spans merged)."""
    n_ann, n_docs = c.present.shape
    total = int(c.offsets[-1]) + 1
    # distinct (annotator, label, start, end); corpus offsets make the document implicit
    key = (c.lab.astype(np.int64) * total + c.gs) * total + c.ge
    per_ann = unique_sorted(key * n_ann + c.ann)
    k_ann, k_key = per_ann % n_ann, per_ann // n_ann
    keys = unique_sorted(k_key)
    row = np.searchsorted(keys, k_key)
    k_lab = k_key // total // total
    k_doc = np.searchsorted(c.offsets, k_key // total % total, side="right") - 1
    bounds = np.searchsorted(keys // total // total, np.arange(n_labels + 1))
    num = np.zeros((n_ann, n_ann, n_labels))
    step = 1 << 20  # keys per dense block: at most step x annotators float32 cells
    for lab in range(n_labels):
        for lo in range(bounds[lab], bounds[lab + 1], step):
            hi = min(lo + step, bounds[lab + 1])
            e0, e1 = np.searchsorted(row, [lo, hi])
            block = np.zeros((hi - lo, n_ann), dtype=np.float32)
            block[row[e0:e1] - lo, k_ann[e0:e1]] = 1.0
            num[:, :, lab] += (block.T @ block).astype(float)
    counts = _doc_counts(k_ann, k_lab, k_doc, n_ann, n_labels, n_docs)
    den = np.stack([counts[lab] @ present.T for lab in range(n_labels)], axis=2)
    return num, den


def _same_label(cells: np.ndarray) -> np.ndarray:
    """(A, A, L) same-label cells of an (A, L, A, L) tally, both orders of the pair added."""
    diag = np.einsum("albl->abl", cells)
    return diag + diag.transpose(1, 0, 2)


def pair_f1(c, m, t):
    """Exact and partial F1 for a ``Corpus``, its ``Merged`` spans and their ``Tallies``.

    Each result is (overall A x A, per label A x A x k).
    """
    n_ann, n_docs = c.present.shape
    n_labels = m.n_labels
    pres_f = c.present.astype(float)
    co = (pres_f @ pres_f.T) > 0
    np.fill_diagonal(co, False)
    counts = _doc_counts(m.ann, m.lab, m.doc, n_ann, n_labels, n_docs)
    den = np.stack([counts[lab] @ pres_f.T for lab in range(n_labels)], axis=2)
    if m.merged_any:
        exact = _scores(*_exact_by_keys(c, n_labels, pres_f), co)
    else:  # merged spans are the distinct spans: identical pairs are overlapping pairs
        exact = _scores(_same_label(t.exact), den, co)
    # partial: a's span x against b's span y adds |x & y| / |x| to num[a, b]
    diag_i = np.einsum("albl->abl", t.part_i)
    diag_j = np.einsum("albl->abl", t.part_j)
    partial = _scores(diag_i + diag_j.transpose(1, 0, 2), den, co)
    return exact, partial


def pair_kappa(c, m, t) -> np.ndarray:
    """Character-level Cohen's kappa per annotator pair over label-or-none values.

    Built from span intersections on the documents both annotated; where one annotator has
    two labels on a character it counts once per label (exact when labels do not overlap).
    """
    n_ann, n_docs = c.present.shape
    n_labels = m.n_labels
    pres = c.present.astype(float)
    length = np.bincount(
        (m.lab.astype(np.int64) * n_ann + m.ann) * n_docs + m.doc,
        weights=(m.e - m.s).astype(float),
        minlength=n_labels * n_ann * n_docs,
    ).reshape(n_labels, n_ann, n_docs)
    covered = np.stack([length[lab] @ pres.T for lab in range(n_labels)], axis=2)  # a, b, l
    chars = (pres * c.lengths) @ pres.T
    inter = t.overlap.transpose(0, 2, 1, 3)
    inter = inter + inter.transpose(1, 0, 3, 2)  # characters a labels l and b labels l'
    out = np.full((n_ann, n_ann), np.nan)
    for a in range(n_ann):
        for b in range(a + 1, n_ann):
            if chars[a, b] <= 0:
                continue
            table = np.zeros((n_labels + 1, n_labels + 1))
            table[1:, 1:] = inter[a, b]
            table[1:, 0] = covered[a, b] - table[1:, 1:].sum(1)
            table[0, 1:] = covered[b, a] - table[1:, 1:].sum(0)
            table[0, 0] = chars[a, b] - table.sum()
            out[a, b] = out[b, a] = kappa_from_confusion(np.clip(table, 0, None))
    return out


def confusion(t) -> np.ndarray:
    """Labels x labels counts of overlapping merged-span pairs from different annotators."""
    count = t.count.copy()
    for a in range(count.shape[0]):
        count[a, :, a, :] = 0  # pairs of one annotator's spans
    count = count.sum((0, 2))
    return count + count.T - np.diag(np.diag(count))
