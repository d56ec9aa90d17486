"""project_report: internal consistency with the single-purpose functions, edge cases, CLI."""

import itertools
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from annotator.agreement import (
    cohen_kappa,
    krippendorff_alpha,
    project_report,
    span_prf,
    unitizing_alpha,
)
from annotator.agreement.segments import corpus_counts  # noqa: F401
from annotator.records import SpanRecord

LABELS = ["Frame", "Claim", "Quote"]


def _synthetic(seed=0, docs=6, annotators=("ann", "bob", "cy"), length=300, skip=None):
    rng = np.random.default_rng(seed)
    spans, lengths = [], {}
    for d in range(docs):
        doc = f"doc{d}"
        lengths[doc] = length
        base = [
            (int(s), int(s + rng.integers(3, 40)), LABELS[rng.integers(3)])
            for s in rng.integers(0, length - 45, 6)
        ]
        for a in annotators:
            if skip and (doc, a) in skip:
                continue
            for s, e, lab in base:
                if rng.random() < 0.8:
                    spans.append(
                        SpanRecord(
                            doc,
                            a,
                            lab,
                            s + int(rng.integers(-2, 3)),
                            e,
                            guidelines_version=1 + d % 2,
                        )
                    )
            if rng.random() < 0.5:
                s = int(rng.integers(0, length - 20))
                spans.append(
                    SpanRecord(
                        doc, a, LABELS[rng.integers(3)], s, s + 15, guidelines_version=1 + d % 2
                    )
                )
    return spans, lengths


def _codes(spans, lengths, annotators, present):
    """Brute force: raters x characters codes (bitmask of labels), NaN when absent."""
    docs = list(lengths)
    data = np.full((len(annotators), sum(lengths.values())), np.nan)
    off = dict(zip(docs, np.cumsum([0] + [lengths[d] for d in docs])[:-1], strict=True))
    for i, a in enumerate(annotators):
        for d in docs:
            if (a, d) in present:
                data[i, off[d] : off[d] + lengths[d]] = 0
    for s in spans:
        row = data[annotators.index(s.annotator)]
        seg = row[off[s.document_id] + s.start : off[s.document_id] + s.end]
        seg[:] = seg.astype(int) | (1 << LABELS.index(s.label))
    return data


def _with_merges(spans, seed):
    """Add exact duplicates, nested same-label spans and other-label overlaps of one's own."""
    rng = np.random.default_rng(seed)
    extra = []
    for s in spans:
        r = rng.random()
        if r < 0.1:
            extra.append(SpanRecord(s.document_id, s.annotator, s.label, s.start, s.end))
        elif r < 0.2 and s.end - s.start > 2:
            extra.append(SpanRecord(s.document_id, s.annotator, s.label, s.start + 1, s.end - 1))
        elif r < 0.3:
            other = LABELS[(LABELS.index(s.label) + 1) % 3]
            extra.append(SpanRecord(s.document_id, s.annotator, other, s.start + 2, s.end + 5))
    return spans + extra


def _slotted(seed, skip=None):
    """One span per 50-character slot and annotator: nothing to merge, no label overlaps."""
    rng = np.random.default_rng(seed)
    spans, lengths = [], {}
    for d in range(5):
        doc = f"doc{d}"
        lengths[doc] = 400
        for a in ("ann", "bob", "cy"):
            if skip and (doc, a) in skip:
                continue
            for slot in range(8):
                s = slot * 50 + int(rng.integers(0, 4))
                e = s + int(rng.integers(5, 12)) if rng.random() < 0.3 else s + 30
                if rng.random() < 0.9:
                    spans.append(SpanRecord(doc, a, LABELS[rng.integers(3)], s, e))
    return spans, lengths


