"""The pure analysis package on hand-made records: weighting, unions, edge cases."""

from __future__ import annotations

import pytest

from annotator.analysis import Article, analyse, articles_from, stories, table_rows
from annotator.analysis.measures import _union
from annotator.analysis.statistics import holm
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord

TEXT = "Leaders 🤝 met in Geneva. “A new chapter,” they said."


def _span(doc, who, label, start, end, **attributes):
    return SpanRecord(doc, who, label, start, end, TEXT[start:end], attributes)


def _measure(report, kind, unit, label=""):
    return next(
        m
        for m in report["measures"]
        if m["kind"] == kind and m["unit"].startswith(unit) and m["label"] == label
    )


def test_union_counts_overlaps_once():
    assert _union([(0, 5), (3, 8), (10, 12), (11, 12)]) == 10
    assert _union([]) == 0


def test_raw_articles_weigh_one_whatever_their_annotators():
    docs = [
        DocumentRecord(
            "a", TEXT, outlet="X",
            spans=(_span("a", "ann", "Claim", 0, 7), _span("a", "bob", "Claim", 0, 7),
                   _span("a", "bob", "Claim", 8, 9)),
            annotators=("ann", "bob"),
        ),
        DocumentRecord("b", TEXT, outlet="Y", spans=(_span("b", "ann", "Claim", 0, 7),),
                       annotators=("ann",)),
        DocumentRecord("c", TEXT, outlet="Y"),
    ]  # fmt: skip
    articles, left_out = articles_from(docs, "raw")
    assert left_out == {"not annotated": 1}
    report = analyse(articles, n_boot=50, n_perm=50)
    spans = _measure(report, "spans", "per article")["groups"]
    assert spans["X"]["estimate"] == 1.5 and spans["Y"]["estimate"] == 1.0
    covered = _measure(report, "covered", "share")["groups"]
    assert covered["X"]["estimate"] == pytest.approx((7 + 8) / 2 / len(TEXT))
    # majority: 0..7 by both, 8..9 by one of two: only the first survives
    majority, _ = articles_from(docs, "majority")
    m = analyse(majority, n_boot=10, n_perm=10)
    assert _measure(m, "spans", "per article")["groups"]["X"]["estimate"] == 1.0


def test_one_group_gives_figures_without_tests_and_says_so():
    articles = [
        Article("a", 100, "X", spans=(_span("a", "gold", "Claim", 0, 5),)),
        Article("b", 300, "X"),
        Article("c", 50, ""),
    ]
    report = analyse(articles, n_boot=20, n_perm=20)
    assert report["excluded"] == {"no outlet": 1}
    assert report["test"]["tests"] == 0 and "fewer than two outlet groups" in report["test"]["note"]
    per_1k = _measure(report, "spans", "per 1,000")["groups"]["X"]
    assert per_1k["estimate"] == pytest.approx(1000 * 1 / 400)
    assert all(m["test"] is None for m in report["measures"])
    assert len(table_rows(report)) == 2 * len(report["measures"])
    by_leaning = analyse(articles, by="leaning", n_boot=5, n_perm=5)
    assert by_leaning["excluded"] == {"no leaning": 2, "no outlet": 1}


def test_empty_input_and_bad_grouping():
    report = analyse([], n_boot=10, n_perm=10)
    assert report["articles"] == 0 and report["groups"] == []
    with pytest.raises(ValueError):
        analyse([], by="author")


def test_questions_choice_and_likert():
    articles = [
        Article("a", 10, "X", answers=(AnswerRecord("a", "g", "tone", "hostile"),
                                       AnswerRecord("a", "g", "scale", "4"))),
        Article("b", 10, "Y", answers=(AnswerRecord("b", "g", "tone", "neutral"),)),
    ]  # fmt: skip
    report = analyse(
        articles,
        questions={"tone": (False, ["hostile", "neutral", "friendly"]), "scale": (True, [])},
        n_boot=10,
        n_perm=10,
    )
    names = [m["name"] for m in report["measures"] if m["question"]]
    assert "scale (mean)" in names and "tone (mean)" not in names
    assert "tone = friendly (share)" in names
    scale = next(m for m in report["measures"] if m["name"] == "scale (mean)")
    assert scale["groups"]["X"]["estimate"] == 4.0 and scale["groups"]["Y"]["estimate"] is None
    assert scale["test"] is None  # only one group answered


