"""Label Studio JSON: a streamed array of tasks, one annotation per annotator.

A task is ``{"id": n, "data": {"text", "doc_id", title/outlet/... when set}, "meta": {...},
"annotations": [{"id", "meta": {"annotator": "<name>"}, "result": [...]}]}``: Label Studio's
``completed_by`` must be one of its users' ids (the server rejects a name with HTTP 400), so the
annotator is named in the annotation's ``meta``; gold is the annotation of ``gold`` with
``ground_truth: true``. Each span is a ``labels`` result ``{"id", "from_name": "label",
"to_name": "text", "type": "labels", "value": {"start", "end", "text", "labels": [label]}}`` with
``meta: {"text": [note], "guidelines_version": n}`` when set; each attribute is one more result
with the same region id, ``from_name`` the attribute name: ``choices`` for choice attributes
(``value.choices = [option]``) and booleans (``["true"|"false"]``), ``textarea`` for text
(``value.text = [v]``); each link is a ``relation`` result ``{"from_id", "to_id", "type":
"relation", "direction": "right", "labels": [attribute name]}``. Each article answer is a
task-level ``choices`` result ``{"id": "answer-<n>", "from_name": question, "to_name": "text",
"type": "choices", "value": {"choices": [value]}}`` in its annotator's annotation (gold answers
in the ``ground_truth`` one). ``labeling_config`` gives the labelling config XML for the
project's labels and questions (the bundle ships it as ``label_config.xml``).
The reader also takes ``completed_by`` (a name, e-mail, id or user object); an annotation with
``ground_truth: true`` is read as gold, whoever completed it.

Offsets are code points. Some Label Studio versions count UTF-16 units instead (emoji count
twice; HumanSignal/label-studio#1347): read those with ``utf16=True``. Stated texts are always
checked, so a unit mismatch is reported, never silently shifted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any
from xml.sax.saxutils import quoteattr

from annotator.formats._common import (
    GOLD,
    Source,
    all_answers,
    all_spans,
    annotators_of,
    check_offsets,
    check_stated,
    decode,
    load_bytes,
    split_gold,
    utf16_to_cp,
)
from annotator.formats._links import Schema, count, split_links
from annotator.formats.errors import FormatError
from annotator.formats.jsonarray import iter_json_array
from annotator.records import (
    AnswerRecord,
    DocumentRecord,
    LabelRecord,
    QuestionRecord,
    SpanRecord,
)

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_META = ("title", "outlet", "author", "url", "published")


def _results(
    spans: list[SpanRecord], text: str, schema: Schema, report: dict | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    used = {s.id for s in spans if s.id}
    seen: set[str] = set()
    rid_of: dict[int, str] = {}
    ids = {s.id: s for s in spans if s.id}
    for k, s in enumerate(spans):
        rid = s.id
        if not rid or rid in seen:
            rid = f"r{k}"
            while rid in used or rid in seen:
                rid += "_"
        seen.add(rid)
        rid_of[id(s)] = rid
        pos = {"start": s.start, "end": s.end}
        region: dict[str, Any] = {"id": rid, "from_name": "label", "to_name": "text"}
        region["type"] = "labels"
        region["value"] = {**pos, "text": text[s.start : s.end], "labels": [s.label]}
        meta: dict[str, Any] = {}
        if s.note:
            meta["text"] = [s.note]
        if s.guidelines_version is not None:
            meta["guidelines_version"] = s.guidelines_version
        if meta:
            region["meta"] = meta
        out.append(region)
        for name, value in s.attributes.items():
            if schema.is_link(s.label, name, value, ids) or value is None:
                continue
            attr = {"id": rid, "from_name": name, "to_name": "text"}
            kind = schema.type_of(s.label, name, value)
            if isinstance(value, bool):
                attr["type"] = "choices"
                attr["value"] = {**pos, "choices": ["true" if value else "false"]}
            elif kind == "choice":
                attr["type"] = "choices"
                attr["value"] = {**pos, "choices": [str(value)]}
            else:
                attr["type"] = "textarea"
                attr["value"] = {**pos, "text": [str(value)]}
            out.append(attr)
    links, missing = split_links(spans, schema)
    count(report, "links_dropped", missing)
    for src, name, dst in links:
        out.append({"from_id": rid_of[id(src)], "to_id": rid_of[id(dst)], "type": "relation",
                    "direction": "right", "labels": [name]})  # fmt: skip
    return out


def task_dict(
    doc: DocumentRecord,
    task_id: int,
    schema: Schema | None = None,
    report: dict | None = None,
) -> dict[str, Any]:
    """One Label Studio task for an article. Annotators are named in each annotation's
    ``meta.annotator`` (Label Studio's ``completed_by`` must be one of its own users' ids, so
    it is left out: the importing user becomes the annotator); gold is ``ground_truth``."""
    schema = schema or Schema.of(None)
    data: dict[str, Any] = {"text": doc.text, "doc_id": doc.id}
    for key in _META:
        if getattr(doc, key):
            data[key] = getattr(doc, key)
    spans = all_spans(doc)
    answers = all_answers(doc)
    people = annotators_of(spans)
    people += [w for w in dict.fromkeys(a.annotator for a in answers) if w not in people]
    annotations = []
    for n, who in enumerate(people, 1):
        mine = [s for s in spans if s.annotator == who]
        result = _results(mine, doc.text, schema, report)
        result += [
            {"id": f"answer-{k}", "from_name": a.question, "to_name": "text", "type": "choices",
             "value": {"choices": [a.value]}}
            for k, a in enumerate((a for a in answers if a.annotator == who), 1)
        ]  # fmt: skip
        ann: dict[str, Any] = {"id": n, "result": result, "meta": {"annotator": who}}
        if who == GOLD:
            ann["ground_truth"] = True
        annotations.append(ann)
    return {"id": task_id, "data": data, "meta": doc.meta, "annotations": annotations}


def write_labelstudio(
    documents: Iterable[DocumentRecord],
    *,
    labels: Sequence[LabelRecord] | None = None,
    report: dict | None = None,
) -> Iterator[str]:
    """Yield a JSON array of tasks piece by piece (one task per chunk)."""
    schema = Schema.of(labels)
    yield "["
    sep = "\n"
    for n, doc in enumerate(documents, 1):
        yield sep + _dumps(task_dict(doc, n, schema, report))
        sep = ",\n"
    yield "\n]\n"


def labeling_config(labels: Sequence[LabelRecord], questions: Sequence[QuestionRecord] = ()) -> str:
    """A Label Studio labelling config (XML) for the project's labels, attributes and article
    questions: a ``Labels`` tag ``label`` over the ``Text`` ``text``; per-region ``Choices`` for
    choice and boolean attributes, ``TextArea`` for text ones (shown when a span of that label
    is selected); link attributes as ``Relation`` names; each question a single-choice
    ``Choices`` over the whole text, its values in the question's order (a Likert item's
    ``1``..``n``)."""
    q = partial(quoteattr)
    lines = ["<View>"]
    links = sorted({a.name for lb in labels for a in lb.attributes if a.type == "link"})
    if links:
        lines.append("  <Relations>")
        lines += [f"    <Relation value={q(name)}/>" for name in links]
        lines.append("  </Relations>")
    lines.append('  <Labels name="label" toName="text">')
    lines += [f"    <Label value={q(lb.name)} background={q(lb.color)}/>" for lb in labels]
    lines += ["  </Labels>", '  <Text name="text" value="$text"/>']
    tags: dict[str, tuple[str, dict[str, None], list[str]]] = {}  # name -> (tag, options, labels)
    for lb in labels:
        for a in lb.attributes:
            if a.type == "link":
                continue
            tag = "TextArea" if a.type == "text" else "Choices"
            options = ("true", "false") if a.type == "boolean" else a.options
            _, opts, where = tags.setdefault(a.name, (tag, {}, []))
            opts.update(dict.fromkeys(options))
            where.append(lb.name)
    for name, (tag, opts, where) in tags.items():
        shown = q(",".join(where))
        lines.append(f'  <View visibleWhen="region-selected" whenLabelValue={shown}>')
        lines.append(f"    <Header value={q(name)}/>")
        if tag == "TextArea":
            lines.append(f'    <TextArea name={q(name)} toName="text" perRegion="true"/>')
        else:
            lines.append(f'    <Choices name={q(name)} toName="text" perRegion="true">')
            lines += [f"      <Choice value={q(o)}/>" for o in opts]
            lines.append("    </Choices>")
        lines.append("  </View>")
    for question in questions:
        lines.append(f"  <Header value={q(question.text or question.name)}/>")
        lines.append(f'  <Choices name={q(question.name)} toName="text" choice="single" '
                     'showInline="true">')  # fmt: skip
        lines += [f"    <Choice value={q(v)}/>" for v in question.values]
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def _who(value: Any, source: str) -> str:
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise FormatError(source, None, f"completed_by {str(value)[:40]} names no annotator")
    return str(value)


def _parse_task(task: Any, n: int, source: str, utf16: bool) -> DocumentRecord:
    where = f"{source}[task {n}]"
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise FormatError(where, None, "a task must be an object with a data object")
    data = task["data"]
    text = data.get("text")
    if not isinstance(text, str):
        raise FormatError(where, None, "missing text")
    doc_id = data.get("doc_id", task.get("id", n))
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        raise FormatError(where, None, "task id must be a string or integer")
    doc_id = str(doc_id)
    table = utf16_to_cp(text) if utf16 else None
    annotations = task.get("annotations", [])
    if not isinstance(annotations, list):
        raise FormatError(where, None, "annotations must be a list")
    spans: list[SpanRecord] = []
    answers: list[AnswerRecord] = []
    for ann in annotations:
        if not isinstance(ann, dict) or not isinstance(ann.get("result", []), list):
            raise FormatError(where, None, "an annotation must be an object with a result list")
        if ann.get("was_cancelled"):
            continue
        ann_meta = ann.get("meta") if isinstance(ann.get("meta"), dict) else {}
        named = ann_meta.get("annotator")
        who = named if isinstance(named, str) and named else _who(ann.get("completed_by"), where)
        if ann.get("ground_truth") is True:  # Label Studio's mark for the reference annotation
            who = GOLD
        regions: dict[str, dict[str, Any]] = {}
        extras: list[dict[str, Any]] = []
        relations: list[dict[str, Any]] = []
        for r in ann.get("result", []):
            if isinstance(r, dict) and r.get("type") == "relation":
                relations.append(r)
                continue
            if not isinstance(r, dict) or not isinstance(r.get("value"), dict):
                raise FormatError(where, None, "a result must be an object with a value object")
            if r.get("type") == "labels":
                rid = str(r["id"]) if "id" in r else f"r{len(regions)}"
                regions.setdefault(rid, {"r": [], "attrs": {}})["r"].append(r)
            elif r.get("type") == "choices" and "start" not in r["value"]:  # an article answer
                values = r["value"].get("choices")
                if not isinstance(values, list) or len(values) != 1:
                    raise FormatError(where, None, f"answer {r.get('from_name')} needs one choice")
                question = r.get("from_name")
                if not isinstance(question, str) or not isinstance(values[0], str):
                    raise FormatError(where, None, "an answer needs a question name and a value")
                answers.append(AnswerRecord(doc_id, who, question, values[0]))
            elif r.get("type") in ("textarea", "choices") and "id" in r:
                extras.append(r)
        for r in extras:
            target = regions.get(str(r["id"]))
            if target is None:
                continue  # a task-level answer, not a span attribute
            values = r["value"].get("text" if r["type"] == "textarea" else "choices")
            if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
                raise FormatError(where, None, f"attribute {r.get('from_name')} needs one value")
            value: Any = values[0]
            if r["type"] == "choices" and value in ("true", "false"):
                value = value == "true"
            target["attrs"][str(r.get("from_name", ""))] = value
        related: dict[tuple[str, str], str] = {}
        for r in relations:  # a link: the attribute named by the relation's label
            src, dst, names = str(r.get("from_id")), str(r.get("to_id")), r.get("labels")
            if r.get("direction") == "left":
                src, dst = dst, src
            if src not in regions or dst not in regions:
                raise FormatError(where, None, f"relation {src}->{dst} names an unknown region")
            if names in (None, []):
                names = ["relation"]  # unlabelled (no <Relation> values): mapped by label pair
            if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                raise FormatError(where, None, f"relation {src}->{dst} labels must be strings")
            for name in names:  # several relations of one type: a list of targets
                attrs, key = regions[src]["attrs"], (src, name)
                if key not in related:
                    related[key] = attrs[name] = dst
                else:
                    attrs[name] = [*(attrs[name] if isinstance(attrs[name], list) else
                                     [attrs[name]]), dst]  # fmt: skip
        for rid, reg in regions.items():
            for k, r in enumerate(reg["r"]):
                spans.extend(
                    _region(
                        r,
                        rid if k == 0 else f"{rid}:{k}",
                        reg["attrs"],
                        doc_id,
                        who,
                        text,
                        table,
                        where,
                    )
                )
    raw, gold = split_gold(spans)
    fields = {k: data[k] for k in _META if isinstance(data.get(k), str)}
    meta = task.get("meta", {})
    if not isinstance(meta, dict):
        raise FormatError(where, None, "meta must be an object")
    given = tuple(a for a in answers if a.annotator != GOLD)
    gold_answers = tuple(a for a in answers if a.annotator == GOLD)
    return DocumentRecord(doc_id, text, meta=meta, spans=raw, gold=gold, answers=given,
                          gold_answers=gold_answers, **fields)  # fmt: skip


def _region(r, rid, attrs, doc_id, who, text, table, where) -> list[SpanRecord]:
    v = r["value"]
    start, end = v.get("start"), v.get("end")
    if table is not None and isinstance(start, int) and isinstance(end, int):
        if 0 <= start < len(table) and 0 <= end < len(table):
            start, end = table[start], table[end]
    check_offsets(text, start, end, where, None)
    if "text" in v:
        if not isinstance(v["text"], str):
            raise FormatError(where, None, "region text must be a string")
        check_stated(text[start:end], start, end, v["text"], where, None, None if table else text)
    labels = v.get("labels")
    if not isinstance(labels, list) or not labels:
        raise FormatError(where, None, f"region {rid} has no labels")
    meta = r.get("meta", {})
    meta = meta if isinstance(meta, dict) else {}
    note = meta.get("text", [""])
    note = "\n".join(map(str, note)) if isinstance(note, list) else str(note)
    version = meta.get("guidelines_version")
    version = version if isinstance(version, int) and not isinstance(version, bool) else None
    out = []
    for k, label in enumerate(labels):
        if not isinstance(label, str) or not label:
            raise FormatError(where, None, f"region {rid} has a label that is not a string")
        sid = rid if k == 0 else f"{rid}:{label}"
        out.append(
            SpanRecord(
                doc_id, who, label, start, end, text[start:end], dict(attrs), note, version, sid
            )
        )
    return out


def parse_labelstudio(
    data: str | bytes, *, source: str = "tasks.json", utf16: bool = False
) -> list[DocumentRecord]:
    """Parse a Label Studio JSON export (an array of tasks, or one task object)."""
    try:
        tasks = json.loads(decode(data, source))
    except json.JSONDecodeError as exc:
        raise FormatError(source, exc.lineno, f"invalid JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:  # e.g. integers beyond the digit limit
        raise FormatError(source, None, f"invalid JSON ({str(exc)[:80]})") from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise FormatError(source, None, "expected a JSON array of tasks")
    return [_task(t, n, source, utf16) for n, t in enumerate(tasks, 1)]


def _task(t: Any, n: int, source: str, utf16: bool) -> DocumentRecord:
    if isinstance(t, dict) and "data" not in t and "annotations" not in t and "text" in t:
        return _parse_min_task(t, n, source, utf16)  # a JSON_MIN export
    return _parse_task(t, n, source, utf16)


def iter_labelstudio(path: str, *, utf16: bool = False) -> Iterator[DocumentRecord]:
    """A Label Studio JSON export file as a stream of records: the top-level array is read
    a task at a time (``jsonarray``), so memory holds one task, not the file."""
    with open(path, "rb") as fh:
        for n, t in enumerate(iter_json_array(fh, path, expected="a JSON array of tasks"), 1):
            yield _task(t, n, path, utf16)


_MIN_KEYS = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}


def _parse_min_task(task: dict, n: int, source: str, utf16: bool) -> DocumentRecord:
    """A JSON_MIN record: the task's data fields at the top level, each control's results under
    its ``from_name`` (a ``Labels`` control: ``[{"start", "end", "text", "labels"}, ...]``;
    per-region ``Choices``/``TextArea`` results matched to their region by offsets), and
    ``annotator`` (the user's e-mail or id). JSON_MIN carries no relations."""
    where = f"{source}[task {n}]"
    text = task["text"]
    if not isinstance(text, str):
        raise FormatError(where, None, "text must be a string")
    doc_id = task.get("doc_id", task.get("id", n))
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        raise FormatError(where, None, "task id must be a string or integer")
    doc_id = str(doc_id)
    who = _who(task.get("annotator"), where) if "annotator" in task else "labelstudio"
    table = utf16_to_cp(text) if utf16 else None
    regions: list[dict] = []
    per_region: list[tuple[str, dict]] = []
    fields = {}
    meta = {}
    for key, value in task.items():
        if key in _MIN_KEYS or key in ("text", "doc_id"):
            continue
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else None
        if items and all(isinstance(v, dict) and "start" in v and "end" in v for v in items):
            for v in items:
                if "labels" in v:
                    regions.append(v)
                else:
                    per_region.append((key, v))
        elif key in _META and isinstance(value, str):
            fields[key] = value
        else:
            meta[key] = value
    attrs_at: dict[tuple, dict[str, Any]] = {}
    for name, v in per_region:
        values = v.get("choices", v.get("text"))
        values = values if isinstance(values, list) else [values]
        if len(values) != 1 or not isinstance(values[0], str):
            raise FormatError(where, None, f"attribute {name} needs one value")
        value: Any = values[0]
        if "choices" in v and value in ("true", "false"):
            value = value == "true"
        attrs_at.setdefault((v["start"], v["end"]), {})[name] = value
    spans: list[SpanRecord] = []
    for k, v in enumerate(regions):
        r = {"value": v}
        attrs = attrs_at.get((v.get("start"), v.get("end")), {})
        spans.extend(_region(r, f"r{k}", attrs, doc_id, who, text, table, where))
    raw, gold = split_gold(spans)
    return DocumentRecord(doc_id, text, meta=meta, spans=raw, gold=gold, **fields)


def read_labelstudio(source: Source, *, utf16: bool = False) -> list[DocumentRecord]:
    """Read a Label Studio JSON export (path, bytes or binary file)."""
    data, name = load_bytes(source, "tasks.json")
    return parse_labelstudio(data, source=name, utf16=utf16)