@pytest.mark.parametrize(
    "seed,skip,kind",
    [
        (0, None, "random"),
        (0, {("doc1", "cy"), ("doc3", "ann")}, "random"),
        (5, None, "random"),
        (6, None, "random"),
        (1, None, "merges"),
        (2, {("doc0", "bob"), ("doc4", "cy")}, "merges"),
        (3, None, "slotted"),
        (4, {("doc2", "bob")}, "slotted"),
    ],
)
def test_report_matches_brute_force(seed, skip, kind):
    if kind == "slotted":
        spans, lengths = _slotted(seed, skip)
    else:
        spans, lengths = _synthetic(seed=seed, skip=skip)
    if kind == "merges":
        spans = _with_merges(spans, seed)
    report = project_report(spans, lengths, n_boot=200)
    names = ["ann", "bob", "cy"]
    present = {(s.annotator, s.document_id) for s in spans}
    data = _codes(spans, lengths, names, present)
    assert report["overall"]["character_alpha"] == pytest.approx(krippendorff_alpha(data), abs=1e-9)
    for lab in LABELS:
        binary = np.where(
            np.isnan(data), np.nan, (np.nan_to_num(data).astype(int) >> LABELS.index(lab)) & 1
        )
        got = report["per_label"][lab]["character_alpha"]
        assert got == pytest.approx(krippendorff_alpha(binary), abs=1e-9)
    for (i, a), (j, b) in itertools.combinations(enumerate(names), 2):
        docs = {d for d in lengths if (a, d) in present and (b, d) in present}
        sa = [s for s in spans if s.annotator == a and s.document_id in docs]
        sb = [s for s in spans if s.annotator == b and s.document_id in docs]
        for match in ("exact", "partial"):
            expected = span_prf(sb, sa, match).f1
            assert report["pairs"][f"f1_{match}"][i][j] == pytest.approx(expected, abs=1e-12)
    complete = [d for d in lengths if all((a, d) in present for a in names)]
    off = dict(zip(complete, np.cumsum([0] + [lengths[d] for d in complete])[:-1], strict=True))
    units = [
        (s.annotator, off[s.document_id] + s.start, off[s.document_id] + s.end, s.label)
        for s in spans
        if s.document_id in off
    ]
    expected = unitizing_alpha(units, 0, sum(lengths[d] for d in complete), raters=names)
    assert report["overall"]["unitizing_alpha"] == pytest.approx(expected.overall, abs=1e-12)
    assert report["overall"]["unitizing_documents"] == len(complete)
    for lab in LABELS:
        assert report["per_label"][lab]["unitizing_alpha"] == pytest.approx(
            expected.per_label[lab], abs=1e-12
        )
    low, high = report["overall"]["character_alpha_ci"]
    assert low <= report["overall"]["character_alpha"] <= high
    json.dumps(report, allow_nan=False)


def test_columns_of_arrays_give_the_same_report():
    spans, lengths = _synthetic(seed=4)
    outlets = {d: ("left" if i % 2 else "right") for i, d in enumerate(lengths)}
    columns = {
        "document_id": np.array([s.document_id for s in spans], dtype=object),
        "annotator": [s.annotator for s in spans],
        "start": np.array([s.start for s in spans]),
        "end": [s.end for s in spans],
        "label": np.array([s.label for s in spans]),
        "guidelines_version": np.array([s.guidelines_version for s in spans]),
    }
    expected = project_report(spans, lengths, outlets, n_boot=50, seed=2)
    assert project_report(columns, lengths, outlets, n_boot=50, seed=2) == expected
    rows = [
        (s.document_id, s.annotator, s.start, s.end, s.label, s.guidelines_version) for s in spans
    ]
    assert project_report(rows, lengths, outlets, n_boot=50, seed=2) == expected


