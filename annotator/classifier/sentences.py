"""Rule-based sentence splitting that keeps character offsets, and sentence labelling.

Rules of :func:`split_sentences` (offsets are half-open code points into the given text):

- a line break (``\\n``, ``\\r\\n``, ``\\r``, U+2028, U+2029) always ends a sentence:
  news text keeps headlines, paragraphs and list items on their own lines;
- inside a line, ``.``, ``!``, ``?``, ``…`` (optionally followed by closing quotes or brackets)
  end a sentence when whitespace follows and the next character is not lower case;
- a period does not end a sentence after a known abbreviation (``Mr.``, ``Dr.``, ``e.g.``, ``Jan.``,
  ...), a single initial (``J.``) or a dotted acronym (``U.S.``) - so "in the U.S. Then" stays one
  sentence, the price of never splitting "U.S. President";
- sentences are stripped of surrounding whitespace; empty ones are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

ABBREVIATIONS = frozenset(
    """mr mrs ms mx dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev pres supt
    vs etc al approx dept est inc ltd co corp no nos fig figs vol pp ed eds e.g i.e cf viz
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont neb
    nev okla ore pa tenn tex va vt wash wis wyo""".split()
)

_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)")
_ACRONYM = re.compile(r"(?:[^\W\d_]\.)+")


def _is_abbreviation(line: str, dot: int) -> bool:
    """Does the period at ``line[dot]`` close an abbreviation, initial or dotted acronym?"""
    start = dot
    while start > 0 and not line[start - 1].isspace() and line[start - 1] not in "(\"'\u201c\u2018":
        start -= 1
    token = line[start : dot + 1]
    return token[:-1].lower() in ABBREVIATIONS or bool(_ACRONYM.fullmatch(token))


def _split_line(line: str, offset: int) -> list[tuple[int, int]]:
    spans, begin = [], 0
    for match in _END.finditer(line):
        rest = line[match.end() :].lstrip()
        if not rest or rest[0].islower():
            continue
        if match.group().startswith(".") and len(match.group().rstrip("\"'\u201d\u2019)]")) == 1:
            if _is_abbreviation(line, match.start()):
                continue
        spans.append((begin, match.end()))
        begin = match.end()
    spans.append((begin, len(line)))
    out = []
    for start, end in spans:
        piece = line[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            out.append((offset + start + lead, offset + start + lead + len(stripped)))
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` in order (``text[start:end]``)."""
    result: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        result.extend(_split_line(line.group(), line.start()))
    return result


def _triple(span) -> tuple[int, int, str]:
    if isinstance(span, tuple):
        return span[-3], span[-2], span[-1]
    return span.start, span.end, span.label


def sentence_labels(spans: Iterable, sentences: Sequence[tuple[int, int]]) -> list[frozenset[str]]:
    """For each sentence, the labels of the spans that overlap it (multi-label).

    ``spans`` are :class:`~annotator.records.SpanRecord` or ``(start, end, label)`` /
    ``(doc, start, end, label)`` tuples of one document. A span overlaps a sentence when they
    share at least one character.
    """
    triples = [_triple(s) for s in spans]
    return [
        frozenset(label for start, end, label in triples if start < s_end and end > s_start)
        for s_start, s_end in sentences
    ]
