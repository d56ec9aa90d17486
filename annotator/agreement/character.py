"""Character-level alpha of a corpus (nominal), overall and per label, with document CIs.

Conventions
-----------
* Units are the run-length encoded segments of ``segments.cover`` (weight = length); a
  character's value per annotator is "none", a label or a label combination; annotators
  absent from a document are missing there.
* Per document the section keeps the observed disagreement and the value marginals
  (``doc_stats``), which the per-document and per-outlet figures reuse; the 95% CI
  resamples whole documents (``alpha.bootstrap_alphas``).
* Observed disagreement is summed left to right per document (``bincount``), so it is
  reproducible to the last bit; marginals are integers, summed in any order (from span
  lengths unless some annotator's labels overlap).
"""

from __future__ import annotations

import math

import numpy as np

from .alpha import bootstrap_alphas
from .corpus import Corpus
from .merged import Merged
from .overlaps import Tallies
from .segments import cover, value_counts


def _alpha_of(dis, marg) -> float:
    marg = marg.sum(0)
    n = marg.sum()
    d_e = n**2 - (marg**2).sum()
    return 1.0 - (n - 1) * dis.sum() / d_e if n > 1 and d_e > 0 else math.nan


def _doc_sums(rows, seg_doc: np.ndarray, n_docs: int) -> np.ndarray:
    """Per-document sums of per-segment rows, each summed left to right (``bincount``)."""
    return np.stack([np.bincount(seg_doc, weights=r, minlength=n_docs) for r in rows])


def _observed(cv, m_doc: np.ndarray, n_docs: int, cols=None) -> np.ndarray:
    """Per-document observed disagreement (nominal): overall, then each label vs. the rest.

    Per segment ``w / (m - 1) * (m^2 - sum of squared value counts)`` (m annotators; 0 when
    m < 2), summed left to right per document. ``cols``: value counts when some annotator's
    labels overlap (else "none" and the labels, from ``cv.n1``).
    """
    m = m_doc[cv.seg_doc]
    scale = np.maximum(m - 1, 1)
    np.divide(cv.weights, scale, out=scale)
    scale[m < 2] = 0.0
    m2 = m * m
    squares = np.zeros_like(m)
    tmp = np.empty_like(m)
    if cols is None:
        for x in cv.n1:
            np.multiply(x, x, out=tmp, dtype=float)
            squares += tmp
        np.subtract(m, cv.n1.sum(0), out=tmp)
        tmp *= tmp  # "none"
        squares += tmp
    else:
        for col in cols:
            np.multiply(col, col, out=tmp)
            squares += tmp
    out = np.empty((1 + len(cv.n1), n_docs))

    def doc_sum(row_out, integer_part):  # scale * (m^2 - squares), summed per document
        np.subtract(m2, integer_part, out=integer_part)
        integer_part *= scale
        row_out[:] = np.bincount(cv.seg_doc, weights=integer_part, minlength=n_docs)

    doc_sum(out[0], squares)
    for i, x in enumerate(cv.n1):
        np.subtract(m, x, out=squares)
        squares *= squares
        np.multiply(x, x, out=tmp, dtype=float)
        squares += tmp
        doc_sum(out[1 + i], squares)
    return out


def alpha_section(c: Corpus, mg: Merged, t: Tallies, n_boot, seed, confidence) -> dict:
    """Character-level alpha overall and per label, with document-bootstrap CIs.

    Per document: observed disagreement from the segments; value marginals (integers, so
    exact in any order) from span lengths, or from the segments where some annotator's
    labels overlap.
    """
    k, n_docs = mg.n_labels, len(c.docs)
    cv = cover(mg.s, mg.e, mg.lab, c.offsets, k, mg.ranked)
    m_doc = c.present.sum(0).astype(float)
    pair_doc = m_doc >= 2
    multi = any(t.count[a, :, a, :].any() for a in range(mg.n_ann))
    cols = None
    if multi:
        cols, _ = value_counts(cv, mg.ann, mg.lab, mg.s, mg.e, c.offsets, c.present, True)
    dis = _observed(cv, m_doc, n_docs, cols)
    covered = np.bincount(
        mg.lab.astype(np.int64) * n_docs + mg.doc,
        weights=(mg.e - mg.s).astype(float),
        minlength=k * n_docs,
    ).reshape(k, n_docs)  # characters each label covers, summed over annotators
    annotated = m_doc * c.lengths
    total, cov_p = annotated * pair_doc, covered * pair_doc
    if multi:
        wp = cv.weights * pair_doc[cv.seg_doc]
        marg = _doc_sums([col * wp for col in cols], cv.seg_doc, n_docs).T
    else:
        marg = np.column_stack([total - cov_p.sum(0), cov_p.T])
    stats = [(dis[0], marg)]  # the labels' binary alphas follow the overall one
    stats += [(dis[1 + i], np.stack([total - cov_p[i], cov_p[i]], 1)) for i in range(k)]
    names = ["overall", *c.labels]
    out = {name: {"alpha": _alpha_of(*st)} for name, st in zip(names, stats, strict=True)}
    boot = [(d, marg_, 1.0 - np.eye(marg_.shape[1])) for d, marg_ in stats]
    cis = (
        bootstrap_alphas(boot, n_boot, seed, confidence) if n_boot else [(math.nan,) * 2] * (k + 1)
    )
    for name, ci in zip(names, cis, strict=True):
        out[name]["ci"] = list(ci)
    return {"values": out, "doc_stats": boot[0], "covered": covered, "annotated": annotated}
