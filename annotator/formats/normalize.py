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

    def move(s: SpanRecord) -> SpanRecord:
        a = new_cuts[bisect.bisect_right(cuts, s.start) - 1]
        b = new_cuts[bisect.bisect_left(cuts, s.end)]
        return dataclasses.replace(s, start=a, end=b, text=new_text[a:b])

    return dataclasses.replace(
        doc,
        text=new_text,
        spans=tuple(move(s) for s in doc.spans),
        gold=tuple(move(s) for s in doc.gold),
    )
