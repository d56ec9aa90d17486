"""Property tests: valid data round-trips; arbitrary input raises nothing but FormatError."""

import io
import json
import warnings
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats import (
    FormatError,
    export,
    parse_ann,
    parse_doccano,
    parse_jsonl,
    parse_labelstudio,
    read_brat,
    read_doccano,
)
from annotator.formats.brat import line_fragments
from annotator.records import DocumentRecord, SpanRecord

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHARS = st.characters(blacklist_categories=("Cs",))
TOKEN = st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=6)
NOTE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=8)


@st.composite
def document(draw, doc_id: str) -> DocumentRecord:
    text = draw(st.text(CHARS, min_size=1, max_size=30))
    spans, gold = [], []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        who = draw(st.sampled_from(["alice", "bob_2", "gold"]))
        attrs = draw(st.dictionaries(st.sampled_from(["Intensity", "Kind"]), TOKEN | st.just(True)))
        span = SpanRecord(
            doc_id, who, draw(st.sampled_from(["Claim", "Quote", "Loaded_language"])), start, end,
            text[start:end], attrs, draw(NOTE), draw(st.none() | st.integers(1, 9)),
        )  # fmt: skip
        (gold if who == "gold" else spans).append(span)
    return DocumentRecord(doc_id, text, outlet=draw(NOTE), spans=tuple(spans), gold=tuple(gold))


DOCS = st.integers(1, 3).flatmap(lambda n: st.tuples(*(document(f"d_{i}") for i in range(n))))


@SETTINGS
@given(DOCS)
def test_jsonl_round_trip(docs):
    out = b"".join(export("jsonl", docs, soft_labels=True))
    back = parse_jsonl(out)
    assert back == list(docs)
    assert b"".join(export("jsonl", back, soft_labels=True)) == out


@SETTINGS
@given(DOCS)
def test_labelstudio_round_trip(docs):
    out = b"".join(export("labelstudio", docs))
    back = parse_labelstudio(out)

    def key(d):
        return sorted(
            repr((s.annotator, s.start, s.end, s.label, s.attributes, s.note)) for s in d.spans
        )

    assert [key(d) for d in back] == [key(d) for d in docs]
    assert b"".join(export("labelstudio", back)) == out


@SETTINGS
@given(DOCS)
def test_brat_round_trip(docs):
    out = b"".join(export("brat", docs))
    back = read_brat(out)
    assert [d.text for d in back] == [d.text for d in docs]

    def in_brat(d, s):  # a brat line holds no line break: spans lose breaks at their ends
        cut = line_fragments(d.text, s.start, s.end)
        return [(cut[0][0], cut[-1][1], s.label)] if cut else []

    assert sorted((s.start, s.end, s.label) for d in back for s in d.spans + d.gold) == sorted(
        t for d in docs for s in d.spans + d.gold for t in in_brat(d, s)
    )
    again = b"".join(export("brat", back))
    dropped = any(not in_brat(d, s) for d in docs for s in d.spans + d.gold)
    assert again == out or dropped  # a span of line breaks only has nothing to show in brat
    assert b"".join(export("brat", read_brat(again))) == again


@SETTINGS
@given(DOCS)
def test_doccano_round_trip(docs):
    out = b"".join(export("doccano", docs))
    back = read_doccano(out)
    assert b"".join(export("doccano", back)) == out
    merged = b"".join(export("doccano-merged", docs))
    assert b"".join(export("doccano-merged", parse_doccano(merged))) == merged


def _only_format_errors(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except FormatError:
        pass


FUZZ = settings(max_examples=80, deadline=None)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(["id", "text", "label", "labels", "entities", "spans", "gold", "answers",
                        "start", "end", "annotator", "data", "annotations", "result", "value",
                        "type", "completed_by", "meta", "start_offset", "end_offset"])  # fmt: skip
SHAPED = st.recursive(
    st.integers(-2, 12) | st.text("ab", max_size=3) | st.just("labels") | st.none(),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(KEYS, kids, max_size=6),
    max_leaves=20,
)


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_raise_only_format_error(data):
    _only_format_errors(parse_jsonl, data)
    _only_format_errors(parse_doccano, data)
    _only_format_errors(parse_labelstudio, data)
    _only_format_errors(parse_ann, data, document_id="d", annotator="a")
    _only_format_errors(parse_ann, data, document_id="d", annotator="a", text="some text here")
    _only_format_errors(read_brat, data)
    _only_format_errors(read_doccano, data)


@FUZZ
@given(st.one_of(JSON, SHAPED))
def test_arbitrary_json_raises_only_format_error(value):
    line = json.dumps(value)
    _only_format_errors(parse_jsonl, line)
    _only_format_errors(parse_doccano, line)
    _only_format_errors(parse_labelstudio, line)
    _only_format_errors(parse_labelstudio, json.dumps([{"data": {"text": "ab ab"}, **value}])
                        if isinstance(value, dict) else line)  # fmt: skip


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["a.txt", "a_x.ann", "b.ann", "../c.ann"]),
                          st.text(max_size=40)), max_size=4))  # fmt: skip
def test_arbitrary_brat_zips_raise_only_format_error(entries):
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as zf:
        warnings.simplefilter("ignore")  # duplicate names are part of the test
        for name, content in entries:
            zf.writestr(name, content)
    _only_format_errors(read_brat, buf.getvalue())
    _only_format_errors(read_doccano, buf.getvalue())


@FUZZ
@given(st.lists(st.sampled_from(["T1\t", "T2\t", "A1\t", "#1\t", "E1\t", "L ", "0 ", "3",
                                 ";1 2", "\t", "\n", "ab", "Kind T1 x", "AnnotatorNotes T1\t",
                                 "\r\n", " "]), max_size=25).map("".join))  # fmt: skip
def test_brat_like_text_raises_only_format_error(ann):
    _only_format_errors(parse_ann, ann, document_id="d", annotator="a", text="abcdefgh")
    _only_format_errors(parse_ann, ann, document_id="d", annotator="a")


def test_doccano_round_trip_when_annotators_first_appear_in_another_order():
    """Found by the property above: zip entries follow annotator names, not the article in
    which each annotator first appears (reading back cannot recover that order)."""

    def claim(doc_id, who):
        return SpanRecord(doc_id, who, "Claim", 0, 1, "0")

    docs = (
        DocumentRecord("d_0", "0", spans=(claim("d_0", "bob_2"),)),
        DocumentRecord("d_1", "0", spans=(claim("d_1", "alice"),)),
        DocumentRecord("d_2", "0", spans=(claim("d_2", "bob_2"),), gold=(claim("d_2", "gold"),)),
    )
    out = b"".join(export("doccano", docs))
    assert b"".join(export("doccano", read_doccano(out))) == out
