"""Auto-merge on PolNeAR (24 news articles, 6 annotators each, brat standoff) imported through
the brat reader: how many gold spans each rule yields per label, idempotence, and gold in the
agreement report. One article is not NFC, so every record is normalised first."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from annotator.adjudication import MergeRule
from annotator.extensions import db
from annotator.formats import read_brat
from annotator.formats.normalize import to_nfc
from annotator.models import GoldSpan, Span
from annotator.services.curation.gold_merge import run_merge
from annotator.services.projects.projects import create_project
from annotator.services.transfer.annotation_import import import_annotations
from tests.shared import SHARED_DATA, skip_without_shared_data

POLNEAR = SHARED_DATA / "polnear-multi"

# Gold spans per label with a strict majority (4 of 6 annotators; 3 of 5 on one article).
# A discontinuous span is one span (its fragments kept), matched as a whole: no longer one gold
# span per fragment, hence fewer Content, Cue and Discard spans than when fragments were read
# as separate spans.
EXACT = {
    "Attribution": 505,
    "Attribution-no-source": 15,
    "Content": 522,
    "Cue": 535,
    "Discard": 4,
    "Source": 506,
}
OVERLAP = {
    "Attribution": 560,
    "Attribution-no-source": 21,
    "Content": 624,
    "Cue": 601,
    "Discard": 5,
    "Discuss": 1,
    "Source": 537,
}


@pytest.fixture
def polnear(ctx):
    skip_without_shared_data("polnear-multi/attributions", "polnear-multi/text")
    documents = [to_nfc(d) for d in read_brat(POLNEAR / "attributions", text_dir=POLNEAR / "text")]
    project = create_project("PolNeAR", preset="empty")
    report = import_annotations(project, documents)
    db.session.commit()
    assert report.documents_created == 24 and report.spans == 15097
    return project


def gold_per_label() -> dict[str, int]:
    from annotator.models import Label

    rows = db.session.execute(
        select(Label.name, func.count(GoldSpan.id))
        .join(GoldSpan, GoldSpan.label_id == Label.id)
        .group_by(Label.name)
    ).all()
    return dict(sorted(rows))


def test_polnear_exact_majority(polnear):
    spans_before = db.session.execute(select(func.count(Span.id))).scalar_one()
    summary = run_merge(None, polnear, MergeRule(match="exact"))
    db.session.commit()
    print("PolNeAR gold, exact match, 4 of 6:", summary["per_label"])
    assert summary["documents"] == 24
    assert summary["per_label"] == EXACT == gold_per_label()
    again = run_merge(None, polnear, MergeRule(match="exact"))
    assert again["gold_spans_added"] == 0
    assert db.session.execute(select(func.count(Span.id))).scalar_one() == spans_before
    # Every gold span is backed by a majority: 4 of 6 (3 of 5 on the one article that five
    # annotators did).
    provenances = db.session.execute(select(GoldSpan.provenance)).scalars().all()
    assert min(len(p) for p in provenances) == 3 and max(len(p) for p in provenances) == 6

    from annotator.services.analysis.agreement import report_for

    report = report_for(polnear, n_boot=0)
    assert sorted(report["gold"]) == ["4b22", "4e07", "5fec", "6b86", "d473", "ef2d"]
    for figures in report["gold"].values():
        assert figures["documents"] in (23, 24)
        assert 0.0 < figures["f1_exact"] <= figures["f1_partial"] <= 1.0


def test_polnear_overlap_majority_and_stricter_thresholds(polnear):
    summary = run_merge(None, polnear, MergeRule(match="overlap"))
    db.session.commit()
    print("PolNeAR gold, overlap match, 4 of 6:", summary["per_label"])
    assert summary["per_label"] == OVERLAP
    # Exact matching on top of overlap gold finds nothing new (it only fills gaps).
    assert run_merge(None, polnear, MergeRule(match="exact"))["gold_spans_added"] == 0
    assert run_merge(None, polnear, MergeRule(match="overlap"))["gold_spans_added"] == 0
