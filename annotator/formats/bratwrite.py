"""brat standoff writing: ``write_ann`` (one annotator's ``.ann``) and ``write_brat`` (a
collection as the brat server lays it out, with ``annotation.conf``). See ``brat`` for the
format; reading lives there."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from annotator.formats._common import all_answers, all_spans, annotators_of, safe_filename
from annotator.formats._links import Schema, count, split_links
from annotator.formats.csvfmt import neutralise
from annotator.records import DocumentRecord, LabelRecord, SpanRecord

_WS = re.compile(r"\s+")


def _token(value: Any) -> str:
    return _WS.sub("_", str(value).strip())


_VALUE_BAD = re.compile(r"[\s|,]+")


def _value(value: Any) -> str:
    """An attribute value as brat can hold it (no spaces; no ``|`` or ``,``, which separate
    values in ``annotation.conf``)."""
    return _VALUE_BAD.sub("_", str(value).strip())


_BREAKS = re.compile(r"[\r\n]+")


def line_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``start..end`` cut at line breaks (``\n``, ``\r``): a brat line cannot hold them, so a
    span crossing one is written as fragments, as brat itself does (``541 572;573 578``)."""
    out, pos = [], start
    for m in _BREAKS.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def write_ann(
    spans: Iterable[SpanRecord],
    text: str,
    *,
    labels: Sequence[LabelRecord] | None = None,
    report: dict | None = None,
    conf: BratConf | None = None,
) -> str:
    """One annotator's spans as ``.ann`` text: ids renumbered ``T1..``; fragments (the record's
    ``fragments``, or records ``X``, ``X#2``) joined into one discontinuous T-line; spans cut
    at line breaks; links as ``R`` lines (``R1<TAB>speaker Arg1:T2 Arg2:T1``); other attributes
    as ``A`` lines; notes as ``AnnotatorNotes`` (line breaks become spaces). What brat cannot
    hold is counted into ``report``; what the file uses is recorded into ``conf``."""
    schema = Schema.of(labels)
    groups: dict[Any, list[SpanRecord]] = {}
    for k, s in enumerate(spans):
        key = s.id.split("#", 1)[0] if s.id else ("#anon", k)
        groups.setdefault(key, []).append(s)
    ids = {key: group[0] for key, group in groups.items() if isinstance(key, str)}
    out: list[str] = []
    number: dict[str, int] = {}  # local id -> T number
    rows: list[tuple[SpanRecord, list[tuple[int, int]]]] = []
    for key, frags in groups.items():
        pieces = [(f.start, f.end) for f in frags]
        if len(frags) == 1 and frags[0].fragments:
            pieces = list(frags[0].fragments)
        cut = [p for a, b in pieces for p in line_fragments(text, a, b)]
        if not cut:
            count(report, "spans_dropped", 1)  # only line breaks: nothing brat can show
            continue
        if cut[0][0] != pieces[0][0] or cut[-1][1] != pieces[-1][1]:
            count(report, "spans_trimmed", 1)  # began or ended with a line break
        rows.append((frags[0], cut))
        number[key if isinstance(key, str) else id(frags[0])] = len(rows)
    a = note_n = 0
    for t, (first, cut) in enumerate(rows, 1):
        offs = ";".join(f"{x} {y}" for x, y in cut)
        covered = " ".join(text[x:y] for x, y in cut)
        label = _token(first.label)
        out.append(f"T{t}\t{label} {offs}\t{covered}\n")
        if conf is not None:
            conf.entities.setdefault(label, None)
        for name, value in first.attributes.items():
            if schema.is_link(first.label, name, value, ids):
                continue
            if value is False or value is None or value == "":
                continue
            a += 1
            tail = "" if value is True else f" {_value(value)}"
            if value is not True and _value(value) != str(value):
                count(report, "attribute_values_changed", 1)  # spaces became _
            out.append(f"A{a}\t{_token(name)} T{t}{tail}\n")
            if conf is not None:
                conf.attribute(_token(name), label, None if value is True else _value(value))
        if first.note:
            note_n += 1
            note = _BREAKS.sub(" ", first.note)
            if note != first.note:
                count(report, "notes_flattened", 1)
            out.append(f"#{note_n}\tAnnotatorNotes T{t}\t{note}\n")
    links, missing = split_links([first for first, _ in rows], schema)
    count(report, "links_dropped", missing)
    for r, (src, name, dst) in enumerate(links, 1):
        kind = _token(name)
        out.append(f"R{r}\t{kind} Arg1:T{number[src.id]} Arg2:T{number[dst.id]}\n")
        if conf is not None:
            conf.relation(kind, _token(src.label), _token(dst.label))
    return "".join(out)


