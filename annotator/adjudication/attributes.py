"""Attribute, link and note votes for one gold candidate, by the supporting spans.

* A plain attribute takes the value a strict majority of the supporting spans gave it (a missing
  value counts as a vote for nothing). A split vote leaves it unset and is returned as a
  dispute: each supporting annotator's value (``None`` for none).
* A link attribute (a span id) is re-targeted: each supporter's link votes for the gold span its
  target span went into (a candidate of this run or existing gold with the same label and
  boundaries). A strict majority for one gold target sets the link; anything else with at least
  one link drawn is a dispute, each annotator's target described as ``Label "text" start-end``
  (``(not in gold)`` appended when that span became no gold).
* Notes are kept per annotator, as provenance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from typing import Any

from annotator.records import SpanRecord

Key = tuple[str, int, int]


def merge_attributes(supporters: list[SpanRecord]) -> dict[str, Any]:
    """Each plain attribute's value by strict majority of the supporting spans (else unset)."""
    return vote_attributes(supporters)[0]


def vote_attributes(
    supporters: list[SpanRecord], link_names: Collection[str] = ()
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``(values, disputes)`` of the plain (non-link) attributes of the supporting spans."""
    names = sorted({k for s in supporters for k in (s.attributes or {})} - set(link_names))
    out: dict[str, Any] = {}
    disputes: dict[str, dict[str, Any]] = {}
    for name in names:
        given = {s.annotator: (s.attributes or {}).get(name) for s in supporters}
        votes = Counter(v for v in given.values() if v is not None and _mergeable(v))
        if not votes:
            continue
        value, count = _winner(votes)
        if value is not None and count * 2 > len(supporters):
            out[name] = value
        else:
            disputes[name] = {who: v if _mergeable(v) else None for who, v in given.items()}
    return out, disputes


def vote_links(
    supporters: list[SpanRecord],
    link_names: Collection[str],
    target_of: Callable[[str], Key | None],
    describe: Callable[[str], str],
) -> tuple[dict[str, Key], dict[str, dict[str, Any]]]:
    """``(links, disputes)``: per link attribute the gold key it points at, or each
    annotator's target when the supporters do not agree on one gold target."""
    links: dict[str, Key] = {}
    disputes: dict[str, dict[str, Any]] = {}
    for name in sorted(link_names):
        drawn = {s.annotator: (s.attributes or {}).get(name) for s in supporters}
        drawn = {who: v for who, v in drawn.items() if isinstance(v, str) and v}
        if not drawn:
            continue
        targets = {who: target_of(v) for who, v in drawn.items()}
        votes = Counter(t for t in targets.values() if t is not None)
        value, count = _winner(votes) if votes else (None, 0)
        if value is not None and count * 2 > len(supporters):
            links[name] = value
            continue
        disputes[name] = {
            s.annotator: (
                describe(drawn[s.annotator])
                + ("" if targets[s.annotator] is not None else " (not in gold)")
                if s.annotator in drawn
                else None
            )
            for s in supporters
        }
    return links, disputes


def notes_of(supporters: list[SpanRecord]) -> dict[str, str]:
    return {s.annotator: s.note for s in supporters if s.note}


def _winner(votes: Counter) -> tuple[Any, int]:
    (value, count), *rest = votes.most_common()
    if rest and rest[0][1] == count:
        return None, count
    return value, count


def _mergeable(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, str | float) and value != ""
