"""UIMA CAS XMI for INCEpTION / WebAnno, written with dkpro-cassis: ``TypeSystem.xml`` and one
``<annotator>/<doc>.xmi`` per article and annotator (``gold`` for gold).

Layers (INCEpTION custom layers): ``webanno.custom.Span`` (a span layer with features ``label``,
``note`` and one feature per attribute: Boolean for boolean attributes, String otherwise) and
``webanno.custom.SpanLink`` (a relation layer: ``Governor`` the linking span, ``Dependent`` its
target, ``label`` the link attribute's name; begin/end are the dependent's, as INCEpTION writes
relations). Offsets are converted by cassis to the UTF-16 units UIMA counts (an emoji is two).
Needs ``dkpro-cassis`` (``pip install annotator[inception]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from annotator.formats._common import all_answers, all_spans, annotators_of, safe_filename
from annotator.formats._links import Schema, count, plain_attributes, split_links
from annotator.formats.errors import FormatError
from annotator.records import DocumentRecord, LabelRecord

SPAN = "webanno.custom.Span"
LINK = "webanno.custom.SpanLink"
_RESERVED = {"label", "note", "begin", "end", "sofa", "type", "xmiID", "Governor", "Dependent"}


def feature_name(attribute: str) -> str:
    """A UIMA feature name for an attribute (a Java identifier, prefixed ``a_`` if it would
    clash with a built-in feature)."""
    name = re.sub(r"\W", "_", attribute, flags=re.ASCII) or "_"
    if name[0].isdigit() or name in _RESERVED:
        name = "a_" + name
    return name


def _type_system(cassis, features: dict[str, str]):
    ts = cassis.TypeSystem()
    span = ts.create_type(SPAN, supertypeName="uima.tcas.Annotation")
    ts.create_feature(span, "label", "uima.cas.String")
    ts.create_feature(span, "note", "uima.cas.String")
    for name, kind in features.items():
        ts.create_feature(span, name, kind)
    link = ts.create_type(LINK, supertypeName="uima.tcas.Annotation")
    ts.create_feature(link, "Governor", SPAN)
    ts.create_feature(link, "Dependent", SPAN)
    ts.create_feature(link, "label", "uima.cas.String")
    return ts


def write_xmi(
    documents: Iterable[DocumentRecord],
    *,
    labels: Sequence[LabelRecord] | None = None,
    report: dict | None = None,
) -> Iterator[tuple[str, Any]]:
    """Zip entries ``TypeSystem.xml`` and ``<annotator>/<doc>.xmi``. The type system holds a
    feature for every attribute of ``labels``; without them, for those of the first article
    (an attribute first seen later is counted as ``attributes_dropped``)."""
    try:
        import cassis
    except ImportError:  # pragma: no cover - depends on the installation
        raise FormatError("xmi", None, "the xmi format needs dkpro-cassis") from None
    schema = Schema.of(labels)
    docs = iter(documents)
    first = next(docs, None)
    features: dict[str, str] = {}
    source = [(a.name, a.type) for lb in labels or () for a in lb.attributes if a.type != "link"]
    if labels is None and first is not None:
        source = [(k, "boolean" if isinstance(v, bool) else "text")
                  for s in all_spans(first) for k, v in s.attributes.items()]  # fmt: skip
    for name, kind in source:
        features.setdefault(feature_name(name), "uima.cas.Boolean" if kind == "boolean"
                            else "uima.cas.String")  # fmt: skip
    ts = _type_system(cassis, features)
    yield "TypeSystem.xml", ts.to_xml()
    span_type, link_type = ts.get_type(SPAN), ts.get_type(LINK)
    for doc in ([first] if first is not None else []) + list(docs):
        spans = all_spans(doc)
        count(report, "answers_dropped", len(all_answers(doc)))  # no document-level layer
        for who in annotators_of(spans):
            mine = [s for s in spans if s.annotator == who]
            cas = cassis.Cas(typesystem=ts)
            cas.sofa_string = doc.text
            ids = {s.id: s for s in mine if s.id}
            made = {}
            for s in mine:
                values: dict[str, Any] = {}
                for key, value in plain_attributes(s, schema, ids).items():
                    name = feature_name(key)
                    kind = features.get(name)
                    if kind is None or value is None:
                        count(report, "attributes_dropped", 1)
                        continue
                    values[name] = bool(value) if kind == "uima.cas.Boolean" else str(value)
                made[id(s)] = span_type(begin=s.start, end=s.end, label=s.label,
                                        note=s.note or None, **values)  # fmt: skip
                cas.add(made[id(s)])
            links, missing = split_links(mine, schema)
            count(report, "links_dropped", missing)
            for src, name, dst in links:
                cas.add(link_type(begin=dst.start, end=dst.end, Governor=made[id(src)],
                                  Dependent=made[id(dst)], label=name))  # fmt: skip
            yield f"{safe_filename(who)}/{safe_filename(doc.id)}.xmi", cas.to_xmi()
