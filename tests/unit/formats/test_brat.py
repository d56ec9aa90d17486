import io
import zipfile

import pytest

from annotator.formats import FormatError, export, parse_ann, read_brat, write_ann
from tests.unit.formats.cases import EMOJI, documents

TEXT = "Leaders 🤝 met “here”\nand there"


def test_parse_ann_all_line_kinds():
    ann = (
        "T1\tClaim 0 7\tLeaders\n"
        "T2\tQuote 8 9;14 16\t🤝 “h\n"
        "E1\tAttribution:T1 Content:T2\n"
        "R1\tLink Arg1:T1 Arg2:T2\n"
        "A1\tStrong T1\nA2\tKind T2 direct\nA3\tNegated E1\n"
        "#1\tAnnotatorNotes T1\tfirst line\nsecond line\n"
        "T3\tX 17 23\tre”\nan\n"
    )
    spans = parse_ann(ann, document_id="d", annotator="ann1", text=TEXT)
    assert [(s.id, s.label, s.start, s.end, s.text) for s in spans] == [
        ("T1", "Claim", 0, 7, "Leaders"),
        ("T2", "Quote", 8, 16, "🤝 met “h"),  # discontinuous: one span, its hull
        ("T3", "X", 17, 23, "re”\nan"),
    ]
    assert spans[1].fragments == ((8, 9), (14, 16)) and spans[0].fragments == ()
    # R1: a link from T1 to T2; A3 on the event E1 is its trigger's (T1) attribute
    assert spans[0].attributes == {"Strong": True, "Negated": True, "Link": "T2"}
    assert spans[0].arguments == (("Content", "T2"),) and spans[1].arguments == ()
    assert spans[0].note == "first line\nsecond line"
    assert spans[1].attributes == {"Kind": "direct"}
    assert {s.annotator for s in spans} == {"ann1"} and {s.document_id for s in spans} == {"d"}


def test_parse_ann_without_text_uses_stated_text():
    spans = parse_ann("T1\tQ 8 9;14 16\t🤝 “h\n", document_id="d", annotator="a")
    assert [(s.text, s.fragments) for s in spans] == [("🤝 “h", ((8, 9), (14, 16)))]


def test_parse_ann_orders_fragments():
    spans = parse_ann("T1\tQ 14 16;8 9\t“h 🤝\nT2\tQ 0 4;4 7\tLead ers\n", document_id="d",
                      annotator="a", text=TEXT)  # fmt: skip
    assert spans[0].fragments == ((8, 9), (14, 16)) and (spans[0].start, spans[0].end) == (8, 16)
    assert spans[1].fragments == () and spans[1].text == "Leaders"  # touching pieces: one


def test_parse_ann_tolerates_crlf():
    spans = parse_ann("T1\tClaim 0 7\tLeaders\r\nA1\tStrong T1\r\n", document_id="d",
                      annotator="a", text=TEXT)  # fmt: skip
    assert spans[0].text == "Leaders" and spans[0].attributes == {"Strong": True}


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ("T1\tClaim 0 6\tLeaders\n", "states text 'Leaders'"),
        ("T1\tClaim 7 3\tx\n", "label offset 7-3 is not a valid span"),
        ("T1\tClaim 0 99\tx\n", "out of range"),
        ("T1\tClaim zero 7\tLeaders\n", "bad brat offsets"),
        ("A1\tStrong T9\n", "unknown span T9"),
        ("garbage\n", "not a brat annotation line"),
        ("T1\tClaim 0 7\tLeaders\nT1\tClaim 0 7\tLeaders\n", "duplicate id T1"),
    ],
)
def test_parse_ann_errors(ann, message):
    with pytest.raises(FormatError, match=message) as info:
        parse_ann(ann, document_id="d", annotator="a", text=TEXT, source="d_a.ann")
    assert str(info.value).startswith("d_a.ann:")


