"""Agreement on the decisions beyond span boundaries: article-level questions, attribute values
of matched spans, and links of matched spans.

Conventions
-----------
* ``answers``: ``AnswerRecord``-like objects (``document_id``, ``annotator``, ``question``,
  ``value``); ``questions`` maps a question name to ``{"kind": "likert" | "choice", "values":
  [...]}`` with the values in the question's own order (1..n of a Likert scale, the options of
  a choice). Gold answers (annotator ``"gold"``) are left out.
* Questions: Krippendorff's alpha over articles (raters x articles, unanswered = missing),
  nominal for single choice and ordinal for Likert items, both over the value's *position* in
  the question's order (so "10" comes after "9", and options keep the order the lead gave).
  For each pair of annotators Cohen's kappa on the articles both answered: unweighted for a
  choice, quadratic-weighted over the positions for a Likert item (sklearn's
  ``cohen_kappa_score(..., weights="quadratic", labels=range(n))``); ``kappa`` is their mean.
* Matched spans: two annotators' spans of one article with the same label and boundaries
  (each annotator's first copy). Every pair of annotators of an article contributes its
  matched spans.
* Attributes (plain: choice, boolean, text): per label and attribute, nominal alpha over the
  matched pairs where at least one of the two set a value; an unset value is the category
  ``"(unset)"`` (not setting a frame is a decision too). Pairs where neither set it are only
  counted (``pairs_both_unset``).
* Links: per label and link attribute, over the matched pairs where at least one drew a link,
  the linked span is compared by label and boundaries (``"(unset)"`` when not linked):
  ``agreement`` is the share pointing at the same span, ``alpha`` nominal alpha.
* Undefined values are ``None`` with a ``reason`` string (as in ``report``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

from .alpha import encode, krippendorff_alpha
from .coding import cohen_kappa

UNSET = "(unset)"
GOLD = "gold"


def alpha_with_reason(data, level: str = "nominal") -> tuple[float | None, str | None]:
    """``(alpha, None)``, or ``(None, reason)`` when alpha is undefined."""
    rows = [list(r) for r in data]
    if not rows or not rows[0]:
        return None, "nothing to compare"
    idx, values = encode(rows)
    pairable = int(((idx >= 0).sum(0) >= 2).sum())
    if pairable == 0:
        return None, "no unit was rated by two annotators"
    used = {int(v) for v in idx[:, (idx >= 0).sum(0) >= 2].ravel() if v >= 0}
    if len(used) < 2:
        only = values[next(iter(used))] if used else ""
        return None, f"every rating is the same ({only}): expected disagreement is zero"
    value = krippendorff_alpha(rows, level)
    if math.isnan(value):
        return None, "undefined"
    return value, None


def question_agreement(answers: Iterable, questions: Mapping[str, Mapping]) -> dict[str, dict]:
    """Per question: alpha over articles and pairwise kappa (see the module docstring)."""
    given: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for a in answers:
        if a.annotator != GOLD and a.question in questions:
            given[a.question][a.annotator][a.document_id] = str(a.value)
    out: dict[str, dict] = {}
    for name, q in questions.items():
        values = [str(v) for v in q.get("values", ())]
        position = {v: i for i, v in enumerate(values)}
        likert = q.get("kind") == "likert"
        level = "ordinal" if likert else "nominal"
        by_person = given.get(name, {})
        people = sorted(by_person)
        docs = sorted({d for answered in by_person.values() for d in answered})
        data = [
            [
                position.get(by_person[p][d], math.nan) if d in by_person[p] else math.nan
                for d in docs
            ]
            for p in people
        ]
        entry: dict[str, Any] = {
            "kind": q.get("kind"),
            "level": level,
            "order": values,
            "annotators": len(people),
            "documents": sum(1 for j in range(len(docs)) if _rated(data, j) >= 2),
        }
        if len(people) < 2:
            entry.update(alpha=None, reason="fewer than two annotators answered it")
        else:
            entry["alpha"], entry["reason"] = alpha_with_reason(data, level)
        pairs = []
        weights = "quadratic" if likert else None
        for a, b in combinations(people, 2):
            both = sorted(set(by_person[a]) & set(by_person[b]))
            ra = [position.get(by_person[a][d]) for d in both]
            rb = [position.get(by_person[b][d]) for d in both]
            kappa = cohen_kappa(ra, rb, weights=weights, labels=list(range(len(values))))
            pair = {"a": a, "b": b, "documents": len(both), "kappa": _num(kappa)}
            if pair["kappa"] is None:
                pair["reason"] = (
                    "no article answered by both"
                    if not both
                    else "both gave one and the same answer throughout"
                )
            pairs.append(pair)
        entry["weights"] = weights or "none"
        entry["pairs"] = pairs
        kappas = [p["kappa"] for p in pairs if p["kappa"] is not None]
        entry["kappa"] = sum(kappas) / len(kappas) if kappas else None
        if entry["kappa"] is None:
            entry["kappa_reason"] = (
                "no pair of annotators answered the same articles"
                if not pairs or all(p["documents"] == 0 for p in pairs)
                else "no pair of annotators has a defined kappa"
            )
        out[name] = entry
    return out


def _rated(data, j: int) -> int:
    return sum(1 for row in data if not math.isnan(row[j]))


def _num(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def matched_pairs(spans: Iterable, doc_annotators: Mapping | None = None):
    """``(document, a, b, span_a, span_b)`` for every matched span of every annotator pair."""
    by_doc: dict[str, dict[str, dict[tuple, Any]]] = defaultdict(lambda: defaultdict(dict))
    for s in spans:
        if s.annotator == GOLD or s.end <= s.start:
            continue
        by_doc[s.document_id][s.annotator].setdefault((s.label, s.start, s.end), s)
    for doc in sorted(by_doc):
        people = by_doc[doc]
        for a, b in combinations(sorted(people), 2):
            for key in sorted(people[a].keys() & people[b].keys()):
                yield doc, a, b, people[a][key], people[b][key]


def span_decision_agreement(spans: Iterable, labels: Iterable) -> dict[str, dict]:
    """``{"attributes": {label: {attribute: ...}}, "links": {label: {attribute: ...}}}``.

    ``labels``: ``LabelRecord``-like objects with ``attributes`` (``name``, ``type``)."""
    spans = list(spans)
    by_id = {(s.document_id, s.annotator, s.id): s for s in spans if s.id}
    kinds = {lab.name: {a.name: a.type for a in lab.attributes} for lab in labels}
    plain: dict[tuple[str, str], list] = defaultdict(list)
    links: dict[tuple[str, str], list] = defaultdict(list)
    for doc, a, b, sa, sb in matched_pairs(spans):
        for name, kind in kinds.get(sa.label, {}).items():
            va, vb = (sa.attributes or {}).get(name), (sb.attributes or {}).get(name)
            if kind == "link":
                ta, tb = _target(by_id, doc, a, va), _target(by_id, doc, b, vb)
                links[(sa.label, name)].append((ta, tb))
            else:
                plain[(sa.label, name)].append((_value(va), _value(vb)))
    out: dict[str, dict[str, dict]] = {"attributes": {}, "links": {}}
    for label, names in sorted(kinds.items()):
        for name, kind in names.items():
            part, units = ("links", links) if kind == "link" else ("attributes", plain)
            out[part].setdefault(label, {})[name] = _summary(units.get((label, name), []), kind)
    return out


def _value(v):
    if v is None or v == "":
        return UNSET
    return str(v).lower() if isinstance(v, bool) else str(v)


def _target(by_id, doc, who, value):
    if value is None or value == "":
        return UNSET
    span = by_id.get((doc, who, value))
    return f"{span.label} {span.start}-{span.end}" if span is not None else UNSET


def _summary(units: list[tuple[str, str]], kind: str) -> dict[str, Any]:
    decided = [(x, y) for x, y in units if not (x == UNSET and y == UNSET)]
    entry: dict[str, Any] = {
        "type": kind,
        "matched_pairs": len(units),
        "pairs": len(decided),
        "pairs_both_unset": len(units) - len(decided),
        "agreement": (sum(x == y for x, y in decided) / len(decided)) if decided else None,
    }
    if not units:
        entry.update(alpha=None, reason="no spans matched between annotators")
    elif not decided:
        entry.update(alpha=None, reason="set on none of the matched spans")
    else:
        data = [[x for x, _ in decided], [y for _, y in decided]]
        entry["alpha"], entry["reason"] = alpha_with_reason(data, "nominal")
    return entry
