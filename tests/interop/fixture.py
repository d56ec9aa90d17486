"""The conformance fixture: a small project with every case the consumers trip over.

Emoji, a ZWJ sequence, NFD input (normalised to NFC as the app stores it), CRLF line ends,
Arabic, a span crossing a newline, nested and overlapping spans, choice/boolean/text
attributes, a quote->speaker link, gold (spans with attributes, a link and a note; gold answers),
annotators' answers to a Likert and a choice question, and formula-like text (``=HYPERLINK``,
``+1``, ``@``).
"""

from __future__ import annotations

import unicodedata

from annotator.records import (
    AnswerRecord,
    AttributeDef,
    DocumentRecord,
    LabelRecord,
    QuestionRecord,
    SpanRecord,
)

LABELS = (
    LabelRecord("Claim", attributes=(
        AttributeDef("type", "choice", ("factual", "opinion")),
        AttributeDef("check-worthy", "boolean"),
    )),
    LabelRecord("Quote", attributes=(
        AttributeDef("speaker", "link"),
        AttributeDef("form", "choice", ("direct", "indirect")),
    )),
    LabelRecord("Source", attributes=(AttributeDef("comment", "text"),)),
    LabelRecord("Framing"),
)  # fmt: skip

QUESTIONS = (
    QuestionRecord("one-sided", "likert", ("1", "2", "3", "4", "5"), "How one-sided is it?"),
    QuestionRecord("genre", "choice", ("news", "=opinion"), "What kind of article?"),
)

TEXT_1 = (
    "Leaders 🤝 met in Genève. “A new chapter,” they said.\r\n"
    'The 👩‍👩‍👧 family =HYPERLINK("x") replied\r\nlater, +1 @note said critics.'
)
NFD_INPUT = unicodedata.normalize("NFD", "Le président a dit « q̃uelle idée » à Zürich.")
TEXT_2 = unicodedata.normalize("NFC", NFD_INPUT)  # as the importer stores it
TEXT_3 = "قال الرئيس إن الاتفاق «تاريخي» 🎉 اليوم."


def _span(doc, text, who, label, sub, *, nth=0, **kw) -> SpanRecord:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return SpanRecord(doc, who, label, start, start + len(sub), sub, **kw)


def documents() -> list[DocumentRecord]:
    a, b, c = "geneva-1", "zurich-2", "arabic-3"
    t = TEXT_1
    spans_a = (
        _span(a, t, "alice", "Source", "they", id="T1",
              attributes={"comment": "=cmd|' /C calc'!A0"}),
        _span(a, t, "alice", "Quote", "A new chapter", id="T2", note="ironic?\nmaybe",
              attributes={"speaker": "T1", "form": "direct"}),
        _span(a, t, "alice", "Claim", "met in Genève", id="T3",
              attributes={"type": "factual", "check-worthy": True}),
        _span(a, t, "alice", "Framing", "Genève", id="T4"),  # nested in T3
        _span(a, t, "alice", "Claim", "replied\r\nlater", id="T5",  # crosses a newline
              attributes={"type": "opinion"}),
        _span(a, t, "alice", "Source", "👩‍👩‍👧 family", id="T6"),
        _span(a, t, "bob", "Claim", "Leaders 🤝 met", id="T1", attributes={"type": "opinion"}),
        _span(a, t, "bob", "Claim", "🤝 met in Genève", id="T2"),  # overlaps T1 (bob)
        _span(a, t, "bob", "Source", "+1 @note said critics", id="T3"),
        _span(a, t, "bob", "Quote", "A new chapter", id="T4", attributes={"speaker": "T5"}),
        _span(a, t, "bob", "Source", "Leaders", id="T5"),
    )  # fmt: skip
    gold_a = (
        _span(a, t, "gold", "Source", "they", id="G1"),
        _span(
            a,
            t,
            "gold",
            "Quote",
            "A new chapter",
            id="G2",
            attributes={"speaker": "G1"},
            note="both agree",
        ),
        _span(a, t, "gold", "Claim", "met in Genève", id="G3", attributes={"type": "factual"}),
    )
    answers_a = (
        AnswerRecord(a, "alice", "one-sided", "4"),
        AnswerRecord(a, "alice", "genre", "=opinion"),
        AnswerRecord(a, "bob", "one-sided", "2"),
    )
    gold_answers_a = (
        AnswerRecord(a, "gold", "one-sided", "3"),
        AnswerRecord(a, "gold", "genre", "=opinion"),
    )
    t2 = TEXT_2
    spans_b = (
        _span(b, t2, "alice", "Quote", "« q̃uelle idée »", id="T1", attributes={"form": "direct"}),
        _span(b, t2, "bob", "Framing", "président", id="T1"),
        _span(b, t2, "bob", "Quote", "q̃uelle idée", id="T2"),
    )
    t3 = TEXT_3
    spans_c = (
        _span(c, t3, "alice", "Source", "الرئيس", id="T1"),
        _span(c, t3, "alice", "Quote", "«تاريخي» 🎉", id="T2", attributes={"speaker": "T1"}),
    )
    return [
        DocumentRecord(a, t, title="Summit", outlet="Wire", url="https://example.org/1",
                       meta={"topic": "diplomacy"}, spans=spans_a, gold=gold_a,
                       answers=answers_a, gold_answers=gold_answers_a,
                       annotators=("alice", "bob")),
        DocumentRecord(b, t2, outlet="Le Monde", spans=spans_b, annotators=("alice", "bob"),
                       answers=(AnswerRecord(b, "bob", "genre", "news"),)),
        DocumentRecord(c, t3, spans=spans_c, annotators=("alice",)),
    ]  # fmt: skip


def answers_of(doc: DocumentRecord, who: str) -> dict[str, str]:
    """``who``'s answers (``gold``: the gold answers) as ``{question: value}``."""
    return {a.question: a.value for a in doc.answers + doc.gold_answers if a.annotator == who}


def spans_of(doc: DocumentRecord, who: str) -> list[SpanRecord]:
    return [s for s in (doc.spans + doc.gold) if s.annotator == who]
