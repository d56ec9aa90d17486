"""Counted nouns and articles for messages: "1 article", "2 articles", "an annotator"."""

from __future__ import annotations

IRREGULAR = {"was": "were", "has": "have", "is": "are"}


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``plural(1, "article")`` is "1 article"; ``plural(2, "article")`` "2 articles"."""
    if n == 1:
        return f"{n:,} {noun}"
    return f"{n:,} {many or IRREGULAR.get(noun) or noun + 's'}"


def with_article(noun: str) -> str:
    """``with_article("annotator")`` is "an annotator"; ``with_article("lead")`` "a lead"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
