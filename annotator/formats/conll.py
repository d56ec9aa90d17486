"""CoNLL / BIO: one token per line, tab-separated tags, a blank line between sentences.

``write_conll`` gives one ``<annotator>.conll`` zip entry per annotator (``gold.conll`` for gold,
``majority.conll`` for a majority vote): a single tag column cannot hold several annotators.
Documents are separated by a ``-DOCSTART-`` line (the CoNLL-2003 convention, which spaCy's
``conll_ner2docs`` and seqeval's readers know) followed by a blank line; ``comments=True``
writes ``# doc_id = <id>`` lines instead (CoNLL-U style, which CoNLL-2003 readers take as a
token). Tokenizer: the regex ``\\w+(?:['’-]\\w+)*|[^\\w\\s]`` (words with inner
apostrophes/hyphens; every other non-space character is its own token). Sentences: a new sentence
starts at every line break and after a token run of ``.``, ``!``, ``?`` or ``…`` (plus closing
quotes/brackets) that is followed by whitespace, unless the period follows a lone capital letter
(initials, "U.S."), and never inside a span of the file (so no sentence starts with ``I-``).

A token belongs to a span when they overlap by at least one character; the span's first such
token is ``B-``, the rest ``I-``. Overlaps: with ``labels=[...]`` there is one tag column per
label (spans of the same label that overlap are merged: counted as ``merged``); without, one
column where the span starting first wins, then the longer one, then the label name in
alphabetical order (a token keeps the first span that claims it; a span that loses tokens to
another is counted as ``nested``). Article answers (annotators' and gold) have no place in a tag
column: counted as ``answers_dropped``, nor do span attributes (links included) and notes:
``attributes_dropped``, ``notes_dropped``; gold spans are ``gold.conll``. Counts go into
``report``. ``offsets=True`` adds start and
end columns.
"""

from __future__ import annotations

import bisect
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from annotator.formats._common import all_answers, all_spans, safe_filename
from annotator.formats._links import count
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


def _tag_column(tokens, spans, single: bool, report: dict | None):
    """One tag column. ``single``: a span whose tokens another span already holds is left out
    whole (a partial chunk would be a span nobody marked) and counted as ``nested``; else
    spans overlapping one already tagged extend it (counted as ``merged``)."""
    tags = ["O"] * len(tokens)
    starts = [t[0] for t in tokens]
    lost = 0
    for s in spans:
        lo = max(bisect.bisect_right(starts, s.start) - 1, 0)
        mine = [i for i in range(lo, bisect.bisect_left(starts, s.end)) if tokens[i][1] > s.start]
        if not mine:
            continue
        free = [i for i in mine if tags[i] == "O"]
        if len(free) < len(mine):
            lost += 1
            if single:
                continue
        for i in free:
            tags[i] = ("I-" if i > mine[0] and tags[i - 1] != "O" else "B-") + s.label
    count(report, "nested" if single else "merged", lost)
    return tags


def _joined(sents: list[list[tuple[int, int]]], spans: Sequence[SpanRecord]):
    """``sents`` with the sentences a span runs across joined into one."""
    if len(sents) < 2 or not spans:
        return sents
    ends = [sent[-1][1] for sent in sents[:-1]]  # boundary k: after sentence k
    starts = [sent[0][0] for sent in sents[1:]]
    join = [False] * len(ends)
    for s in spans:
        lo = bisect.bisect_right(ends, s.start)  # first boundary whose sentence ends after start
        hi = bisect.bisect_left(starts, s.end)  # boundaries whose next sentence starts before end
        for k in range(lo, hi):
            join[k] = True
    out = [list(sents[0])]
    for k, sent in enumerate(sents[1:]):
        if join[k]:
            out[-1].extend(sent)
        else:
            out.append(list(sent))
    return out


def conll_document(
    doc: DocumentRecord,
    spans: Sequence[SpanRecord],
    *,
    labels: Sequence[str] | None = None,
    offsets: bool = False,
    comments: bool = False,
    report: dict | None = None,
) -> str:
    """One document's lines: a ``-DOCSTART-`` (or ``# doc_id``) line and its sentences."""
    order = sorted(spans, key=lambda s: (s.start, -s.end, s.label))
    sents = _joined(sentences(doc.text), order)
    toks = [t for sent in sents for t in sent]
    if labels is None:
        columns = [_tag_column(toks, order, True, report)]
    else:
        columns = [
            _tag_column(toks, [s for s in order if s.label == lab], False, report) for lab in labels
        ]
        count(report, "labels_not_written", sum(1 for s in order if s.label not in labels))
    if comments:
        lines = [f"# doc_id = {doc.id}\n"]
    else:
        lines = ["\t".join(["-DOCSTART-"] + ["-1"] * (2 * offsets) + ["O"] * len(columns)),
                 "\n\n"]  # fmt: skip
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
    return "".join(lines)


def _spool():
    return tempfile.SpooledTemporaryFile(max_size=4 << 20, mode="w+", encoding="utf-8", newline="")


def write_conll(
    documents: Iterable[DocumentRecord],
    *,
    labels: Sequence[str] | None = None,
    offsets: bool = False,
    comments: bool = False,
    report: dict | None = None,
) -> Iterator[tuple[str, Iterator[str]]]:
    """Zip entries ``<annotator>.conll`` in name order, each with every document (documents
    an annotator did not label are all ``O``, so every file has the same tokens)."""
    options = {"labels": labels, "offsets": offsets, "comments": comments}
    files: dict[str, Any] = {}
    blank = _spool()  # every document so far without spans, for annotators who come later
    try:
        for doc in documents:
            count(report, "answers_dropped", len(all_answers(doc)))  # tags hold spans only
            by_who: dict[str, list[SpanRecord]] = {}
            for s in all_spans(doc):
                by_who.setdefault(s.annotator, []).append(s)
                # a tag column holds label and extent only: attributes (links included) and
                # notes are counted, as Prodigy's and doccano's writers count them
                count(report, "attributes_dropped", len(s.attributes))
                count(report, "notes_dropped", 1 if s.note else 0)
            for who in by_who:
                if who not in files:
                    files[who] = _spool()
                    blank.seek(0)
                    shutil.copyfileobj(blank, files[who])
            empty = conll_document(doc, (), **options)
            blank.seek(0, 2)
            blank.write(empty)
            for who, fh in files.items():
                mine = by_who.get(who)
                fh.write(conll_document(doc, mine, report=report, **options) if mine else empty)
        for who in sorted(files):
            fh = files[who]
            fh.seek(0)
            yield f"{safe_filename(who)}.conll", iter(lambda fh=fh: fh.read(1 << 16), "")
    finally:
        blank.close()
        for fh in files.values():
            fh.close()
