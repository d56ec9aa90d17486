"""Hand-built documents with the awkward cases every format must survive."""

from __future__ import annotations

import unicodedata

from annotator.records import AnswerRecord, DocumentRecord, SpanRecord

EMOJI = "Leaders 🤝 met in “Genève” — n̈o deal.\nCritics said ‘unrealistic’ 👍🏽 plans."
ACCENTS = unicodedata.normalize("NFC", "Le président a dit: « q̃uelle idée »")


def span(doc_id, text, who, label, sub, *, nth=0, **kw):
    """A span over the ``nth`` occurrence of ``sub`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return SpanRecord(doc_id, who, label, start, start + len(sub), sub, **kw)


def documents() -> list[DocumentRecord]:
    """Two articles, three annotators, overlaps, attributes, notes, gold and answers."""
    a, b = "art-1", "art-2"
    spans_a = (
        span(a, EMOJI, "alice", "Claim", "Leaders 🤝 met", attributes={"Intensity": "high"},
             note="emoji inside", guidelines_version=2, id="T1"),
        span(a, EMOJI, "alice", "Quote", "“Genève”", attributes={"Direct": True}, id="T2"),
        span(a, EMOJI, "bob", "Claim", "Leaders 🤝 met", guidelines_version=2, id="T1"),
        span(a, EMOJI, "bob", "Claim", "🤝 met in “Genève”", id="T2"),
        span(a, EMOJI, "carol", "Loaded_language", "n̈o deal.\nCritics", id="T1"),
        span(a, EMOJI, "carol", "Claim", "Leaders 🤝 met", id="T2"),
    )  # fmt: skip
    gold_a = (span(a, EMOJI, "gold", "Claim", "Leaders 🤝 met", id="T1"),)
    spans_b = (
        span(b, ACCENTS, "alice", "Quote", "« q̃uelle idée »", note="two\nlines"),
        span(b, ACCENTS, "bob", "Framing", "président"),
        span(b, ACCENTS, "bob", "Quote", "q̃uelle"),
    )
    return [
        DocumentRecord(
            a, EMOJI, title="Summit", outlet="Example Times", author="A. Writer",
            url="https://example.org/1", published="2024-05-01", meta={"topic": "diplomacy"},
            spans=spans_a, answers=(AnswerRecord(a, "alice", "Overall bias", "left"),),
            gold=gold_a,
        ),
        DocumentRecord(b, ACCENTS, outlet="Le Monde", spans=spans_b),
    ]  # fmt: skip
