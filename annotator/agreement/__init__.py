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

from importlib import import_module

# The public names, by the module that defines them. Imported on first use (PEP 562), so
# that importing one pure submodule (e.g. ``agreement.feedback``, which the annotate page's
# Done uses) does not import NumPy into every web worker (about 15 MB each).
_WHERE = {
    "bootstrap_ci": "alpha",
    "krippendorff_alpha": "alpha",
    "cohen_kappa": "coding",
    "fleiss_kappa": "coding",
    "ratings_to_table": "coding",
    "token_agreement": "positions",
    "project_report": "report",
    "PRF": "spans",
    "SpanScores": "spans",
    "span_prf": "spans",
    "UnitizingResult": "unitizing",
    "unitizing_alpha": "unitizing",
}


def __getattr__(name: str):
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{where}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


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
