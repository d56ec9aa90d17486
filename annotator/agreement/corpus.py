"""Integer-coded spans of a project on one corpus line (``Corpus``).

Conventions
-----------
* Built from a ``table.SpanTable``. Documents are those of ``doc_lengths`` in its order, laid
  end to end (``offsets``); spans of other documents are dropped (``dropped``), spans are
  clipped to their document and empty spans dropped.
* ``annotators`` and ``labels`` are the names used by the table's rows (plus every annotator
  of ``doc_annotators``), sorted by ``str``; codes (int32, like ``doc``) index these lists.
* ``present[a, d]``: annotator a annotated document d (``doc_annotators`` when given, else
  a has a span in d); spans by annotators not present on their document are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .table import SpanTable


def _recode(codes: np.ndarray, names: list, extra=()) -> tuple[np.ndarray, list]:
    """Codes into the sorted list of used names (plus ``extra`` names)."""
    used = np.flatnonzero(np.bincount(codes, minlength=len(names)))
    chosen = sorted({names[i] for i in used.tolist()} | set(extra), key=str)
    index = {name: i for i, name in enumerate(chosen)}
    table = np.full(len(names), -1, dtype=np.int32)
    table[used] = [index[names[i]] for i in used.tolist()]
    return table[codes], chosen


class Corpus:
    """Integer-coded spans plus the document and annotator indexes."""

    def __init__(self, t: SpanTable, doc_lengths: Mapping, doc_annotators: Mapping | None = None):
        self.docs = list(doc_lengths)
        d_index = {d: i for i, d in enumerate(self.docs)}
        self.lengths = np.array([int(doc_lengths[d]) for d in self.docs], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.lengths)]).astype(np.int64)
        doc_map = np.array([d_index.get(d, -1) for d in t.doc_names], dtype=np.int32)
        doc = doc_map[t.doc]
        known = doc >= 0
        self.dropped = int(doc.size - np.count_nonzero(known))
        extra = {a for anns in doc_annotators.values() for a in anns} if doc_annotators else ()
        ann, self.annotators = _recode(t.ann, t.ann_names, extra)
        lab, self.labels = _recode(t.lab, t.lab_names)
        a_index = {a: i for i, a in enumerate(self.annotators)}
        present = np.zeros((len(self.annotators), len(self.docs)), dtype=bool)
        if doc_annotators:
            for d, anns in doc_annotators.items():
                if d in d_index:
                    present[[a_index[a] for a in anns], d_index[d]] = True
            known &= present[ann, np.where(known, doc, 0)]
        start, end = t.start, t.end
        if not known.all():
            doc, ann, lab, start, end = doc[known], ann[known], lab[known], start[known], end[known]
        length = self.lengths[doc]
        if (start < 0).any() or (end > length).any() or (start > length).any():
            start, end = np.clip(start, 0, length), np.clip(end, 0, length)
        ok = end > start
        if not ok.all():
            doc, ann, lab, start, end = doc[ok], ann[ok], lab[ok], start[ok], end[ok]
        self.doc, self.ann, self.lab, self.start, self.end = doc, ann, lab, start, end
        if not doc_annotators:
            present[ann, doc] = True
        self.present = present

    @property
    def gs(self) -> np.ndarray:
        return self.offsets[self.doc] + self.start

    @property
    def ge(self) -> np.ndarray:
        return self.offsets[self.doc] + self.end
