"""brat standoff: ``parse_ann``, a writer of ``.txt``/``.ann`` zip entries, a folder/zip reader.

Reading. ``T`` lines (``T1<TAB>Label 201 220<TAB>covered``) become SpanRecords; a discontinuous
span ``s1 e1;s2 e2`` becomes one record whose ``fragments`` are the pieces (in text order,
touching pieces joined) and whose start/end are their hull (its stated text is the fragments
joined by one space). A line that does not start with an id and a tab continues the previous
record's text (covered texts and notes may hold newlines). ``A``/``M``
lines set attributes (``A1<TAB>Name T1 Value``; without a value the attribute is ``True``);
``#`` lines (``#1<TAB>AnnotatorNotes T1<TAB>note``) set notes; ``R`` lines
(``R1<TAB>speaker Arg1:T2 Arg2:T1``) become link attributes of Arg1 (``{"speaker": "T1"}``);
``E`` lines (``E1<TAB>Claim:T3 Agent:T1 Place:T2``, read as brat's parser reads them) give
their trigger span (``T3``) its ``arguments`` (``(("Agent", "T1"), ("Place", "T2"))``); an
event id stands for its trigger span wherever it is an argument or has attributes or notes.
Several relations of one type from one span arrive as a list of targets. ``N`` and ``*``
lines are ignored. Stated texts are checked against the document text,
never shifted. Covered texts with newlines are read exactly (their length is known from the
offsets); a note line that itself looks like an annotation line (``T3<TAB>...``) is ambiguous
in brat and starts a new record.

Writing (``bratwrite``). A folder per annotator (``gold`` for gold) with ``<doc>.txt`` and
``<doc>.ann``, as the brat server opens a collection, and ``annotation.conf`` at the top (entity
types, relations, attributes with their values). Links become ``R`` lines; spans crossing a
line break become fragments (``T1 Claim 541 572;573 578``), read back as one span from a
collection we wrote. brat cannot hold spaces in labels or attribute names, spaces, ``|`` or
``,`` in values (they become ``_``), or line breaks in notes (spaces): each counted.
``False`` and empty attributes are dropped, and the guidelines version is not written.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from annotator.formats._common import (
    GOLD,
    check_stated,
    decode,
    split_gold,
)
from annotator.formats.bratwrite import _BREAKS, ANSWER_COLUMNS, ANSWERS, CONF_MARK
from annotator.formats.bratwrite import line_fragments as line_fragments  # re-exported
from annotator.formats.bratwrite import write_ann as write_ann
from annotator.formats.bratwrite import write_brat as write_brat
from annotator.formats.csvfmt import FORMULA_START
from annotator.formats.errors import FormatError
from annotator.formats.ziputil import ZipMembers
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord

_ID_LINE = re.compile(r"(?:[TEARMN][0-9]+|#[0-9]*|\*)\t")
_N = "[0-9]{1,15}"
_OFFSETS = re.compile(f"{_N} {_N}(?:;{_N} {_N})*")


def _fragments(offsets: str, source: str, line: int) -> list[tuple[int, int]]:
    if not _OFFSETS.fullmatch(offsets):
        raise FormatError(source, line, f"bad brat offsets {offsets!r}")
    frags = []
    for part in offsets.split(";"):
        a, b = part.split(" ")
        start, end = int(a), int(b)
        if start >= end:
            raise FormatError(source, line, f"label offset {start}-{end} is not a valid span")
        frags.append((start, end))
    return frags


def _text_bound(line, lines, i, text, source, lineno):
    """Parse the T-line ``line`` (reading continuation lines from ``lines[i:]``).

    Returns ``(id, fragments, label, covered texts, next i)``.
    """
    rid, _, rest = line.partition("\t")
    head, tab, stated = rest.partition("\t")
    label, _, offsets = head.partition(" ")
    if not tab or not label:
        raise FormatError(source, lineno, f"bad text-bound annotation {line[:60]!r}")
    frags = _fragments(offsets, source, lineno)
    want = sum(e - s for s, e in frags) + len(frags) - 1
    while len(stated) < want and i < len(lines):  # covered text continues on the next line
        stated += "\n" + lines[i]
        i += 1
    if len(stated) == want + 1 and stated.endswith("\r"):  # CRLF line ending
        stated = stated[:-1]
    if text is not None:
        for s, e in frags:
            if e > len(text):
                msg = f"label offset {s}-{e} is out of range (text has {len(text)} chars)"
                raise FormatError(source, lineno, msg)
        actual = [text[s:e] for s, e in frags]
        check_stated(" ".join(actual), frags[0][0], frags[-1][1], stated, source, lineno)
    else:
        if len(stated) != want:
            raise FormatError(source, lineno, f"stated text of {rid} does not fit its offsets")
        actual, pos = [], 0
        for s, e in frags:
            actual.append(stated[pos : pos + e - s])
            pos += e - s + 1
    return rid, frags, label, actual, i


def parse_ann(
    ann_text: str | bytes,
    *,
    document_id: str,
    annotator: str,
    text: str | None = None,
    source: str = "",
    join_line_breaks: bool = False,
) -> list[SpanRecord]:
    """Parse a brat ``.ann`` file into SpanRecords (one per fragment), validated against ``text``.

    Without ``text``, stated texts are only checked to fit their offsets. ``join_line_breaks``
    reads fragments that only a line break separates as one span (``write_ann`` cuts spans at
    line breaks; ``read_brat`` sets it for collections it wrote, see ``CONF_MARK``). Raises
    FormatError on malformed lines, invalid offsets, covered text that differs, or references
    to unknown spans.
    """
    source = source or f"{document_id}_{annotator}.ann"
    lines = decode(ann_text, source).split("\n")
    if lines[-1] == "":  # the newline ending the last line
        lines.pop()
    spans: dict[str, tuple] = {}  # brat id -> (fragments, label, covered texts)
    attrs: list[tuple[int, str, str, Any]] = []  # (line, target, name, value)
    links: list[tuple[int, str, str, str]] = []  # (line, from, name, to): a link attribute
    notes: list[tuple[int, str, list[str]]] = []  # (line, target, text lines)
    events: dict[str, tuple[int, str, list]] = {}  # E id -> (line, trigger, arguments)
    last: list[str] | None = None  # the note that continuation lines extend
    i = 0
    while i < len(lines):
        lineno, line = i + 1, lines[i]
        i += 1
        if not _ID_LINE.match(line):
            if last is not None:
                last.append(line)
            elif line.strip():
                raise FormatError(source, lineno, f"not a brat annotation line: {line[:60]!r}")
            continue
        last = None
        kind = line[0]
        if kind == "T":
            rid, frags, label, covered, i = _text_bound(line, lines, i, text, source, lineno)
            if rid in spans:
                raise FormatError(source, lineno, f"duplicate id {rid}")
            spans[rid] = (frags, label, covered)
        elif kind in "AM":
            parts = line.partition("\t")[2].rstrip("\r").split(" ")
            if len(parts) not in (2, 3) or not parts[0]:
                raise FormatError(source, lineno, f"bad attribute line {line[:60]!r}")
            attrs.append((lineno, parts[1], parts[0], parts[2] if len(parts) == 3 else True))
        elif kind == "R":
            parts = line.partition("\t")[2].rstrip("\r").split(" ")
            args = dict(p.partition(":")[::2] for p in parts[1:])
            if len(parts) != 3 or not parts[0] or set(args) != {"Arg1", "Arg2"}:
                raise FormatError(source, lineno, f"bad relation line {line[:60]!r}")
            links.append((lineno, args["Arg1"], parts[0], args["Arg2"]))
        elif kind == "E":
            eid, _, rest = line.partition("\t")
            if eid in events:
                raise FormatError(source, lineno, f"duplicate id {eid}")
            events[eid] = (
                lineno,
                *_event(rest.partition("\t")[0].rstrip("\r"), line, source, lineno),
            )
        elif kind == "#":
            head, _, note = line.partition("\t")[2].partition("\t")
            last = [note]
            notes.append((lineno, head.partition(" ")[2], last))
    trigger = _triggers(events, spans, source)
    extra: dict[str, dict[str, Any]] = {rid: {} for rid in spans}
    related: dict[str, dict[str, list[str]]] = {rid: {} for rid in spans}
    note_of: dict[str, list[str]] = {}
    for lineno, target, name, value in attrs:
        target = trigger.get(target, target)  # an event's attribute: its trigger's
        if target in spans:
            extra[target][name] = value
        elif target.startswith("T"):
            raise FormatError(source, lineno, f"attribute refers to unknown span {target}")
    for lineno, source_id, name, target in links:
        source_id, target = trigger.get(source_id, source_id), trigger.get(target, target)
        if source_id not in spans or target not in spans:
            missing = target if source_id in spans else source_id
            raise FormatError(source, lineno, f"relation refers to unknown span {missing}")
        related[source_id].setdefault(name, []).append(target)
    arguments: dict[str, list[tuple[str, str]]] = {}
    for eid, (lineno, tid, args) in events.items():
        for role, target in args:
            if trigger.get(target, target) not in spans:
                raise FormatError(
                    source, lineno, f"event {eid} argument {role}:{target} is no span or event"
                )
            arguments.setdefault(tid, []).append((role, trigger.get(target, target)))
    for rid, by_name in related.items():  # several relations of one type: a list of targets
        for name, targets in by_name.items():
            extra[rid][name] = targets[0] if len(targets) == 1 else targets
    for lineno, target, note in notes:
        target = trigger.get(target, target)
        if target in spans:
            note_of.setdefault(target, []).append("\n".join(note))
        elif target.startswith("T"):
            raise FormatError(source, lineno, f"note refers to unknown span {target}")
    out: list[SpanRecord] = []
    for rid, (frags, label, covered) in spans.items():
        note = "\n".join(note_of.get(rid, ()))
        if join_line_breaks and text is not None:  # split only by line breaks: one span
            frags, covered = _rejoin(frags, covered, text)
        if len(frags) > 1:  # brat allows any order; pieces that touch or overlap are one
            frags = _ordered(frags)
        start, end = frags[0][0], frags[-1][1]
        if len(frags) == 1:
            covered_text = text[start:end] if text is not None else "".join(covered)
            parts = ()
        else:  # discontinuous: one span, its hull start..end, with its fragments
            covered_text = text[start:end] if text is not None else " ".join(covered)
            parts = tuple(frags)
        out.append(SpanRecord(document_id, annotator, label, start, end, covered_text,
                              dict(extra[rid]), note, None, rid, parts,
                              tuple(arguments.get(rid, ()))))  # fmt: skip
    return out


def _event(data: str, line: str, source: str, lineno: int) -> tuple[str, list[tuple[str, str]]]:
    """An ``E`` line's ``Type:TRIGGER Role:ID ...`` as brat's own parser reads it: the first
    space-separated item is the type and its trigger, the rest ``role:id`` arguments (none
    is fine); ``(trigger, [(role, id), ...])``."""
    head, _, tail = data.partition(" ")
    kind, sep, trigger = head.partition(":")
    args = [arg.partition(":") for arg in tail.split()]
    if not (sep and kind and trigger) or not all(r and c and t for r, c, t in args):
        raise FormatError(source, lineno, f"bad event line {line[:60]!r}")
    return trigger, [(role, target) for role, _, target in args]


def _triggers(events, spans, source: str) -> dict[str, str]:
    """Event id -> its trigger's T id (an event names its trigger span wherever it is an
    argument, or has attributes or notes)."""
    out = {}
    for eid, (lineno, tid, _) in events.items():
        if tid not in spans:
            raise FormatError(source, lineno, f"event {eid} has no trigger span {tid}")
        out[eid] = tid
    return out


def _ordered(frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(frags):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _rejoin(frags, covered, text):
    out, parts = [frags[0]], [covered[0]]
    for (s, e), part in zip(frags[1:], covered[1:], strict=True):
        gap = text[out[-1][1] : s]
        if gap and _BREAKS.fullmatch(gap):
            out[-1] = (out[-1][0], e)
            parts[-1] = text[out[-1][0] : e]
        else:
            out.append((s, e))
            parts.append(part)
    return out, parts


def _pairs(
    names: list[str], read: Callable[[str], bytes], annotator: str | None, label: str
) -> Iterator[DocumentRecord]:
    """The articles of a collection whose files are ``names`` (read with ``read``), one at a
    time: only the names are indexed up front, each article's ``.txt`` and ``.ann`` files are
    read when it is its turn (memory: one article)."""
    present = set(names)
    conf = read("annotation.conf") if "annotation.conf" in present else b""
    joined = conf.startswith(CONF_MARK.encode())
    texts = [n[:-4] for n in names if n.endswith(".txt")]
    stems = set(texts)
    anns: dict[str, list[tuple[str, str]]] = {}  # doc key -> [(.ann name, annotator)]
    for name in [n for n in names if n.endswith(".ann")]:
        stem = name[:-4]
        if stem in stems:  # FOLDER/article.ann beside FOLDER/article.txt: FOLDER annotated it
            folder = stem.rpartition("/")[0].rpartition("/")[2]
            doc_key, who = stem, annotator or folder or "brat"
        else:  # article_ANNOTATOR.ann: the longest article name with a .txt wins
            cuts = [i for i, c in enumerate(stem) if c == "_" and stem[:i] in stems]
            if not cuts:
                raise FormatError(f"{label}/{name}", None, "no matching .txt file")
            doc_key, who = stem[: cuts[-1]], annotator or stem[cuts[-1] + 1 :]
        anns.setdefault(doc_key, []).append((name, who))
    keys: dict[str, list[str]] = {}  # article id -> its .txt files' keys (one per folder)
    for doc_key in texts:
        keys.setdefault(doc_key.rsplit("/", 1)[-1], []).append(doc_key)
    answers = _answers(read(ANSWERS), label, set(keys)) if ANSWERS in present else {}
    for doc_id, doc_keys in keys.items():
        text = None
        spans: list[SpanRecord] = []
        for doc_key in doc_keys:
            mine = decode(read(f"{doc_key}.txt"), f"{label}/{doc_key}.txt", keep_bom=True)
            if text is None:
                text = mine
            elif mine != text:
                msg = f"{doc_id}.txt differs between annotators' folders"
                raise FormatError(f"{label}/{doc_key}.txt", None, msg)
            for name, who in anns.get(doc_key, ()):
                spans.extend(
                    parse_ann(
                        read(name),
                        document_id=doc_id,
                        annotator=who,
                        text=mine,
                        source=f"{label}/{name}",
                        join_line_breaks=joined,
                    )
                )
        raw, gold = split_gold(spans)
        mine = answers.get(doc_id, [])
        given = tuple(a for a in mine if a.annotator != GOLD)
        gold_answers = tuple(a for a in mine if a.annotator == GOLD)
        yield DocumentRecord(id=doc_id, text=text, spans=raw, gold=gold, answers=given,
                             gold_answers=gold_answers)  # fmt: skip


def _answers(data: bytes, label: str, known: set[str]):
    """``answers.tsv`` (as ``write_brat`` writes it) by article: ``{doc_id: [AnswerRecord]}``."""
    source = f"{label}/{ANSWERS}"
    rows = csv.reader(io.StringIO(decode(data, source), newline=""), delimiter="\t")
    out: dict[str, list[AnswerRecord]] = {}
    for n, row in enumerate(rows, 1):
        if n == 1:
            if tuple(row) != ANSWER_COLUMNS:
                raise FormatError(source, 1, f"header must be {' '.join(ANSWER_COLUMNS)}")
            continue
        if len(row) != len(ANSWER_COLUMNS):
            raise FormatError(source, n, f"expected {len(ANSWER_COLUMNS)} cells, got {len(row)}")
        doc_id, who, question, value = (
            c[1:] if c.startswith("'") and c[1:].startswith(FORMULA_START) else c for c in row
        )
        if doc_id not in known:
            raise FormatError(source, n, f"no article {doc_id!r} (no {doc_id}.txt)")
        if not who or not question:
            raise FormatError(source, n, "an answer needs an annotator and a question")
        out.setdefault(doc_id, []).append(AnswerRecord(doc_id, who, question, value))
    return out


def read_brat(
    source: str | os.PathLike | IO[bytes] | bytes,
    *,
    annotator: str | None = None,
    text_dir: str | os.PathLike | None = None,
) -> list[DocumentRecord]:
    """Read a folder or zip of ``.txt``/``.ann`` pairs into DocumentRecords (``iter_brat``)."""
    return list(iter_brat(source, annotator=annotator, text_dir=text_dir))


def iter_brat(
    source: str | os.PathLike | IO[bytes] | bytes,
    *,
    annotator: str | None = None,
    text_dir: str | os.PathLike | None = None,
) -> Iterator[DocumentRecord]:
    """The articles of a folder or zip of ``.txt``/``.ann`` pairs, one at a time (a zip is
    read member by member, never whole).

    The annotator comes from the file name (``article_ANNOTATOR.ann``) unless ``annotator`` is
    given; ``FOLDER/article.ann`` next to ``FOLDER/article.txt`` (the layout ``write_brat``
    gives, one folder per annotator) uses ``annotator`` or ``FOLDER`` (``"brat"`` at the top).
    ``.ann`` files are searched recursively and texts may live in ``text_dir`` (PolNeAR layout,
    matched by file name).
    Texts are read with ``newline=""`` semantics (bytes, no newline translation).
    """
    if isinstance(source, str | os.PathLike) and Path(source).is_dir():
        root = Path(source)
        if text_dir:
            paths = {p.name: p for p in sorted(Path(text_dir).rglob("*.txt"))}
            paths.update({p.name: p for p in sorted(root.rglob("*.ann"))})
        else:
            paths = {
                p.relative_to(root).as_posix(): p
                for p in sorted(root.rglob("*"))
                if (p.suffix in (".ann", ".txt") or p.name in ("annotation.conf", ANSWERS))
                and p.is_file()
            }
        yield from _pairs(list(paths), lambda name: paths[name].read_bytes(), annotator, str(root))
        return
    with ZipMembers(source) as members:
        yield from _pairs(members.names, members.read, annotator, members.label)
