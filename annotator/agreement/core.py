"""Overall and per-label figures of a ``Corpus``: character alpha, unitizing alpha, span F1.

Conventions (the report's; see ``report``)
------------------------------------------
* Spans are sorted and merged once (``merged.Merged``) and their overlapping pairs walked
  once (``overlaps.tally``); span F1, unitizing D_o, kappa and the label confusion read
  those tallies, character alpha the segments (``character``).
* Unitizing alpha lays the documents annotated by every annotator end to end (DKPro's model
  has no missing raters); D_e comes from gap histograms (``unitizing``).
"""

from __future__ import annotations

import math

import numpy as np

from .character import alpha_section
from .corpus import Corpus
from .merged import Merged
from .overlaps import Tallies, tally
from .pairs import pair_f1
from .unitizing import expected_disagreement, result_from


def unitizing_section(c: Corpus, mg: Merged, t: Tallies) -> dict:
    """Unitizing alpha over the documents every annotator annotated."""
    complete = c.present.all(0)
    if c.present.shape[0] < 2 or not complete.any():
        reason = "not enough data: no document was annotated by every annotator"
        return {"overall": None, "per_label": {}, "documents_used": 0, "reason": reason}
    n_ann, k = len(c.annotators), mg.n_labels
    length = int(c.lengths[complete].sum())
    lone = (mg.e - mg.s).astype(float)
    lone *= lone
    lone *= t.lonely  # a unit's length^2 per other annotator it does not overlap
    g = mg.by_group  # units by (annotator, label), then start
    if complete.all():
        s, e = mg.s[g], mg.e[g]
    else:  # keep the complete documents and close the gaps the others leave
        include = complete[mg.doc]
        lone *= include
        g = g[include[g]]
        kept = np.concatenate([[0], np.cumsum(np.where(complete, c.lengths, 0))])[:-1]
        shift = (c.offsets[:-1] - kept)[mg.doc[g]]
        s, e = mg.s[g] - shift, mg.e[g] - shift
    d_o = t.sq + np.bincount(mg.lab, weights=lone, minlength=k)
    d_o *= 2.0 / (n_ann * (n_ann - 1) * float(length) ** 2)
    d_e = expected_disagreement(mg.lab[g], mg.ann[g], s, e, n_ann, k, 0, length, grouped=True)
    res = result_from(d_o, d_e, c.labels)
    return {
        "overall": res.overall,
        "per_label": res.per_label,
        "documents_used": int(complete.sum()),
    }


def _mean_offdiag(mat: np.ndarray) -> float:
    vals = mat[~np.eye(mat.shape[0], dtype=bool)]
    vals = vals[~np.isnan(vals)]
    return float(vals.mean()) if vals.size else math.nan


def _undefined(value) -> bool:
    if value is None:
        return True
    if isinstance(value, list | tuple):
        return not value or any(_undefined(v) for v in value)
    return isinstance(value, float) and math.isnan(value)


def _explain(entry: dict, c: Corpus, unit: dict, n_boot: int, what: str) -> None:
    """``entry["reasons"]``: why each figure of ``entry`` that is undefined is undefined."""
    shared = bool((c.present.sum(0) >= 2).any())
    why = {
        "unitizing_alpha": unit.get("reason")
        or f"expected disagreement is zero: {what} covers nothing (or everything)",
        "character_alpha": (
            f"only one category in use ({what} never, or always): expected disagreement is zero"
            if shared
            else "no article was annotated by two annotators"
        ),
        "character_alpha_ci": (
            "not computed (no bootstrap draws asked for)"
            if not n_boot
            else "every bootstrap draw was undefined (too few articles or categories)"
        ),
        "span_f1_exact": f"no pair of annotators marked {what} on articles they share",
        "span_f1_partial": f"no pair of annotators marked {what} on articles they share",
    }
    reasons = {k: r for k, r in why.items() if k in entry and _undefined(entry[k])}
    if reasons:
        entry["reasons"] = reasons


def core(c: Corpus, n_boot: int, seed: int, confidence: float) -> dict:
    """Overall and per-label figures plus the pieces other sections reuse."""
    mg = Merged(c)
    complete = c.present.all(0)
    t = tally(mg, complete)
    alpha = alpha_section(c, mg, t, n_boot, seed, confidence)
    unit = unitizing_section(c, mg, t)
    (ex, ex_l), (pa, pa_l) = pair_f1(c, mg, t)
    overall = {
        "unitizing_alpha": unit["overall"],
        "character_alpha": alpha["values"]["overall"]["alpha"],
        "character_alpha_ci": alpha["values"]["overall"]["ci"],
        "span_f1_exact": _mean_offdiag(ex),
        "span_f1_partial": _mean_offdiag(pa),
        "unitizing_documents": unit["documents_used"],
    }
    per_label = {
        str(lab): {
            "unitizing_alpha": unit["per_label"].get(str(lab)),
            "character_alpha": alpha["values"][lab]["alpha"],
            "character_alpha_ci": alpha["values"][lab]["ci"],
            "span_f1_exact": _mean_offdiag(ex_l[:, :, i]),
            "span_f1_partial": _mean_offdiag(pa_l[:, :, i]),
        }
        for i, lab in enumerate(c.labels)
    }
    _explain(overall, c, unit, n_boot, "any label")
    for lab, entry in per_label.items():
        _explain(entry, c, unit, n_boot, f"label {lab}")
    return {
        "overall": overall,
        "per_label": per_label,
        "alpha": alpha,
        "f1": (ex, pa),
        "merged": mg,
        "tallies": t,
    }