CONF_MARK = "# annotator export: spans are cut at line breaks into fragments"


class BratConf:
    """What the written files use, for ``annotation.conf``: entity types, relations (name ->
    argument types), attributes (name -> labels and values; ``None`` marks a flag)."""

    def __init__(self, labels: Sequence[LabelRecord] | None = None):
        self.entities: dict[str, None] = {}
        self.relations: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
        self.attributes: dict[str, tuple[dict[str, None], dict[str | None, None]]] = {}
        for lab in labels or ():
            self.entities.setdefault(_token(lab.name), None)
            for attr in lab.attributes:
                name = _token(attr.name)
                if attr.type == "choice":
                    for option in attr.options:
                        self.attribute(name, _token(lab.name), _value(option))
                elif attr.type == "boolean":
                    self.attribute(name, _token(lab.name), None)

    def attribute(self, name: str, label: str, value: str | None) -> None:
        args, values = self.attributes.setdefault(name, ({}, {}))
        args.setdefault(label, None)
        values.setdefault(value, None)

    def relation(self, name: str, arg1: str, arg2: str) -> None:
        one, two = self.relations.setdefault(name, ({}, {}))
        one.setdefault(arg1, None)
        two.setdefault(arg2, None)

    def text(self) -> str:
        out = [CONF_MARK,
               "[entities]", *self.entities, "", "[relations]",
               "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"]  # fmt: skip
        for name, (one, two) in self.relations.items():
            out.append(f"{name}\tArg1:{'|'.join(one)}, Arg2:{'|'.join(two)}")
        out += ["", "[events]", "", "[attributes]"]
        for name, (args, values) in self.attributes.items():
            line = f"{name}\tArg:{'|'.join(args)}"
            named = [v for v in values if v is not None]
            if named:  # a multi-valued attribute (a flag when it has no values)
                line += f", Value:{'|'.join(named)}"
            out.append(line)
        return "\n".join(out) + "\n"


def write_brat(
    documents: Iterable[DocumentRecord],
    *,
    labels: Sequence[LabelRecord] | None = None,
    report: dict | None = None,
) -> Iterator[tuple[str, str]]:
    """Yield ``(path, content)`` zip entries as the brat server lays out a collection: one
    folder per annotator (``gold`` for gold) holding ``<doc>.txt`` and ``<doc>.ann``, and an
    ``annotation.conf`` at the top for every folder. Article answers (brat has no
    document-level annotation: an A-line must name a T, R or E id) go into ``answers.tsv`` at
    the top (``answers_file``), which the brat server ignores."""
    conf = BratConf(labels)
    answers: list[tuple[str, str, str, str]] = []
    for doc in documents:
        name = safe_filename(doc.id)
        spans = all_spans(doc)
        answers += [(name, a.annotator, a.question, a.value) for a in all_answers(doc)]
        people = annotators_of(spans) + [a for a in doc.annotators if a not in annotators_of(spans)]
        if not people:  # nobody annotated it: the text (and an empty .ann) at the top
            yield f"{name}.txt", doc.text
            yield f"{name}.ann", ""
        for who in people:
            mine = [s for s in spans if s.annotator == who]
            folder = safe_filename(who)
            yield f"{folder}/{name}.txt", doc.text
            yield (
                f"{folder}/{name}.ann",
                write_ann(mine, doc.text, labels=labels, report=report, conf=conf),
            )
    yield "annotation.conf", conf.text()
    if answers:
        yield ANSWERS, answers_file(answers, report)


ANSWERS = "answers.tsv"
ANSWER_COLUMNS = ("document", "annotator", "question", "value")


def answers_file(rows: Iterable[tuple[str, str, str, str]], report: dict | None = None) -> str:
    """``answers.tsv``: a header and one row per answer (``document`` is the article's file
    name without ``.txt``; annotator ``gold`` for gold answers). Cells a spreadsheet would run
    as formulas get a leading ``'`` (counted as ``neutralised``; the reader strips it)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(ANSWER_COLUMNS)
    changed = 0
    for row in rows:
        safe = [neutralise(c) for c in row]
        changed += sum(a is not b for a, b in zip(safe, row, strict=True))
        writer.writerow(safe)
    count(report, "neutralised", changed)
    return buf.getvalue()
