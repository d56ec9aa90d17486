"""Articles to the numerator and denominator matrices of every measure (one row per article)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.analysis.articles import Article

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
    spans = np.zeros(n)
    covered = np.zeros(n)
    seen_labels = list(labels)
    label_rows: dict[str, list[int]] = defaultdict(list)
    value_rows: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    wanted_of = {} if attributes is None else attributes
    answers: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row, article in enumerate(articles):
        article_spans = article.spans
        spans[row] = len(article_spans)
        if article_spans:
            if article.raters == 1:
                covered[row] = _union([(s.start, s.end) for s in article_spans])
            else:
                by_rater: dict[str, list[tuple[int, int]]] = defaultdict(list)
                for span in article_spans:
                    by_rater[span.annotator].append((span.start, span.end))
                covered[row] = sum(_union(parts) for parts in by_rater.values())
            for span in article_spans:
                label = span.label
                label_rows[label].append(row)
                if not span.attributes:
                    continue
                wanted = None if attributes is None else wanted_of.get(label, ())
                for name, value in span.attributes.items():
                    if wanted is not None and name not in wanted:
                        continue
                    if value is True or value is False:
                        value = "true" if value else "false"
                    elif not isinstance(value, str):
                        continue
                    value_rows[(label, name, value)].append(row)
        for answer in article.answers:
            answers[answer.question][row].append(answer.value)
    for label in label_rows:
        if label not in seen_labels:
            seen_labels.append(label)
    label_counts = {k: np.bincount(v, minlength=n).astype(float) for k, v in label_rows.items()}
    value_counts = {k: np.bincount(v, minlength=n).astype(float) for k, v in value_rows.items()}
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


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
