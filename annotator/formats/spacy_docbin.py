"""spaCy DocBin (``.spacy``): one file per annotator (``gold.spacy`` for gold, ``majority.spacy``
for a majority vote), each holding every article as a ``Doc`` tokenised by ``spacy.blank(lang)``
(``xx``, spaCy's multi-language tokenizer, unless told).

Spans go into ``doc.spans["sc"]`` (the key spaCy's ``spancat`` reads), so nested and overlapping
spans survive. A span whose ends fall inside a token is widened to whole tokens
(``char_span(..., alignment_mode="expand")``) and counted as ``spans_expanded``; a discontinuous
span becomes its hull (``fragments_joined``); one that covers no token at all is left out
(``spans_dropped``). What spaCy's span cannot hold travels in the ``DocBin``'s user data, read
back through one span extension and two doc keys:

* ``span._.annotator`` (register with ``Span.set_extension("annotator", default=None)``):
  ``{"id", "start", "end", "attributes", "note"}`` with the span's local id (link attributes
  hold the target span's id, so links survive), its offsets as annotated (code points; they
  differ from ``span.start_char``/``end_char`` only for an expanded span), attributes and note;
* ``doc.user_data["annotator"]``: ``{"doc_id", "annotator", "title", "outlet", "author", "url",
  "published", "meta", "answers": {question: value}}`` (gold answers in ``gold.spacy``).

Offsets are code points (Python string indices, as spaCy counts them). Needs spaCy
(``pip install annotator[spacy]``); a DocBin is one compressed block, so each annotator's file
is built in memory before it is written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from annotator.formats._common import all_answers, all_spans, safe_filename
from annotator.formats._links import count
from annotator.formats.errors import FormatError
from annotator.records import DocumentRecord, SpanRecord

SPANS_KEY = "sc"
EXTENSION = "annotator"
_META = ("title", "outlet", "author", "url", "published")


def _spacy():
    try:
        import spacy
        from spacy.tokens import DocBin, Span
    except ImportError:  # pragma: no cover - depends on the installation
        raise FormatError(
            "spacy", None, "the spacy format needs spaCy (pip install annotator[spacy])"
        ) from None
    if not Span.has_extension(EXTENSION):
        Span.set_extension(EXTENSION, default=None)
    return spacy, DocBin


def spacy_doc(nlp, doc: DocumentRecord, who: str, spans: Iterable[SpanRecord], answers: dict,
              report: dict | None = None):  # fmt: skip
    """One article as a spaCy ``Doc`` with ``who``'s spans in ``doc.spans["sc"]``."""
    out = nlp.make_doc(doc.text)
    group = []
    for s in spans:
        if s.fragments:
            count(report, "fragments_joined", 1)
        span = out.char_span(s.start, s.end, label=s.label, alignment_mode="strict")
        if span is None:
            span = out.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
            if span is None or not len(span):
                count(report, "spans_dropped", 1)
                continue
            count(report, "spans_expanded", 1)
        span._.set(EXTENSION, {"id": s.id, "start": s.start, "end": s.end,
                               "attributes": s.attributes, "note": s.note})  # fmt: skip
        group.append(span)
    out.spans[SPANS_KEY] = group
    out.user_data[EXTENSION] = {
        "doc_id": doc.id, "annotator": who, **{k: getattr(doc, k) for k in _META},
        "meta": doc.meta, "answers": answers,
    }  # fmt: skip
    return out


def write_spacy(
    documents: Iterable[DocumentRecord], *, lang: str = "xx", report: dict | None = None
) -> Iterator[tuple[str, Any]]:
    """Zip entries ``<annotator>.spacy`` in name order, each with every article (articles an
    annotator did not label have no spans there, so every file holds the same documents)."""
    spacy, DocBin = _spacy()
    nlp = spacy.blank(lang)
    bins: dict[str, Any] = {}
    done: list[DocumentRecord] = []  # articles so far, for annotators who come later

    def blank_bin():
        return DocBin(store_user_data=True)

    for doc in documents:
        by_who: dict[str, list[SpanRecord]] = {}
        for s in all_spans(doc):
            by_who.setdefault(s.annotator, []).append(s)
        answers: dict[str, dict[str, str]] = {}
        for a in all_answers(doc):
            answers.setdefault(a.annotator, {})[a.question] = a.value
        for who in list(by_who) + list(answers) + list(doc.annotators):
            if who not in bins:
                bins[who] = blank_bin()
                for earlier in done:
                    bins[who].add(spacy_doc(nlp, earlier, who, (), {}))
        for who, docbin in bins.items():
            docbin.add(spacy_doc(nlp, doc, who, by_who.get(who, ()), answers.get(who, {}), report))
        done.append(_bare(doc))
    for who in sorted(bins):
        data = bins.pop(who).to_bytes()
        fh = tempfile.SpooledTemporaryFile(max_size=16 << 20)
        fh.write(data)
        del data
        fh.seek(0)
        yield f"{safe_filename(who)}.spacy", _chunks(fh)


def _bare(doc: DocumentRecord) -> DocumentRecord:
    return DocumentRecord(doc.id, doc.text, doc.title, doc.outlet, doc.author, doc.url,
                          doc.published, doc.meta)  # fmt: skip


def _chunks(fh) -> Iterator[bytes]:
    try:
        while block := fh.read(1 << 16):
            yield block
    finally:
        fh.close()
