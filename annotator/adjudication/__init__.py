"""Pure adjudication rules: several annotators' span and answer records in, proposed gold out.

No Flask, models or database: ``services.curation.gold_merge`` feeds it records and stores what it
proposes.
"""

from .merge import (
    AnswerCandidate,
    GoldCandidate,
    MergeResult,
    MergeRule,
    merge_attributes,
    merge_document,
)

__all__ = [
    "AnswerCandidate",
    "GoldCandidate",
    "MergeResult",
    "MergeRule",
    "merge_attributes",
    "merge_document",
]
