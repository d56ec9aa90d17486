"""Inter-annotator agreement for span annotation: pure Python + NumPy (no Flask, no database).

Public API
----------
``cohen_kappa``, ``fleiss_kappa``, ``ratings_to_table`` (``coding``); ``krippendorff_alpha``,
``bootstrap_ci`` (``alpha``); ``span_prf`` (``spans``); ``unitizing_alpha`` (``unitizing``);
``token_agreement`` (``positions``); ``project_report`` (``report``). Run
``python -m annotator.agreement FILE.jsonl`` for a report on JSONL spans.

Shared conventions (details in each module's docstring)
-------------------------------------------------------
* Offsets are half-open code-point offsets (``text[start:end]``); empty spans are ignored.
* Missing ratings are ``None`` or NaN.
* Statistics that are undefined (no pairable data, a single category in use, expected
  disagreement zero) are ``float("nan")``, never an exception; reports turn NaN into
  ``None`` and carry a ``reason`` string.
* Spans in different documents never match or overlap.
"""

from .alpha import bootstrap_ci, krippendorff_alpha
from .coding import cohen_kappa, fleiss_kappa, ratings_to_table
from .positions import token_agreement
from .report import project_report
from .spans import PRF, SpanScores, span_prf
from .unitizing import UnitizingResult, unitizing_alpha

__all__ = [
    "PRF",
    "SpanScores",
    "UnitizingResult",
    "bootstrap_ci",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "project_report",
    "ratings_to_table",
    "span_prf",
    "token_agreement",
    "unitizing_alpha",
]
