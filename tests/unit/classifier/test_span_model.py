from annotator.classifier import SpanTagger, bio_tags, decode, tokenize


def test_tokenize_keeps_offsets_per_sentence():
    text = "Hi there. It's 3pm 😀!"
    sentences = tokenize(text)
    assert [[text[s:e] for s, e in sent] for sent in sentences] == [
        ["Hi", "there", "."],
        ["It", "'", "s", "3pm", "😀", "!"],
    ]


def test_bio_shorter_span_wins_and_decode_roundtrip():
    tokens = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
    spans = [(0, 9, "Long"), (4, 5, "Short")]
    tags = bio_tags(tokens, spans)
    assert tags == ["B-Long", "I-Long", "B-Short", "B-Long", "I-Long"]
    assert decode(tokens, tags, [1.0] * 5) == [
        (0, 3, "Long", 1.0),
        (4, 5, "Short", 1.0),
        (6, 9, "Long", 1.0),
    ]


def test_stray_inside_tag_starts_a_span():
    tokens = [(0, 1), (2, 3), (4, 5)]
    assert decode(tokens, ["O", "I-X", "I-X"], [0.2, 0.4, 0.6]) == [(2, 5, "X", 0.5)]


def corpus():
    texts, spans = [], []
    for i in range(30):
        word = ["terrible", "awful", "disgraceful"][i % 3]
        text = f"The plan number {i} was {word} indeed. Officials met on day {i}."
        start = text.index(word)
        texts.append(text)
        spans.append([(start, start + len(word), "Loaded")])
    return texts, spans


def test_tagger_learns_a_simple_pattern_and_is_reproducible():
    texts, spans = corpus()
    a = SpanTagger(seed=1).fit(texts, spans)
    b = SpanTagger(seed=1).fit(texts, spans)
    new = "The plan number 99 was awful indeed. Officials met on day 4."
    found = a.predict([new])[0]
    assert [(new[s:e], lab) for s, e, lab, _ in found] == [("awful", "Loaded")]
    assert found == b.predict([new])[0]
    assert a.predict(["", "   "]) == [[], []]
