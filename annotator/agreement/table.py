"""Span input read into integer-coded NumPy columns (``SpanTable``), one pass per column.

Conventions
-----------
* Rows are ``SpanRecord``-like objects, mappings, or ``(document_id, annotator, start, end,
  label[, guidelines_version])`` tuples (a record with ``fragments`` counts as its fragments);
  or ``spans`` is one mapping of columns with those keys (lists or arrays;
  ``guidelines_version`` optional).
* Names (documents, annotators, labels, versions) get int32 codes (in order of first
  appearance for rows); ``*_names[code]`` is the name. A missing field reads as ``None``.
* No per-span Python object is built: columns come from ``itemgetter``/``attrgetter`` maps
  and codes from a dict that numbers unseen keys (``dict.__getitem__`` on C level).
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

FIELDS = ("document_id", "annotator", "start", "end", "label", "guidelines_version")


@dataclass
class SpanTable:
    doc: np.ndarray
    doc_names: list
    ann: np.ndarray
    ann_names: list
    lab: np.ndarray
    lab_names: list
    start: np.ndarray
    end: np.ndarray
    version: np.ndarray | None  # codes into version_names; None when no row has a version
    version_names: list

    def take(self, rows: np.ndarray) -> SpanTable:
        """The given rows, with the same name lists."""
        version = None if self.version is None else self.version[rows]
        return SpanTable(
            self.doc[rows],
            self.doc_names,
            self.ann[rows],
            self.ann_names,
            self.lab[rows],
            self.lab_names,
            self.start[rows],
            self.end[rows],
            version,
            self.version_names,
        )


def encode(values: Iterable, n: int) -> tuple[np.ndarray, list]:
    """Codes and the distinct values (sorted for a non-object array, else in order of first
    appearance)."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        values = values.reshape(-1)
        if values.dtype.kind in "iu" and n and 0 <= values.min() and values.max() < 4 * n:
            used = np.bincount(values) > 0  # small non-negative ints: no sort
            return (np.cumsum(used, dtype=np.int32) - 1)[values], np.flatnonzero(used).tolist()
        names, codes = np.unique(values, return_inverse=True)
        return codes.reshape(-1).astype(np.int32), names.tolist()
    index: defaultdict = defaultdict()
    index.default_factory = index.__len__  # an unseen key gets the next code
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int32, count=n)
    return codes, list(index)


def _ints(values: Iterable, n: int) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values.astype(np.int64).reshape(-1)
    return np.fromiter(values, dtype=np.int64, count=n)


def _getters(spans: list):
    """One callable per field reading it from a row, or None when no row has the field."""
    first = spans[0]
    if isinstance(first, tuple | list):
        widths = set(map(len, spans))
        if min(widths) < 5:
            return [_padded(i) for i in range(6)]
        version = operator.itemgetter(5) if min(widths) >= 6 else _padded(5)
        return [*map(operator.itemgetter, range(5)), version if max(widths) >= 6 else None]
    if isinstance(first, Mapping):
        return [operator.methodcaller("get", f) for f in FIELDS]
    get = [operator.attrgetter(f) for f in FIELDS[:5]]
    return [*get, lambda r: getattr(r, "guidelines_version", None)]


def _padded(i: int):
    return lambda r: r[i] if i < len(r) else None


def _fragments_as_units(spans: list) -> list:
    """A discontinuous span (``fragments``, start/end its hull) counts as its fragments: the
    characters between them are not covered, so coverage measures must not count them."""
    if not spans or isinstance(spans[0], tuple | list | Mapping):
        return spans
    if not any(getattr(s, "fragments", None) for s in spans):
        return spans
    out: list = []
    for s in spans:
        version = getattr(s, "guidelines_version", None)
        for a, b in getattr(s, "fragments", None) or ((s.start, s.end),):
            out.append((s.document_id, s.annotator, a, b, s.label, version))
    return out


def read_spans(spans) -> SpanTable:
    """A ``SpanTable`` of span rows or of a mapping of columns (see the module docstring)."""
    if isinstance(spans, Mapping):
        cols = [spans.get(f) for f in FIELDS]
        n = len(cols[0])
    else:
        spans = _fragments_as_units(spans if isinstance(spans, list) else list(spans))
        n = len(spans)
        getters = _getters(spans) if n else [None] * 6
        cols = [None if g is None else map(g, spans) for g in getters]
    if n == 0:
        codes, ints = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
        return SpanTable(codes, [], codes, [], codes, [], ints, ints, None, [])
    doc, doc_names = encode(cols[0], n)
    ann, ann_names = encode(cols[1], n)
    lab, lab_names = encode(cols[4], n)
    version, version_names = (None, []) if cols[5] is None else encode(cols[5], n)
    if version is not None and version_names == [None]:
        version, version_names = None, []
    start, end = _ints(cols[2], n), _ints(cols[3], n)
    return SpanTable(
        doc, doc_names, ann, ann_names, lab, lab_names, start, end, version, version_names
    )
