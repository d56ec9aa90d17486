"""The guidelines diff against difflib's own unified diff: the same lines added and removed,
both texts recoverable from the rows, and the word pieces of a line always spell the line."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.services.projects.guideline_versions import diff_texts

WORDS = st.sampled_from(["Label", "quotes", "the", "source", "**not**", "-", "1.", "é", "🤝", ""])
LINE = st.lists(WORDS, max_size=6).map(" ".join)
TEXT = st.lists(LINE, max_size=12)


def unified_counts(a: list[str], b: list[str]) -> tuple[int, int]:
    lines = list(difflib.unified_diff(a, b, lineterm="", n=0))[2:]  # without the --- +++ header
    added = sum(1 for x in lines if x.startswith("+"))
    removed = sum(1 for x in lines if x.startswith("-"))
    return added, removed


def spell(row) -> str:
    return "".join(text for _, text in row.parts)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_rows_agree_with_difflib_and_rebuild_both_texts(a, b):
    diff = diff_texts("\n".join(a), "\n".join(b), context=10**6)  # every line shown
    a, b = "\n".join(a).splitlines(), "\n".join(b).splitlines()
    assert (diff.added, diff.removed) == unified_counts(a, b)
    if a == b:  # nothing to show
        assert diff.unchanged and diff.rows == []
        return
    old = [spell(r) for r in diff.rows if r.kind in ("same", "del")]
    new = [spell(r) for r in diff.rows if r.kind in ("same", "ins")]
    assert old == a and new == b
    assert [r.old_no for r in diff.rows if r.kind in ("same", "del")] == list(range(1, len(a) + 1))
    assert [r.new_no for r in diff.rows if r.kind in ("same", "ins")] == list(range(1, len(b) + 1))
    for row in diff.rows:  # a removed line never holds inserted words, nor the other way
        allowed = {"same", row.kind} if row.kind in ("del", "ins") else {"same"}
        assert {kind for kind, _ in row.parts} <= allowed


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT, st.integers(0, 4))
def test_skipped_runs_and_shown_lines_cover_the_old_text(a, b, context):
    diff = diff_texts("\n".join(a), "\n".join(b), context=context)
    a = "\n".join(a).splitlines()
    shown = sum(1 for r in diff.rows if r.kind in ("same", "del"))
    skipped = sum(r.count for r in diff.rows if r.kind == "skip")
    if diff.unchanged:
        assert diff.rows == []
    else:
        assert shown + skipped == len(a)
        assert all(r.count > 0 for r in diff.rows if r.kind == "skip")


def test_an_edited_line_marks_the_changed_words_and_a_rewritten_one_the_whole_line():
    diff = diff_texts(
        "Label every quote.\nDrop this line.", "Label every direct quote.\nA new rule."
    )
    rows = [(r.kind, r.parts) for r in diff.rows]
    assert rows[0] == ("del", (("same", "Label every quote."),))
    assert rows[1] == ("del", (("del", "Drop this line."),))
    kind, parts = rows[2]
    assert kind == "ins" and "".join(t for k, t in parts if k == "ins").strip() == "direct"
    assert rows[3] == ("ins", (("ins", "A new rule."),))
    assert (diff.added, diff.removed) == (2, 2)


def test_line_endings_alone_are_no_change():
    assert diff_texts("a\r\nb\r\n", "a\nb").unchanged
    assert diff_texts("", "").rows == []
