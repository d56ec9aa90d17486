"""Overlapping span pairs and the per-pair tallies that several statistics share.

Conventions
-----------
* ``overlap_chunks`` walks the pairs ``(i, j)``, ``i < j``, of overlapping intervals sorted by
  start, in blocks of about ``CHUNK`` pairs (bounded memory, cache-sized arrays), from the
  number of later intervals overlapping each one (``Merged.later``).
* ``tally`` reads ``merged.Merged`` spans once and returns ``Tallies``. A cell is
  ``(annotator, label)`` of the earlier span i by ``(annotator, label)`` of the later span
  j (shape ``A x L x A x L``), so per-pair sums become ``bincount``s of one cell index.
* ``sq`` (unitizing D_o, per label) and ``lonely`` count only same-label pairs of two
  annotators; ``sq`` further only pairs in documents marked in ``complete``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

CHUNK = 1 << 16


def overlap_chunks(later: np.ndarray, chunk: int = CHUNK) -> Iterator:
    """Blocks ``(a, cnt, jj)`` of the overlapping pairs ``(i, j)``, ``i < j``, of intervals
    sorted by start, where ``later[i]`` intervals after i overlap it: span ``a + k`` is the
    earlier span of ``cnt[k]`` consecutive pairs, whose later spans are ``jj``."""
    n = later.size
    itype = np.int32 if n < 2**31 - 1 else np.int64
    cnt = later.astype(itype)
    ends = np.cumsum(cnt, dtype=np.int64)
    total = int(ends[-1]) if n else 0
    cuts = np.searchsorted(ends, np.arange(chunk, total, chunk), side="left") + 1
    bounds = np.unique(np.concatenate([[0], cuts, [n]]))
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        c = cnt[a:b]
        first = ends[a:b] - c - (ends[a - 1] if a else 0)  # run start within the block
        m = int(first[-1] + c[-1])
        if m:
            jj = np.arange(1, m + 1, dtype=itype)
            jj += np.repeat(np.arange(a, b, dtype=itype) - first.astype(itype), c)
            yield a, c, jj


@dataclass
class Tallies:
    count: np.ndarray  # (A, L, A, L) overlapping pairs
    overlap: np.ndarray  # summed overlap (characters)
    part_i: np.ndarray  # summed overlap / length of span i
    part_j: np.ndarray  # summed overlap / length of span j
    exact: np.ndarray  # identical pairs
    sq: np.ndarray  # (L,) (start_i - start_j)^2 + (end_i - end_j)^2
    lonely: np.ndarray  # (spans,) other annotators with no overlapping same-label span


def tally(m, complete: np.ndarray | None = None) -> Tallies:
    """Per-pair sums over ``Merged`` spans ``m`` (see the module docstring)."""
    n_ann, n_lab = m.n_ann, m.n_labels
    g = n_ann * n_lab
    cells = g * g
    ann_of, lab_of = np.divmod(np.arange(g), n_lab)
    same_label = (lab_of[:, None] == lab_of[None, :]) & (ann_of[:, None] != ann_of[None, :])
    n = m.s.size
    # hit[a * n + i]: span i overlaps a same-label span of annotator a (row n_ann: other pairs)
    hit = np.zeros((n_ann + 1) * n, dtype=bool)
    hit_i = np.where(same_label, ann_of[None, :], n_ann).ravel() * n  # by cell, for span i
    hit_j = np.where(same_label, ann_of[:, None], n_ann).ravel() * n  # for span j
    inc = None if complete is None or complete.all() else complete[m.doc]
    s, e, code = m.s, m.e, m.code.astype(np.intp)
    code_g = code * g
    count, exact = np.zeros(cells, dtype=np.int64), np.zeros(cells, dtype=np.int64)
    overlap, part_i, part_j, sq = (np.zeros(cells) for _ in range(4))
    for a, c, jj in overlap_chunks(m.later):
        b = a + c.size
        si, ei = np.repeat(s[a:b], c), np.repeat(e[a:b], c)
        sj, ej = s[jj], e[jj]
        cell = np.repeat(code_g[a:b], c)
        cell += code[jj]
        ov = np.minimum(ei, ej)
        ov -= sj  # sj >= si
        count += np.bincount(cell, minlength=cells)
        overlap += np.bincount(cell, weights=ov, minlength=cells)
        part_i += np.bincount(cell, weights=ov / (ei - si), minlength=cells)
        part_j += np.bincount(cell, weights=ov / (ej - sj), minlength=cells)
        w = np.square(si - sj, dtype=float)
        w += np.square(ei - ej, dtype=float)
        exact += np.bincount(cell[w == 0], minlength=cells)
        if inc is not None:
            w *= np.repeat(inc[a:b], c)
        sq += np.bincount(cell, weights=w, minlength=cells)
        hit[hit_i[cell] + np.repeat(np.arange(a, b, dtype=jj.dtype), c)] = True
        hit[hit_j[cell] + jj] = True
    shape = (n_ann, n_lab, n_ann, n_lab)
    lab_sq = np.bincount(np.repeat(lab_of, g), weights=sq * same_label.ravel(), minlength=n_lab)
    lonely = (n_ann - 1) - hit[: n_ann * n].reshape(n_ann, n).sum(0, dtype=np.int64)
    return Tallies(
        *(x.reshape(shape) for x in (count, overlap, part_i, part_j, exact)), lab_sq, lonely
    )
