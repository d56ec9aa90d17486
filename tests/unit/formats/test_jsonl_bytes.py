"""The fast JSONL writer (orjson) writes exactly the bytes of ``json.dumps(document_dict(doc))``."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats import export, write_jsonl
from annotator.formats._asciijson import Texts, nested
from annotator.formats.jsonl import document_dict
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord
from tests.unit.formats.cases import documents

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANY_TEXT = st.text(st.characters(), max_size=12)  # surrogates, controls, DEL, emoji
KEYS = st.text(st.characters(), max_size=5)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([1e-07, 1e16, 1e22, -0.0, 0.1, 2.5e-05, 123456789.123])
    | ANY_TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)


def reference(docs, soft=False) -> bytes:
    dumps = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
    return "".join(dumps(document_dict(d, soft=soft)) + "\n" for d in docs).encode("ascii")


@st.composite
def document(draw) -> DocumentRecord:
    text = draw(st.text(st.characters(), min_size=1, max_size=40))
    doc_id = draw(ANY_TEXT)

    def spans(who):
        out = []
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            out.append(
                SpanRecord(
                    doc_id,
                    draw(who),
                    draw(ANY_TEXT),
                    start,
                    end,
                    text[start:end],
                    draw(st.dictionaries(KEYS, JSON, max_size=3)),
                    draw(ANY_TEXT),
                    draw(st.none() | st.integers()),
                    draw(st.none() | ANY_TEXT),
                )
            )
        return tuple(out)

    answers = tuple(
        AnswerRecord(doc_id, draw(ANY_TEXT), draw(ANY_TEXT), draw(ANY_TEXT))
        for _ in range(draw(st.integers(0, 2)))
    )
    return DocumentRecord(
        doc_id,
        text,
        *(draw(ANY_TEXT) for _ in range(5)),
        meta=draw(st.dictionaries(KEYS, JSON, max_size=4)),
        spans=spans(ANY_TEXT | st.sampled_from(["alice", "bob"])),
        answers=answers,
        gold=spans(st.just("gold")),
    )


@SETTINGS
@given(st.lists(document(), max_size=3), st.booleans())
def test_same_bytes_as_the_standard_library(docs, soft):
    assert b"".join(export("jsonl", docs, soft_labels=soft)) == reference(docs, soft)
    assert "".join(write_jsonl(docs, soft_labels=soft)).encode() == reference(docs, soft)


def test_awkward_values():
    doc = DocumentRecord(
        "d\x7f",
        "abc\x7fdéf 🤝",
        title='\x00\x1f"\\',
        meta={"big": 2**70, "f": [1e-07, float("nan"), -float("inf")], "ä": {"\x7f": None}},
        spans=(
            SpanRecord("d", "a", "L", 2, 5, "", {"n": 2**64, "k": True}, "\x7f", 2**65, "T1"),
            SpanRecord("d", "a", "L", 0, 9, "", {"f": 0.5}, "", -(2**63), "T2"),
        ),
    )
    assert b"".join(export("jsonl", [doc])) == reference([doc])
    assert b"".join(export("jsonl", documents(), soft_labels=True)) == reference(
        documents(), soft=True
    )


def test_many_distinct_names_and_flat_objects():
    docs = [
        DocumentRecord(
            f"d{i}",
            "some text here",
            spans=(SpanRecord(f"d{i}", f"user{i}", f"label{i % 7}", 0, 4, id=f"T{i}"),),
        )
        for i in range(5000)  # more names than Texts remembers
    ]
    assert b"".join(export("jsonl", docs)) == reference(docs)
    assert nested({"a": 1, "b": "x"}) == {"a": 1, "b": "x"}
    assert len(Texts()) == 0
