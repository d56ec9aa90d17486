from hypothesis import given
from hypothesis import strategies as st

from annotator.classifier import sentence_labels, split_sentences


def pieces(text):
    return [text[s:e] for s, e in split_sentences(text)]


def test_basic_and_abbreviations():
    text = "Mr. Smith met Dr. Jones in the U.S. on Jan. 5. They talked! Did it help? Yes."
    assert pieces(text) == [
        "Mr. Smith met Dr. Jones in the U.S. on Jan. 5.",
        "They talked!",
        "Did it help?",
        "Yes.",
    ]


def test_initials_quotes_and_lowercase_continuation():
    text = "J. K. Rowling said “it is fine.” Then she left. e.g. this stays. 3.5 percent rose."
    assert pieces(text) == [
        "J. K. Rowling said “it is fine.”",
        "Then she left. e.g. this stays.",
        "3.5 percent rose.",
    ]


def test_newlines_end_sentences_and_offsets_skip_whitespace():
    text = "Title line\r\n\r\n  First sentence here. Second one\nthird line  \n"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Title line",
        "First sentence here.",
        "Second one",
        "third line",
    ]
    assert spans[1] == (text.index("First"), text.index("here.") + 5)


def test_emoji_are_single_code_points():
    text = "Great news 🎉! Bad news 😡😡. Fine."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Great news 🎉!", "Bad news 😡😡.", "Fine."]
    assert spans[1] == (14, 26)


def test_empty_and_whitespace():
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n") == []


@given(st.text(alphabet=st.sampled_from("ab A.!?\n\r “”😀"), max_size=60))
def test_offsets_cover_all_visible_text_in_order(text):
    spans = split_sentences(text)
    covered = set()
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        covered.update(range(start, end))
        last = end
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_sentence_labels_by_overlap():
    sentences = [(0, 10), (11, 20), (21, 30)]
    spans = [(5, 12, "A"), ("doc", 25, 26, "B"), (20, 21, "C")]
    assert sentence_labels(spans, sentences) == [
        frozenset({"A"}),
        frozenset({"A"}),
        frozenset({"B"}),
    ]
