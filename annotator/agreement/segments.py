"""Run-length encoded character values over a corpus (exact character-level alpha).

Conventions
-----------
* Documents are laid end to end and cut at every span boundary; each piece (a *segment*; all
  its characters share every annotator's value) becomes one weighted unit. This is exactly
  character-level alpha, at a cost proportional to the number of spans.
* A character's value per annotator is "none" (code 0), a label (``1 << label``) or, where
  one annotator's spans of several labels cover it, the bitmask of those labels.
* Spans are first merged per (annotator, label); segment boundaries come from one stable
  sort of all span boundaries and document offsets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .spans import merge_intervals, sort_intervals


def boundaries(parts: list):
    """Sorted distinct points of several int arrays and each point's rank, per array.

    One stable sort of the concatenation: a merge of runs (timsort) when the arrays are
    (nearly) sorted, as span starts and ends on the corpus line are.
    """
    points = np.concatenate(parts)
    order = np.argsort(points, kind="stable")
    ranked = points[order]
    new = np.empty(ranked.size, dtype=bool)
    new[:1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=new[1:])
    itype = np.int32 if points.size < 2**31 else np.int64
    rank = np.empty(points.size, dtype=itype)
    rank[order] = np.cumsum(new, dtype=itype) - 1
    cuts = np.cumsum([0] + [p.size for p in parts])
    return ranked[new], [rank[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def coverage(rows: np.ndarray, first: np.ndarray, stop: np.ndarray, n_rows: int, n_seg: int):
    """Rows x segments count (int32) of intervals (segments ``first:stop``) covering each
    segment, one row at a time (difference arrays)."""
    order = np.argsort(rows.astype(np.int16 if n_rows < 2**15 else np.int64), kind="stable")
    cuts = np.searchsorted(rows[order], np.arange(n_rows + 1))
    first, stop = first[order], stop[order]
    out = np.empty((n_rows, n_seg), dtype=np.int32)
    for r in range(n_rows):
        diff = np.bincount(first[cuts[r] : cuts[r + 1]], minlength=n_seg + 1)
        diff -= np.bincount(stop[cuts[r] : cuts[r + 1]], minlength=n_seg + 1)
        np.cumsum(diff[:-1], dtype=np.int32, out=out[r])
    return out


@dataclass
class Cover:
    """Segments of the corpus line and the labels covering them."""

    bounds: np.ndarray  # segment boundaries (corpus offsets)
    weights: np.ndarray  # segment lengths (float)
    seg_doc: np.ndarray  # document of each segment
    n1: np.ndarray  # labels x segments: annotators with a span of the label over the segment
    first: np.ndarray  # first segment of each span
    stop: np.ndarray  # one past its last segment


def cover(ms, me, m_lab, offsets, n_labels, ranked=None) -> Cover:
    """Cut the corpus at every boundary of spans merged per (annotator, label).

    ``ranked``: ``boundaries([ms, me, offsets])`` when already known.
    """
    bounds, (i0, i1, r_off) = ranked or boundaries([ms, me, offsets.astype(ms.dtype)])
    n_seg = bounds.size - 1
    seg_doc = np.repeat(np.arange(offsets.size - 1), np.diff(r_off))
    n1 = coverage(m_lab, i0, i1, n_labels, n_seg)
    return Cover(bounds, np.diff(bounds).astype(float), seg_doc, n1, i0, i1)


def overlapping_labels(m_ann, ms, me, total: int) -> bool:
    """Whether some annotator's merged spans of two labels overlap."""
    m_ann = m_ann.astype(np.int64)
    line_s, line_e = sort_intervals(m_ann * total + ms, m_ann * total + me)
    return line_s.size > 1 and bool((line_s[1:] < np.maximum.accumulate(line_e)[:-1]).any())


def value_counts(cv: Cover, m_ann, m_lab, ms, me, offsets, present, multi: bool):
    """Values x segments counts and the value codes (see the module docstring).

    Row 0 is "none", rows 1..k the labels, then label combinations as bitmask ints.
    ``multi``: whether some annotator's spans of two labels overlap.
    """
    n_ann = present.shape[0]
    n_labels, n_seg = cv.n1.shape
    total = int(offsets[-1]) + 1
    m_ann = m_ann.astype(np.int64)
    if multi:
        us, ue = merge_intervals(m_ann * total + ms, m_ann * total + me)
        u_ann = us // total
        u0 = np.searchsorted(cv.bounds, us - u_ann * total)
        u1 = np.searchsorted(cv.bounds, ue - u_ann * total)
        n_any = coverage(np.zeros(us.size, dtype=np.int64), u0, u1, 1, n_seg)[0]
    else:
        n_any = cv.n1.sum(0)
    m = present.sum(0)[cv.seg_doc].astype(float)
    cols = np.empty((1 + n_labels, n_seg))
    cols[0] = m - n_any
    cols[1:] = cv.n1
    values: list[int] = [0] + [1 << i for i in range(n_labels)]
    several = np.flatnonzero(cv.n1.sum(0) > n_any) if multi else ()
    if len(several):
        args = (m_ann, m_lab, cv.first, cv.stop, n_ann)
        counts, values = _combinations(cols.T, values, several, *args)
        cols = np.ascontiguousarray(counts.T)
    return cols, values


def corpus_counts(ann, doc, lab, start, end, doc_len, present, n_labels):
    """Run-length encoded character values over a corpus.

    Integer-coded span arrays (``ann``, ``doc``, ``lab``, ``start``, ``end``), document
    lengths, and a bool annotators x documents ``present`` matrix (spans of absent annotators
    must already be dropped). Returns ``(counts, weights, seg_doc, values, n1)``: units x
    values counts, the segment lengths, each segment's document, the value codes, and labels
    x segments coverage counts.
    """
    offsets = np.concatenate([[0], np.cumsum(doc_len)]).astype(np.int64)
    total = int(offsets[-1]) + 1
    key = ann.astype(np.int64) * n_labels + lab
    ms, me = merge_intervals(key * total + offsets[doc] + start, key * total + offsets[doc] + end)
    mkey = ms // total
    m_ann, m_lab = mkey // n_labels, mkey % n_labels
    ms, me = ms - mkey * total, me - mkey * total
    cv = cover(ms, me, m_lab, offsets, n_labels)
    multi = overlapping_labels(m_ann, ms, me, total)
    cols, values = value_counts(cv, m_ann, m_lab, ms, me, offsets, present, multi)
    return cols.T, cv.weights, cv.seg_doc, values, cv.n1


def _combinations(counts, values, multi, m_ann, m_lab, i0, i1, n_ann):
    """Exact values for the segments ``multi`` where one annotator has several labels."""
    j0, j1 = np.searchsorted(multi, i0), np.searchsorted(multi, i1)
    cnt = j1 - j0
    span = np.repeat(np.arange(cnt.size), cnt)
    j = j0[span] + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    code = np.bincount(
        m_ann[span] * multi.size + j,
        weights=(1 << m_lab[span]).astype(float),
        minlength=n_ann * multi.size,
    ).reshape(n_ann, multi.size)
    code = code.astype(np.int64)
    combos = sorted({int(c) for c in np.unique(code) if c and c & (c - 1)})
    values = values + combos
    col = {v: i for i, v in enumerate(values)}
    extra = np.zeros((counts.shape[0], len(combos)))
    counts = np.concatenate([counts, extra], axis=1)
    rows = counts[multi]
    rows[:, 1:] = 0
    rows[:, 0] = counts[multi, 0]
    for v in np.unique(code[code > 0]):
        rows[:, col[int(v)]] = (code == v).sum(0)
    counts[multi] = rows
    return counts, values
