"""Character- and token-level agreement: every position gets a value per annotator.

Conventions
-----------
* An annotator's value at a position is the set of labels of its spans covering it, or
  "none" (an outside position is a real, agreeable value). Overlapping spans of one label
  by one annotator count once. A position covered by two labels of one annotator gets the
  combined value (e.g. ``"A+B"``), a category of its own.
* Token level: tokens are ``\\w+`` runs and single punctuation marks (or ``tokens`` given as
  ``(start, end)``); a token takes the labels of every span overlapping it.
* Annotators absent from a document are missing there (Krippendorff's alpha handles missing
  values); Cohen's kappa is computed per annotator pair and averaged (mean pairwise kappa).
* Corpus level: ``segments.corpus_counts`` (run-length encoded, exact).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from .alpha import krippendorff_alpha
from .coding import cohen_kappa
from .unitizing import unit_tuple

TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def token_agreement(
    spans: Iterable,
    length: int | None = None,
    *,
    text: str | None = None,
    unit: str = "character",
    annotators: Sequence | None = None,
    tokens: Sequence[tuple[int, int]] | None = None,
) -> dict:
    """Character- or token-level kappa and alpha over one document.

    ``spans`` are ``(annotator, start, end, label)`` tuples or records of one document.
    Returns ``{"unit", "positions", "annotators", "alpha", "kappa", "pairwise_kappa"}``.
    """
    rows = [unit_tuple(s) for s in spans]
    names = list(dict.fromkeys(annotators if annotators is not None else [r[0] for r in rows]))
    if unit == "character":
        if length is None:
            if text is None:
                raise ValueError("give length or text")
            length = len(text)
        cuts = []
    elif unit == "token":
        if tokens is None:
            if text is None:
                raise ValueError("token level needs text or tokens")
            tokens = [m.span() for m in TOKEN_RE.finditer(text)]
        cuts = list(tokens)
    else:
        raise ValueError(f"unit must be 'character' or 'token', not {unit!r}")
    labels = list(dict.fromkeys(r[3] for r in rows))
    bit = {lab: 1 << i for i, lab in enumerate(labels)}
    n_pos = length if unit == "character" else len(cuts)
    codes = np.zeros((len(names), n_pos), dtype=np.int64)
    index = {a: i for i, a in enumerate(names)}
    starts = np.array([c[0] for c in cuts], dtype=np.int64)
    ends = np.array([c[1] for c in cuts], dtype=np.int64)
    for ann, s, e, lab in rows:
        if ann not in index or e <= s:
            continue
        row = codes[index[ann]]
        if unit == "character":
            row[max(s, 0) : min(e, n_pos)] |= bit[lab]
        else:
            hit = (starts < e) & (ends > s)
            row[hit] |= bit[lab]
    result = {"unit": unit, "positions": int(n_pos), "annotators": [str(a) for a in names]}
    if len(names) < 2 or n_pos == 0:
        reason = "not enough data: fewer than two annotators or no positions"
        return {
            **result,
            "alpha": math.nan,
            "kappa": math.nan,
            "pairwise_kappa": {},
            "reason": reason,
        }
    pairwise = {
        f"{names[i]}|{names[j]}": cohen_kappa(codes[i].tolist(), codes[j].tolist())
        for i, j in itertools.combinations(range(len(names)), 2)
    }
    kappas = [k for k in pairwise.values() if not math.isnan(k)]
    return {
        **result,
        "alpha": krippendorff_alpha(codes, "nominal"),
        "kappa": float(np.mean(kappas)) if kappas else math.nan,
        "pairwise_kappa": pairwise,
    }
