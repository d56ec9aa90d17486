"""Document records to ``Article`` values: what each article contributes to the analysis."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotator.formats.selection import majority_vote
from annotator.records import AnswerRecord, DocumentRecord, LabelRecord, SpanRecord, annotators_of

GOLD = "gold"


@dataclass(slots=True)
class Article:
    """One article's share of the analysis.

    ``spans`` and ``answers`` are its annotations (gold, majority or every annotator's);
    ``raters`` is how many annotators they come from (1 for gold and majority), and every
    count is divided by it, so with three annotators an article weighs as one.
    """

    id: str
    chars: int
    outlet: str = ""
    leaning: str = ""
    story: str = ""
    raters: int = 1
    spans: tuple[SpanRecord, ...] = ()
    answers: tuple[AnswerRecord, ...] = ()
    text: str = field(default="", repr=False)


def articles_from(
    docs: Iterable[DocumentRecord],
    content: str,
    *,
    outlets: Mapping[str, tuple[str, str]] | None = None,
    stories: Mapping[str, str] | None = None,
    gold_answers: Mapping[str, list[AnswerRecord]] | None = None,
    curated: set[str] | None = None,
    keep_text: bool = False,
) -> tuple[list[Article], dict[str, int]]:
    """Articles and the count of documents left out, by reason.

    ``outlets`` maps a document id to its (outlet display name, leaning); ``stories`` to its
    story key. With ``content="gold"`` an article counts when it is curated or has gold;
    otherwise when someone annotated it (raw: its annotators; majority: its majority spans).
    """
    outlets, stories = outlets or {}, stories or {}
    gold_answers, curated = gold_answers or {}, curated or set()
    kept: list[Article] = []
    left_out: dict[str, int] = defaultdict(int)
    for doc in docs:
        if content == GOLD:
            spans, answers = doc.gold, tuple(gold_answers.get(doc.id, ()))
            raters = 1 if (spans or answers or doc.id in curated) else 0
        elif content == "majority":
            spans, answers = next(majority_vote([doc])).spans, _majority_answers(doc)
            raters = 1 if annotators_of(doc) else 0
        else:
            spans, answers, raters = doc.spans, doc.answers, len(annotators_of(doc))
        if not raters:
            left_out["not annotated" if content != GOLD else "no gold"] += 1
            continue
        outlet, leaning = outlets.get(doc.id, (doc.outlet, ""))
        kept.append(
            Article(
                doc.id,
                len(doc.text),
                outlet,
                leaning,
                stories.get(doc.id, ""),
                raters,
                spans,
                answers,
                doc.text if keep_text else "",
            )
        )
    return kept, dict(left_out)


def _majority_answers(doc: DocumentRecord) -> tuple[AnswerRecord, ...]:
    """Per question, the value more than half of the article's annotators gave (if any)."""
    raters = len(set(doc.annotators) | {a.annotator for a in doc.answers})
    by_question: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for answer in doc.answers:
        by_question[answer.question][answer.value] += 1
    out = []
    for question, values in sorted(by_question.items()):
        value, votes = max(values.items(), key=lambda kv: (kv[1], kv[0]))
        if votes * 2 > raters:
            out.append(AnswerRecord(doc.id, "majority", question, value))
    return tuple(out)


def counted_attributes(labels: Iterable[LabelRecord]) -> dict[str, set[str]]:
    """Per label, the attributes whose values are counted: choice and boolean ones."""
    return {
        label.name: {a.name for a in label.attributes if a.type in ("choice", "boolean")}
        for label in labels
    }
