"""NFC-normalise an imported document, moving span offsets with the text.

Offsets are code points into NFC text; imported texts (e.g. one PolNeAR article) may not be NFC.
The text is cut into segments that normalise independently (a cut before every character that
does not compose with what precedes it); offsets at a cut map exactly, and a span edge inside a
segment (between a letter and its combining mark) widens the span to the whole segment.
"""

from __future__ import annotations

import bisect
import dataclasses
import unicodedata

from annotator.records import DocumentRecord, SpanRecord


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def offset_map(text: str) -> tuple[str, list[int], list[int]]:
    """``(nfc_text, cuts, new_cuts)``: segment boundaries in the old and the new text."""
    cuts, new_cuts, parts = [0], [0], []
    seg_start = 0
    for i in range(1, len(text) + 1):
        if i < len(text):
            if unicodedata.combining(text[i]):
                continue
            seg = text[seg_start:i]
            if _nfc(seg + text[i]) != _nfc(seg) + _nfc(text[i]):
                continue
        part = _nfc(text[seg_start:i])
        parts.append(part)
        cuts.append(i)
        new_cuts.append(new_cuts[-1] + len(part))
        seg_start = i
    return "".join(parts), cuts, new_cuts


def to_nfc(doc: DocumentRecord) -> DocumentRecord:
    """The document with NFC text and every span's offsets and text moved to match."""
    if unicodedata.is_normalized("NFC", doc.text):
        return doc
    new_text, cuts, new_cuts = offset_map(doc.text)

    def moved(start: int, end: int) -> tuple[int, int]:
        a = new_cuts[bisect.bisect_right(cuts, start) - 1]
        return a, new_cuts[bisect.bisect_left(cuts, end)]

    def move(s: SpanRecord) -> SpanRecord:
        a, b = moved(s.start, s.end)
        frags = tuple(moved(x, y) for x, y in s.fragments)
        return dataclasses.replace(s, start=a, end=b, text=new_text[a:b], fragments=frags)

    return dataclasses.replace(
        doc,
        text=new_text,
        spans=tuple(move(s) for s in doc.spans),
        gold=tuple(move(s) for s in doc.gold),
    )


@dataclasses.dataclass(slots=True)
class Normalised:
    """A document brought to the stored form, and what that changed."""

    document: DocumentRecord
    changed: bool = False  # the text was not NFC with ``\n`` line endings
    snapped: int = 0  # spans whose edge fell inside a CRLF pair or a combining sequence


def normalise_document(doc: DocumentRecord) -> Normalised:
    """``doc`` with NFC text and ``\\n`` line endings, every span (and fragment) moved through
    a code-point map from the original text: an edge at a segment boundary maps exactly, an
    edge inside one (between ``\\r`` and ``\\n``, or a letter and its combining mark) snaps
    outward to the whole segment; such spans are counted in ``snapped``."""
    text = doc.text
    crlf = "\r" in text
    if not crlf and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return Normalised(doc)
    maps = []
    if crlf:
        pairs = [i for i in range(len(text) - 1) if text[i] == "\r" and text[i + 1] == "\n"]
        inside = {i + 1 for i in pairs}
        text = text.replace("\r\n", "\n").replace("\r", "\n")

        def lf(p: int, is_end: bool) -> tuple[int, bool]:
            snap = p in inside
            if snap:
                p = p + 1 if is_end else p - 1
            return p - bisect.bisect_left(pairs, p), snap

        maps.append(lf)
    if not (text.isascii() or unicodedata.is_normalized("NFC", text)):
        text, cuts, new_cuts = offset_map(text)

        def nfc(p: int, is_end: bool) -> tuple[int, bool]:
            if is_end:
                k = bisect.bisect_left(cuts, p)
            else:
                k = bisect.bisect_right(cuts, p) - 1
            return new_cuts[k], cuts[k] != p

        maps.append(nfc)

    def pos(p: int, is_end: bool) -> tuple[int, bool]:
        snapped = False
        for m in maps:
            p, s = m(p, is_end)
            snapped = snapped or s
        return p, snapped

    snapped = 0

    def move(s: SpanRecord) -> SpanRecord:
        nonlocal snapped
        frags = s.fragments or ((s.start, s.end),)
        moved, hit = [], False
        for a, b in frags:
            (na, sa), (nb, sb) = pos(a, False), pos(b, True)
            moved.append((na, nb))
            hit = hit or sa or sb
        snapped += hit
        start, end = moved[0][0], moved[-1][1]
        return dataclasses.replace(
            s,
            start=start,
            end=end,
            text=text[start:end],
            fragments=tuple(moved) if s.fragments else (),
        )

    out = dataclasses.replace(
        doc,
        text=text,
        spans=tuple(move(s) for s in doc.spans),
        gold=tuple(move(s) for s in doc.gold),
    )
    return Normalised(out, True, snapped)
