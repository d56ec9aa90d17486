"""Learning curves: per annotator, agreement with gold and with peers by the n-th article
they finished. Pure: plain spans in, points out.

For the n-th article an annotator finished: ``gold`` is the partial-credit span F1 of their
spans against the article's gold (``None`` when the article has no gold), ``peers`` the mean
partial F1 against each other annotator who finished it (``None`` without one). Partial F1 is
``agreement.span_prf(..., match="partial")``; against a peer it is not symmetric, so the
peer is the reference. ``smooth`` gives the running mean of the last ``window`` defined values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from annotator.agreement.spans import span_prf


def _f1(reference, candidate) -> float:
    return span_prf(reference, candidate, match="partial").f1


def learning_curves(
    sequences: Mapping[str, Sequence[str]],
    spans: Mapping[tuple[str, str], Sequence[tuple[int, int, str]]],
    gold: Mapping[str, Sequence[tuple[int, int, str]]],
    finishers: Mapping[str, Sequence[str]],
) -> dict[str, list[dict]]:
    """``sequences``: annotator -> articles in the order they finished them; ``spans``:
    (article, annotator) -> ``(start, end, label)``; ``gold``: article -> gold spans, for
    articles that have gold; ``finishers``: article -> who finished it."""
    out: dict[str, list[dict]] = {}
    for who, docs in sequences.items():
        points = []
        for n, doc in enumerate(docs, start=1):
            own = spans.get((doc, who), ())
            with_gold = _f1(gold[doc], own) if doc in gold else None
            peers = [p for p in finishers.get(doc, ()) if p != who]
            with_peers = (
                sum(_f1(spans.get((doc, p), ()), own) for p in peers) / len(peers)
                if peers
                else None
            )
            points.append({"n": n, "document": doc, "gold": with_gold, "peers": with_peers})
        out[who] = points
    return out


def smooth(points: Sequence[dict], key: str, window: int = 5) -> list[tuple[int, float]]:
    """``(n, running mean of the last window defined values)`` where ``key`` is defined."""
    seen: list[float] = []
    out = []
    for p in points:
        if p[key] is None:
            continue
        seen.append(p[key])
        recent = seen[-window:]
        out.append((p["n"], sum(recent) / len(recent)))
    return out
