"""Spans merged per (annotator, label) and sorted on the corpus line (``Merged``).

Conventions
-----------
* Each (annotator, label)'s overlapping spans are merged (touching spans stay apart), as
  unitizing alpha and partial span F1 require; ``merged_any`` says whether any merge (or
  exact duplicate) occurred, in which case exact span F1 needs the unmerged spans.
* ``s``, ``e`` are corpus offsets sorted by (start, end, annotator, label); ``code`` is
  ``annotator * n_labels + label``; ``by_group`` orders the spans by (code, start).
* ``ranked`` is ``segments.boundaries([s, e, document offsets])``; ``later[i]`` counts the
  spans after i (in this order) that overlap it.
* The first sort is stable, so spans arriving already ordered (by document, or annotator
  by annotator) cost little more than a merge of sorted runs.
"""

from __future__ import annotations

import numpy as np

from .corpus import Corpus
from .segments import boundaries
from .spans import merge_intervals


def sort_spans(s: np.ndarray, e: np.ndarray, code: np.ndarray, n_codes: int):
    """``(s, e, code)`` sorted by start, end, code (one packed stable sort when it fits)."""
    if s.size == 0:
        return s, e, code
    span = int((e - s).max()) + 1
    if int(s.max()) >= (2**62) // (span * n_codes) or int(s.min()) < 0:
        order = np.lexsort((code, e, s))
        return s[order], e[order], code[order]
    key = s * span  # packed (start, length, code), sorted in place
    key += e
    key -= s
    key *= n_codes
    key += code
    key.sort(kind="stable")
    code = key % n_codes
    key //= n_codes
    length = key % span
    key //= span
    return key, key + length, code


def group_order(code: np.ndarray, n_codes: int) -> np.ndarray:
    """Stable order by code (a radix sort for small codes)."""
    small = np.int16 if n_codes < 2**15 else np.int64
    return np.argsort(code.astype(small), kind="stable")


class Merged:
    """Spans merged per (annotator, label), sorted by corpus start (see the module docstring)."""

    def __init__(self, c: Corpus):
        self.n_ann, self.n_labels = len(c.annotators), max(len(c.labels), 1)
        n_codes = self.n_ann * self.n_labels
        total = int(c.offsets[-1]) + 1
        small = np.int32 if total < 2**31 else np.int64  # halves memory traffic of gathers
        code = c.ann.astype(np.int64) * self.n_labels + c.lab
        s, e, code = sort_spans(c.gs, c.ge, code, n_codes)
        s, e, code = s.astype(small), e.astype(small), code.astype(small)
        by_group = group_order(code, n_codes)
        cg, sg, eg = code[by_group], s[by_group], e[by_group]
        # the first span overlapping an earlier one of its group overlaps its predecessor
        self.merged_any = bool(((cg[1:] == cg[:-1]) & (sg[1:] < eg[:-1])).any())
        if self.merged_any:
            gs = cg.astype(np.int64) * total + sg
            gs, ge = merge_intervals(gs, cg.astype(np.int64) * total + eg)
            code = gs // total
            s, e, code = sort_spans(gs - code * total, ge - code * total, code, n_codes)
            s, e, code = s.astype(small), e.astype(small), code.astype(small)
            by_group = group_order(code, n_codes)
        del cg, sg, eg
        self.s, self.e, self.code = s, e, code
        self.ann, self.lab = np.divmod(code, self.n_labels)
        self.by_group = by_group
        first = np.searchsorted(s, c.offsets)
        self.doc = np.repeat(np.arange(c.lengths.size, dtype=small), np.diff(first))
        self.ranked = boundaries([s, e, c.offsets.astype(small)])
        bounds, (r_s, r_e, _) = self.ranked
        starts = np.bincount(r_s, minlength=bounds.size)
        before = np.cumsum(starts) - starts  # spans starting before each boundary
        self.later = before[r_e] - np.arange(1, s.size + 1)