def test_report_sections():
    spans, lengths = _synthetic(seed=3)
    outlets = {d: ("left" if i % 2 else "right") for i, d in enumerate(lengths)}
    gold = [(s.document_id, s.start, s.end, s.label) for s in spans if s.annotator == "ann"]
    report = project_report(spans, lengths, outlets, gold=gold, n_boot=100, seed=1)
    assert report == project_report(spans, lengths, outlets, gold=gold, n_boot=100, seed=1)
    assert (
        report["gold"]["ann"]["f1_exact"] == 1.0 and report["gold"]["ann"]["character_alpha"] == 1.0
    )
    assert report["gold"]["bob"]["f1_partial"] < 1.0
    assert set(report["per_outlet"]) == {"left", "right"}
    rates = report["per_outlet"]["left"]["label_rates"]
    assert set(rates) == set(LABELS) and all(0 <= r <= 1 for r in rates.values())
    assert set(report["per_version"]) == {"1", "2"}
    ranked = [d["disagreement"] for d in report["per_document"]]
    assert ranked == sorted(ranked, reverse=True)
    assert report["per_annotator"]["ann"]["documents"] == 6
    conf = np.array(report["label_confusion"]["matrix"])
    assert (conf == conf.T).all() and conf.trace() > 0
    assert report["pairs"]["f1_exact"][0][0] is None
    json.dumps(report, allow_nan=False)


def test_perfect_agreement_and_not_enough_data():
    spans = [("d", a, 2, 9, "X") for a in ("p", "q")] + [("d", a, 12, 15, "Y") for a in ("p", "q")]
    r = project_report(spans, {"d": 20}, n_boot=50)
    assert r["overall"]["character_alpha"] == 1.0 and r["overall"]["span_f1_exact"] == 1.0
    assert r["overall"]["unitizing_alpha"] == 1.0
    empty = project_report([], {"d": 20})
    assert empty["status"] == "not enough data" and "no spans" in empty["reason"]
    one = project_report([("d", "p", 0, 3, "X")], {"d": 20})
    assert "fewer than two annotators" in one["reason"]
    dropped = project_report([("zz", "p", 0, 3, "X"), ("d", "p", 0, 3, "X")], {"d": 20})
    assert dropped["summary"]["spans_dropped"] == 1


def test_doc_annotators_counts_empty_annotation():
    spans = [("d", "p", 2, 9, "X")]
    r = project_report(spans, {"d": 20}, doc_annotators={"d": ["p", "q"]}, n_boot=0)
    assert r["status"] == "ok" and r["overall"]["span_f1_exact"] == 0.0
    assert r["overall"]["character_alpha"] < 0


def test_cli(tmp_path):
    spans, lengths = _synthetic(docs=3)
    path = tmp_path / "spans.jsonl"
    with path.open("w") as fh:
        for s in spans:
            row = {
                "document_id": s.document_id,
                "annotator": s.annotator,
                "label": s.label,
                "start": s.start,
                "end": s.end,
                "doc_length": lengths[s.document_id],
            }
            fh.write(json.dumps(row) + "\n")
    cmd = [sys.executable, "-m", "annotator.agreement", str(path), "--n-boot", "50"]
    out = subprocess.run([*cmd, "--json"], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert report["status"] == "ok" and report["summary"]["documents"] == 3
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "overall" in text and "unitizing_alpha" in text
    assert not math.isnan(report["overall"]["character_alpha"])


def test_pair_kappa_matches_cohen_on_single_label_positions():
    rng = np.random.default_rng(11)
    spans, lengths, names = [], {}, ["ann", "bob", "cy"]
    for d in range(5):
        doc = f"doc{d}"
        lengths[doc] = 400
        for a in names:
            if (d, a) == (2, "cy"):
                continue
            for slot in range(8):  # one span per 50-character slot: no overlaps per annotator
                s = slot * 50 + int(rng.integers(0, 10))
                e = s + int(rng.integers(5, 38))
                spans.append(SpanRecord(doc, a, LABELS[rng.integers(3)], s, e))
    report = project_report(spans, lengths, n_boot=0)
    present = {(s.annotator, s.document_id) for s in spans}
    data = _codes(spans, lengths, names, present)
    for i, j in itertools.combinations(range(3), 2):
        both = ~np.isnan(data[i]) & ~np.isnan(data[j])
        expected = cohen_kappa(data[i][both].tolist(), data[j][both].tolist())
        assert report["pairs"]["kappa"][i][j] == pytest.approx(expected, abs=1e-9)