def test_holm_is_step_down_and_monotone():
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])
    assert holm([]) == []


def test_stories_rank_by_spread():
    articles = [
        Article("a", 1000, "X", story="s1", spans=(_span("a", "g", "Claim", 0, 1),) * 4),
        Article("b", 1000, "Y", story="s1"),
        Article("c", 1000, "X", story="s2", spans=(_span("c", "g", "Claim", 0, 1),)),
        Article("d", 1000, "Y", story="s2", spans=(_span("d", "g", "Claim", 0, 1),)),
        Article("e", 1000, "Y"),
    ]
    listed = stories(articles)
    assert [s["story"] for s in listed] == ["s1", "s2"]
    assert listed[0]["spread"] == 4.0 and listed[1]["spread"] == 0.0
    assert listed[0]["label_distance"] == 4.0


def _reference_counts(articles, attributes):
    """The per-article loop the vectorised ``build`` replaced: unions per annotator, counts
    per label and per (label, attribute, value) - strings and booleans only."""
    from collections import Counter

    covered, labels, values = [], [], []
    for a in articles:
        by_rater = {}
        for s in a.spans:
            by_rater.setdefault(s.annotator if a.raters != 1 else "", []).append((s.start, s.end))
        covered.append(sum(_union(parts) for parts in by_rater.values()))
        labels.append(Counter(s.label for s in a.spans))
        found = Counter()
        for s in a.spans:
            for name, value in (s.attributes or {}).items():
                if attributes is not None and name not in attributes.get(s.label, ()):
                    continue
                if isinstance(value, bool):
                    value = "true" if value else "false"
                elif not isinstance(value, str):
                    continue
                found[(s.label, name, value)] += 1
        values.append(found)
    return covered, labels, values


@pytest.mark.parametrize("attributes", [None, {"Claim": {"frame", "hedged"}, "Quote": {"who"}}])
def test_vectorised_counts_equal_the_per_article_loop(attributes):
    import random

    from annotator.analysis.measures import build

    rng = random.Random(11)
    articles = []
    for i in range(300):
        raters = rng.choice([1, 1, 2, 3])
        spans = []
        for _ in range(rng.randint(0, 15)):
            start = rng.randrange(0, 200)
            attrs = rng.choice([
                {}, {"frame": rng.choice(["a", "b"])}, {"hedged": rng.choice([True, False])},
                {"frame": 1}, {"frame": True}, {"who": ["x"]}, {"who": "x", "frame": None},
                {"link": 4, "hedged": "yes"},
            ])  # fmt: skip
            spans.append(
                SpanRecord(f"d{i}", f"u{rng.randrange(raters)}", rng.choice(["Claim", "Quote"]),
                           start, start + rng.randint(1, 40), attributes=attrs)
            )  # fmt: skip
        articles.append(Article(f"d{i}", 250, "X", raters=raters, spans=tuple(spans)))
    measures, x, _ = build(articles, ["Claim"], attributes, {})
    covered, labels, values = _reference_counts(articles, attributes)
    raters = [a.raters for a in articles]
    column = {m.key: j for j, m in enumerate(measures)}

    def col(kind, label="", attribute="", value="", unit="per article"):
        return x[:, column["|".join([kind, label, attribute, value, "", unit])]]

    assert col("covered", unit="share of characters") * raters == pytest.approx(covered)
    for label in ("Claim", "Quote"):
        expected = [c[label] for c in labels]
        assert col("label", label) * raters == pytest.approx(expected)
    keys = sorted({k for v in values for k in v})
    assert [(m.label, m.attribute, m.value) for m in measures if m.kind == "attribute"][::2] == keys
    assert ("Claim", "frame", "true") in keys and ("Claim", "hedged", "yes") in keys
    for label, name, value in keys:
        expected = [v[(label, name, value)] for v in values]
        assert col("attribute", label, name, value) * raters == pytest.approx(expected)
