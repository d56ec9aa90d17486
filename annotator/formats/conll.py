"""CoNLL / BIO: one token per line, tab-separated tags, a blank line between sentences.

Each document starts with ``# doc_id = <id>``. Tokenizer: the regex ``\\w+(?:['’-]\\w+)*|[^\\w\\s]``
(words with inner apostrophes/hyphens; every other non-space character is its own token).
Sentences: a new sentence starts at every line break and after a token run of ``.``, ``!``, ``?``
or ``…`` (plus closing quotes/brackets) that is followed by whitespace, unless the period follows
a lone capital letter (initials, "U.S.").

A token belongs to a span when they overlap by at least one character; the span's first such
token is ``B-``, the rest ``I-``. Overlaps: with ``labels=[...]`` there is one tag column per
label (spans of the same label, e.g. from several annotators, are merged where they overlap);
without, one column where the span starting first wins, then the longer one, then the label
name in alphabetical order (a token keeps the first span that claims it). Apply a selection
helper (gold / majority / one annotator) first. ``offsets=True`` adds start and end columns.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence

from annotator.formats._common import all_spans
from annotator.records import DocumentRecord, SpanRecord

TOKEN = re.compile(r"\w+(?:['’-]\w+)*|[^\w\s]")
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*")


def _is_end(chunk: str, a: int, b: int) -> bool:
    if b < len(chunk) and not chunk[b].isspace():
        return False
    # "U.S." and initials ("J. Smith"): a single capital letter before the period
    return not (a >= 1 and chunk[a - 1].isupper() and (a < 2 or not chunk[a - 2].isalnum()))


def sentences(text: str) -> list[list[tuple[int, int]]]:
    """Token offsets ``(start, end)`` grouped into sentences."""
    out: list[list[tuple[int, int]]] = []
    for line in re.finditer(r"[^\n]+", text):
        base, chunk = line.start(), line.group()
        cur: list[tuple[int, int]] = []
        cuts = {m.end() for m in _END.finditer(chunk) if _is_end(chunk, m.start(), m.end())}
        for m in TOKEN.finditer(chunk):
            cur.append((base + m.start(), base + m.end()))
            if m.end() in cuts:
                out.append(cur)
                cur = []
        if cur:
            out.append(cur)
    return out


def _tag_column(tokens: list[tuple[int, int]], spans: Iterable[SpanRecord], single: bool):
    tags = ["O"] * len(tokens)
    owner: list[int | None] = [None] * len(tokens)
    starts = [t[0] for t in tokens]
    for k, s in enumerate(spans):
        i = max(bisect.bisect_right(starts, s.start) - 1, 0)
        first = True
        while i < len(tokens) and tokens[i][0] < s.end:
            if tokens[i][1] > s.start:
                if tags[i] == "O":
                    tags[i] = ("B-" if first else "I-") + s.label
                    owner[i] = k
                elif single and owner[i] != k:
                    first = True
                    i += 1
                    continue
                first = False
            i += 1
    return tags


def write_conll(
    documents: Iterable[DocumentRecord],
    *,
    labels: Sequence[str] | None = None,
    offsets: bool = False,
) -> Iterator[str]:
    """Yield one chunk per document: a ``# doc_id`` line and its sentences."""
    for doc in documents:
        order = sorted(all_spans(doc), key=lambda s: (s.start, -s.end, s.label))
        sents = sentences(doc.text)
        toks = [t for sent in sents for t in sent]
        if labels is None:
            columns = [_tag_column(toks, order, True)]
        else:
            columns = [
                _tag_column(toks, [s for s in order if s.label == lab], False) for lab in labels
            ]
        lines = [f"# doc_id = {doc.id}\n"]
        i = 0
        for sent in sents:
            for a, b in sent:
                cols = [doc.text[a:b]]
                if offsets:
                    cols += [str(a), str(b)]
                cols += [c[i] for c in columns]
                lines.append("\t".join(cols) + "\n")
                i += 1
            lines.append("\n")
        yield "".join(lines)
