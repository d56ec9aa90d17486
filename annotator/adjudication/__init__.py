"""Pure adjudication rules: several annotators' span and answer records in, proposed gold out.

No Flask, models or database: ``services.curation.gold_merge`` feeds it records and stores what it
proposes.
"""

from .attributes import merge_attributes
from .merge import (
    REASONS,
    AnswerCandidate,
    GoldCandidate,
    MergeResult,
    MergeRule,
    Unmerged,
    merge_document,
)

__all__ = [
    "AnswerCandidate",
    "GoldCandidate",
    "MergeResult",
    "MergeRule",
    "REASONS",
    "Unmerged",
    "merge_attributes",
    "merge_document",
]
