"""Integer-coded spans of a project and the overlap pairs that several statistics share.

Conventions
-----------
* Input rows are ``SpanRecord``-like objects, mappings, or ``(document_id, annotator,
  start, end, label[, guidelines_version])`` tuples; they are turned into NumPy columns
  without a per-span Python object (lists of plain tuples take a fast path).
* Documents are laid end to end on one corpus line (``offsets``); spans are clipped to
  their document and empty spans dropped.
* ``Merged`` holds each (annotator, label)'s spans with overlaps merged (touching spans stay
  apart), sorted by corpus start, the label confusion of overlapping spans by different
  annotators, and the same-label overlapping pairs ``(ii, jj)`` of different annotators.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from itertools import repeat

import numpy as np

from .spans import merge_intervals
from .unitizing import overlap_pairs

FIELDS = ("document_id", "annotator", "start", "end", "label", "guidelines_version")


def columns(spans: Sequence) -> list[list]:
    """Six column lists (document, annotator, start, end, label, version)."""
    spans = list(spans)
    if not spans:
        return [()] * 6
    first = spans[0]
    if isinstance(first, tuple | list):
        if len(first) == 5 and all(map((5).__eq__, map(len, spans))):
            cols = [list(map(operator.itemgetter(i), spans)) for i in range(5)]
            return [*cols, [None] * len(spans)]
        return [[r[i] if i < len(r) else None for r in spans] for i in range(6)]
    if isinstance(first, Mapping):
        return [[r.get(f) for r in spans] for f in FIELDS]
    cols = [list(map(operator.attrgetter(f), spans)) for f in FIELDS[:5]]
    return [*cols, [getattr(r, "guidelines_version", None) for r in spans]]


def _codes(values: list, index: dict) -> np.ndarray:
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


class Corpus:
    """Integer-coded spans plus the document and annotator indexes."""

    def __init__(self, cols, doc_lengths: Mapping, doc_annotators: Mapping | None = None):
        docs_c, anns_c, starts_c, ends_c, labels_c, _ = cols
        self.docs = list(doc_lengths)
        d_index = {d: i for i, d in enumerate(self.docs)}
        self.lengths = np.array([int(doc_lengths[d]) for d in self.docs], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.lengths)]).astype(np.int64)
        doc = np.fromiter(map(d_index.get, docs_c, repeat(-1)), dtype=np.int64, count=len(docs_c))
        known = doc >= 0
        self.dropped = int((~known).sum())
        names = set(dict.fromkeys(anns_c))
        if doc_annotators:
            names |= {a for anns in doc_annotators.values() for a in anns}
        self.annotators = sorted(names, key=str)
        a_index = {a: i for i, a in enumerate(self.annotators)}
        self.labels = sorted(dict.fromkeys(labels_c), key=str)
        l_index = {lab: i for i, lab in enumerate(self.labels)}
        ann, lab = _codes(anns_c, a_index), _codes(labels_c, l_index)
        start = np.asarray(starts_c, dtype=np.int64).reshape(-1)
        end = np.asarray(ends_c, dtype=np.int64).reshape(-1)
        present = np.zeros((len(self.annotators), len(self.docs)), dtype=bool)
        if doc_annotators:
            for d, anns in doc_annotators.items():
                if d in d_index:
                    present[[a_index[a] for a in anns], d_index[d]] = True
            known &= present[ann, np.where(known, doc, 0)]
        doc, ann, lab, start, end = doc[known], ann[known], lab[known], start[known], end[known]
        start = np.clip(start, 0, self.lengths[doc])
        end = np.clip(end, 0, self.lengths[doc])
        ok = end > start
        self.doc, self.ann, self.lab, self.start, self.end = (
            doc[ok],
            ann[ok],
            lab[ok],
            start[ok],
            end[ok],
        )
        if not doc_annotators:
            present[self.ann, self.doc] = True
        self.present = present
        self.keep = np.flatnonzero(known)[ok]  # input row of each kept span

    @property
    def gs(self) -> np.ndarray:
        return self.offsets[self.doc] + self.start

    @property
    def ge(self) -> np.ndarray:
        return self.offsets[self.doc] + self.end


class Merged:
    """Spans merged per (annotator, label), sorted by corpus start, with overlap pairs."""

    def __init__(self, c: Corpus):
        n_labels = max(len(c.labels), 1)
        total = int(c.offsets[-1]) + 1
        key = c.ann * n_labels + c.lab
        ms, me = merge_intervals(key * total + c.gs, key * total + c.ge)
        mkey = ms // total
        ms, me = ms - mkey * total, me - mkey * total
        n = ms.size
        order = np.sort(ms * max(n, 1) + np.arange(n)) % max(n, 1) if n else np.arange(0)
        small = np.int32 if total < 2**31 else np.int64  # halves memory traffic of gathers
        self.s, self.e = ms[order].astype(small), me[order].astype(small)
        mkey = mkey[order].astype(np.int32)
        self.ann, self.lab = mkey // n_labels, mkey % n_labels
        self.doc = np.searchsorted(c.offsets, self.s, side="right") - 1
        ii, jj = overlap_pairs(self.s, self.e)
        code_i, code_j = mkey[ii], mkey[jj]  # annotator * labels + label
        other = (code_i // n_labels) != (code_j // n_labels)
        same_label = (code_i % n_labels) == (code_j % n_labels)
        n_ann = len(c.annotators)
        width = n_ann * n_labels
        cells, overlaps = [], []
        for which, keep in enumerate((other & same_label, other & ~same_label)):
            idx = np.flatnonzero(keep)
            pi, pj, ci, cj = ii[idx], jj[idx], code_i[idx], code_j[idx]
            s_i, e_i, s_j, e_j = self.s[pi], self.e[pi], self.s[pj], self.e[pj]
            ov = np.minimum(e_i, e_j) - np.maximum(s_i, s_j)
            cells.append(ci * width + cj)
            overlaps.append(ov)
            if which == 0:  # same-label pairs of two annotators: span F1 and unitizing need
                self.ii, self.jj = pi, pj
                self.a_i, self.a_j, self.pair_lab = ci // n_labels, cj // n_labels, ci % n_labels
                self.s_i, self.e_i, self.s_j, self.e_j, self.overlap = s_i, e_i, s_j, e_j, ov
                self.pair_doc = self.doc[pi]
        cell, ov = np.concatenate(cells), np.concatenate(overlaps)
        shape = (n_ann, n_labels, n_ann, n_labels)
        count = np.bincount(cell, minlength=width * width).reshape(shape).sum((0, 2))
        self.confusion = count + count.T - np.diag(np.diag(count))
        inter = np.bincount(cell, weights=ov, minlength=width * width).reshape(shape)
        inter = inter.transpose(0, 2, 1, 3)
        # characters annotator a labels l and annotator b labels l' (a != b)
        self.intersections = inter + inter.transpose(1, 0, 3, 2)
