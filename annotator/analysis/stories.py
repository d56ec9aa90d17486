"""Stories: the outlets that covered one event, side by side, and how much they differ."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from annotator.analysis.articles import Article


def _profile(articles: Sequence[Article]) -> dict:
    chars = sum(a.chars for a in articles)
    per_label: dict[str, float] = defaultdict(float)
    spans = 0.0
    for a in articles:
        spans += len(a.spans) / a.raters
        for s in a.spans:
            per_label[s.label] += 1 / a.raters
    return {
        "articles": len(articles),
        "characters": chars,
        "spans": spans,
        "spans_per_1k": 1000 * spans / chars if chars else None,
        "labels_per_1k": {k: 1000 * v / chars for k, v in sorted(per_label.items())}
        if chars
        else {},
    }


def stories(articles: Sequence[Article]) -> list[dict]:
    """Per story key: per outlet its articles' span rates; ``spread`` is the largest minus
    the smallest outlet rate of spans per 1,000 characters, ``label_distance`` the largest
    L1 distance between two outlets' label-rate profiles. Sorted by spread, largest first."""
    by_story: dict[str, dict[str, list[Article]]] = defaultdict(lambda: defaultdict(list))
    for a in articles:
        if a.story:
            by_story[a.story][a.outlet or "(no outlet)"].append(a)
    out = []
    for story, outlets in by_story.items():
        profiles = {name: _profile(items) for name, items in sorted(outlets.items())}
        rates = [p["spans_per_1k"] for p in profiles.values() if p["spans_per_1k"] is not None]
        distance = 0.0
        names = list(profiles)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                la, lb = profiles[a]["labels_per_1k"], profiles[b]["labels_per_1k"]
                keys = set(la) | set(lb)
                distance = max(distance, sum(abs(la.get(k, 0) - lb.get(k, 0)) for k in keys))
        out.append(
            {
                "story": story,
                "outlets": profiles,
                "articles": sum(p["articles"] for p in profiles.values()),
                "spread": max(rates) - min(rates) if len(rates) >= 2 else 0.0,
                "label_distance": distance,
            }
        )
    out.sort(key=lambda s: (-s["spread"], s["story"]))
    return out
