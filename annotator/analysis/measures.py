"""Articles to the numerator and denominator matrices of every measure (one row per article)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.analysis.articles import Article

_NONE: dict = {}
PER_ARTICLE = "per article"
PER_1K = "per 1,000 characters"
SHARE_CHARS = "share of characters"
MEAN = "mean"
SHARE_ANSWERS = "share of answers"


@dataclass(frozen=True, slots=True)
class Measure:
    kind: str  # spans, covered, label, attribute, question, answer
    unit: str
    label: str = ""
    attribute: str = ""
    value: str = ""
    question: str = ""

    @property
    def key(self) -> str:
        parts = [self.kind, self.label, self.attribute, self.value, self.question, self.unit]
        return "|".join(parts)

    def describe(self) -> str:
        if self.kind in ("spans", "covered"):
            return f"{'spans' if self.kind == 'spans' else 'covered'} {self.unit}"
        if self.kind == "label":
            return f"{self.label} {self.unit}"
        if self.kind == "attribute":
            return f"{self.label} {self.attribute}={self.value} {self.unit}"
        if self.kind == "question":
            return f"{self.question} (mean)"
        return f"{self.question} = {self.value} (share)"

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "name": self.describe(),
            "kind": self.kind,
            "unit": self.unit,
            "label": self.label,
            "attribute": self.attribute,
            "value": self.value,
            "question": self.question,
        }


def build(
    articles: Sequence[Article],
    labels: Sequence[str],
    attributes: Mapping[str, set[str]] | None,
    questions: Mapping[str, tuple[bool, Sequence[str]]],
) -> tuple[list[Measure], np.ndarray, np.ndarray]:
    """The measures and their (articles x measures) numerator and denominator matrices.

    ``labels``: label names in schema order (labels met in the data but not listed are
    added); ``attributes``: per label the attributes whose values are counted (None: every
    string or boolean value); ``questions``: per question (numeric?, allowed values).
    """
    n = len(articles)
    raters = np.array([a.raters for a in articles], dtype=np.float64)
    chars = np.array([a.chars for a in articles], dtype=np.float64)
    # every span of every article, flattened: one Python pass reads the records, numpy counts
    flat = [s for a in articles for s in a.spans]
    rows = np.repeat(np.arange(n), np.array([len(a.spans) for a in articles], dtype=np.intp))
    spans = np.bincount(rows, minlength=n).astype(np.float64)
    covered = _covered(articles, flat, rows, n)
    seen_labels = list(labels)
    codes: dict[str, int] = {}
    label_of = [s.label for s in flat]
    label_codes = np.array([codes.setdefault(lab, len(codes)) for lab in label_of], np.intp)
    by_label = np.bincount(label_codes * n + rows, minlength=len(codes) * n).reshape(len(codes), n)
    label_counts = {lab: by_label[c].astype(float) for lab, c in codes.items()}
    value_counts = _value_counts(flat, label_codes, list(codes), rows, n, attributes)
    answers: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row, article in enumerate(articles):
        for answer in article.answers:
            answers[answer.question][row].append(answer.value)
    for label in codes:  # labels met in the data, in order of first appearance
        if label not in seen_labels:
            seen_labels.append(label)
    measures: list[Measure] = []
    xs: list[np.ndarray] = []
    ds: list[np.ndarray] = []
    ones, thousands = np.ones(n), chars / 1000

    def add(measure: Measure, x: np.ndarray, d: np.ndarray) -> None:
        measures.append(measure)
        xs.append(x)
        ds.append(d)

    add(Measure("spans", PER_ARTICLE), spans / raters, ones)
    add(Measure("spans", PER_1K), spans / raters, thousands)
    add(Measure("covered", SHARE_CHARS), covered / raters, chars)
    for label in seen_labels:
        counts = label_counts.get(label, np.zeros(n)) / raters
        add(Measure("label", PER_ARTICLE, label), counts, ones)
        add(Measure("label", PER_1K, label), counts, thousands)
    for (label, name, value), counts in sorted(value_counts.items()):
        add(Measure("attribute", PER_ARTICLE, label, name, value), counts / raters, ones)
        add(Measure("attribute", PER_1K, label, name, value), counts / raters, thousands)
    for question in sorted(set(questions) | set(answers)):
        numeric, allowed = questions.get(question, (None, ()))
        given = answers.get(question, {})
        met = sorted({v for values in given.values() for v in values})
        if numeric is None:
            numeric = bool(met) and all(_is_number(v) for v in met)
        answered = np.zeros(n)
        for row in given:
            answered[row] = 1
        if numeric:
            mean = np.zeros(n)
            for row, values in given.items():
                numbers = [float(v) for v in values if _is_number(v)]
                if numbers:
                    mean[row] = sum(numbers) / len(numbers)
                else:
                    answered[row] = 0
            add(Measure("question", MEAN, question=question), mean, answered.copy())
        for value in [*allowed, *(v for v in met if v not in allowed)]:
            share = np.zeros(n)
            for row, values in given.items():
                share[row] = values.count(value) / len(values)
            add(Measure("answer", SHARE_ANSWERS, value=value, question=question), share, answered)
    if not measures:
        return [], np.zeros((n, 0)), np.zeros((n, 0))
    return measures, np.column_stack(xs), np.column_stack(ds)


def _union(parts: list[tuple[int, int]]) -> int:
    """Characters covered by the half-open intervals, overlaps counted once."""
    total, reach = 0, -1
    for start, end in sorted(parts):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def _covered(articles: Sequence[Article], flat: list, rows: np.ndarray, n: int) -> np.ndarray:
    """Per article the characters its spans cover, overlaps counted once per annotator (so
    an article with two raters can cover up to twice its length, divided by ``raters`` later).

    Vectorised ``_union``: spans sorted by (article, annotator, start); each adds what
    reaches past the furthest end before it in its group, ``max(0, end - max(start, reach))``
    (the order of equal starts does not change a union).
    """
    if not flat:
        return np.zeros(n)
    starts = np.fromiter((s.start for s in flat), np.int64, len(flat))
    ends = np.fromiter((s.end for s in flat), np.int64, len(flat))
    group = rows.astype(np.int64)
    several = np.array([a.raters != 1 for a in articles], dtype=bool)
    if several.any():  # several raters: one union per (article, annotator)
        who: dict[str, int] = {}
        mine = several[rows]
        annotator = np.zeros(len(flat), dtype=np.int64)
        annotator[mine] = [
            who.setdefault(s.annotator, len(who) + 1)
            for s, m in zip(flat, mine.tolist(), strict=True)
            if m
        ]
        group = group * (len(who) + 1) + annotator
    width = int(max(ends.max(), starts.max())) + 2
    order = np.argsort(group * width + starts, kind="stable")
    group, starts, ends = group[order], starts[order], ends[order]
    # ends lifted by group * width increase across groups: one running maximum serves all
    reach = np.maximum.accumulate(group * width + ends)
    prior = np.full(len(flat), -1, dtype=np.int64)
    same = group[1:] == group[:-1]
    prior[1:][same] = (reach[:-1] - group[1:] * width)[same]
    gained = np.maximum(0, ends - np.maximum(starts, prior))
    return np.bincount(rows[order], weights=gained, minlength=n)


def _value_counts(
    flat: list,
    label_codes: np.ndarray,
    label_names: list[str],
    rows: np.ndarray,
    n: int,
    attributes: Mapping[str, set[str]] | None,
) -> dict[tuple[str, str, str], np.ndarray]:
    """Per (label, attribute, value) the count per article of the spans carrying it: string
    and boolean values ("true"/"false"), only the ``attributes`` wanted per label (None:
    every one). One pass per attribute name over the spans."""
    dicts = [s.attributes or _NONE for s in flat]
    if not any(dicts):
        return {}
    if attributes is None:
        names = sorted({name for values in dicts for name in values})
    else:
        names = sorted({name for wanted in attributes.values() for name in wanted})
    out: dict[tuple[str, str, str], np.ndarray] = {}
    for name in names:
        if attributes is None:
            wants = np.ones(len(label_names), dtype=bool)
        else:
            wants = np.array([name in attributes.get(lab, ()) for lab in label_names], bool)
        if not wants.any():
            continue
        if wants.all():
            picked = np.arange(len(flat))
            values, codes = _factorise([d.get(name) for d in dicts])
        else:
            picked = np.flatnonzero(wants[label_codes])
            values, codes = _factorise([dicts[i].get(name) for i in picked.tolist()])
        keep = codes >= 0
        picked, codes = picked[keep], codes[keep]
        if not len(picked):
            continue
        pairs = label_codes[picked] * len(values) + codes
        present = np.flatnonzero(np.bincount(pairs, minlength=len(label_names) * len(values)))
        slot = np.zeros(len(label_names) * len(values), dtype=np.intp)
        slot[present] = np.arange(len(present))
        counts = np.bincount(slot[pairs] * n + rows[picked], minlength=len(present) * n).reshape(
            len(present), n
        )
        for k, pair in enumerate(present.tolist()):
            label, value = label_names[pair // len(values)], values[pair % len(values)]
            out[(label, name, value)] = counts[k].astype(float)
    return out


def _factorise(raw: list) -> tuple[list[str], np.ndarray]:
    """The distinct counted values (strings; booleans as "true"/"false") and each raw value's
    index among them, -1 for a value that is not counted (absent, a number, a link id...)."""
    try:
        seen: dict = {}
        codes = [seen.setdefault(v, len(seen)) for v in raw]
        plain = all(v is None or type(v) is str for v in seen)
    except TypeError:  # an unhashable value (a list): the careful path below
        plain = False
    if plain:  # only strings and absences: nothing to normalise
        distinct = list(seen)
        valid = [v is not None for v in distinct]
        index = np.cumsum(valid) - 1
        lookup = np.where(valid, index, -1)
        return [v for v in distinct if v is not None], lookup[np.array(codes, dtype=np.intp)]
    named: dict[str, int] = {}
    out = np.full(len(raw), -1, dtype=np.intp)
    for i, value in enumerate(raw):
        if value is True or value is False:
            value = "true" if value else "false"
        elif not isinstance(value, str):
            continue
        out[i] = named.setdefault(value, len(named))
    return list(named), out


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
