import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats import to_nfc
from annotator.records import DocumentRecord, SpanRecord


def nfc(s):
    return unicodedata.normalize("NFC", s)


def test_offsets_move_with_the_text():
    text = "Cafe\u0301 a\u0323\u0307 “x”"  # NFD é; a with two marks that compose to one + one
    doc = DocumentRecord("d", text, spans=(SpanRecord("d", "a", "L", 0, 5),
                                           SpanRecord("d", "a", "L", 6, 9),
                                           SpanRecord("d", "a", "L", 10, 13)))  # fmt: skip
    out = to_nfc(doc)
    assert out.text == nfc(text)
    assert [s.text for s in out.spans] == ["Café", "ạ̇", "“x”"]
    assert all(out.text[s.start : s.end] == s.text for s in out.spans)


def test_span_edge_inside_a_cluster_widens():
    doc = DocumentRecord("d", "e\u0301x", spans=(SpanRecord("d", "a", "L", 1, 3),))
    assert to_nfc(doc).spans[0].text == "éx"


def test_nfc_documents_are_returned_unchanged():
    doc = DocumentRecord("d", "déjà vu", spans=(SpanRecord("d", "a", "L", 0, 4),))
    assert to_nfc(doc) is doc


ALPHABET = st.sampled_from(["a", "e", "A", " ", "\u0301", "\u0323", "\u0307", "\u0308", "ᄀ",
                            "ᅡ", "ᆨ", "가", "🤝", "\u0338", "=", "ﬁ"])  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(ALPHABET, min_size=1, max_size=12).map("".join), st.data())
def test_nfc_property(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    span = SpanRecord("d", "a", "L", start, end, text[start:end])
    out = to_nfc(DocumentRecord("d", text, spans=(span,)))
    (moved,) = out.spans
    assert out.text == nfc(text)
    assert out.text[moved.start : moved.end] == moved.text
    # the new span is the NFC form of the old one, widened to whole clusters if need be
    assert any(
        nfc(text[a:b]) == moved.text for a in range(start + 1) for b in range(end, len(text) + 1)
    )