def test_error_names_file_and_line():
    with pytest.raises(FormatError) as info:
        parse_ann("T1\tClaim 0 7\tLeaders\nT2\tClaim 10 5\tx\n", document_id="d",
                  annotator="a", text=TEXT, source="data.ann")  # fmt: skip
    assert str(info.value) == "data.ann:2: label offset 10-5 is not a valid span"
    assert (info.value.file, info.value.line) == ("data.ann", 2)


def test_write_ann_rejoins_fragments_and_renumbers():
    ann = "T5\tQuote 8 9;14 16\t🤝 “h\nA1\tKind T5 direct\n#1\tAnnotatorNotes T5\tnote\n"
    spans = parse_ann(ann, document_id="d", annotator="a", text=TEXT)
    assert write_ann(spans, TEXT) == ann.replace("T5", "T1")


def test_write_ann_sanitizes_tokens_and_drops_false():
    from annotator.records import SpanRecord

    s = SpanRecord("d", "a", "Loaded language", 0, 7, attributes={"x y": "a b", "no": False})
    assert write_ann([s], TEXT) == "T1\tLoaded_language 0 7\tLeaders\nA1\tx_y T1 a_b\n"


def _entries(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n).decode() for n in zf.namelist()}


def test_brat_zip_layout_and_round_trip():
    data = b"".join(export("brat", documents()))
    entries = _entries(data)
    assert sorted(entries) == [
        "alice/art-1.ann", "alice/art-1.txt", "alice/art-2.ann", "alice/art-2.txt",
        "annotation.conf", "answers.tsv",
        "bob/art-1.ann", "bob/art-1.txt", "bob/art-2.ann", "bob/art-2.txt",
        "carol/art-1.ann", "carol/art-1.txt", "gold/art-1.ann", "gold/art-1.txt",
    ]  # fmt: skip
    assert entries["alice/art-1.txt"] == EMOJI
    docs = read_brat(data)
    assert [d.id for d in docs] == ["art-1", "art-2"]
    assert len(docs[0].gold) == 1 and len(docs[0].spans) == 6
    assert b"".join(export("brat", docs)) == data


def test_read_brat_folder_with_fixed_annotator(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8", newline="")
    (tmp_path / "a.ann").write_text("T1\tClaim 0 7\tLeaders\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("no spans", encoding="utf-8")
    docs = read_brat(tmp_path, annotator="expert")
    assert [(d.id, len(d.spans)) for d in docs] == [("a", 1), ("b", 0)]
    assert docs[0].spans[0].annotator == "expert"


def test_read_brat_ann_without_text_is_an_error(tmp_path):
    (tmp_path / "lonely_x.ann").write_text("T1\tClaim 0 7\tLeaders\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no matching .txt"):
        read_brat(tmp_path)


def test_attributes_and_notes_may_precede_their_span():
    ann = "A1\tStrong T1\n#1\tAnnotatorNotes T1\tlater\nT1\tClaim 0 7\tLeaders\n"
    (span,) = parse_ann(ann, document_id="d", annotator="a", text=TEXT)
    assert span.attributes == {"Strong": True} and span.note == "later"


def test_zip_reader_skips_macos_junk():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("corpus/a.txt", TEXT)
        zf.writestr("corpus/a_x.ann", "T1\tClaim 0 7\tLeaders\n")
        zf.writestr("__MACOSX/corpus/._a_x.ann", b"\x00\x05\x16\x07")
    (doc,) = read_brat(buf.getvalue())
    assert [(s.annotator, s.text) for s in doc.spans] == [("x", "Leaders")]


def test_underscores_in_article_and_annotator_names():
    from annotator.records import DocumentRecord, SpanRecord

    doc = DocumentRecord("art_1", TEXT, spans=(SpanRecord("art_1", "jane_doe", "Claim", 0, 7),))
    data = b"".join(export("brat", [doc]))
    (back,) = read_brat(data)
    assert (back.id, back.spans[0].annotator) == ("art_1", "jane_doe")
