"""Auto-merge of two identical copies of one PolNeAR annotator's spans, and the CLI summary on a
small project: nothing is dropped without a reason (nested same-label spans both become gold, a
span drawn twice is counted as a duplicate)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from annotator.adjudication import MergeRule
from annotator.extensions import db
from annotator.formats import read_brat
from annotator.formats.normalize import to_nfc
from annotator.models import GoldSpan
from annotator.services.curation.gold_merge import run_merge
from annotator.services.projects.projects import create_project
from annotator.services.transfer.annotation_import import import_annotations
from tests.shared import SHARED_DATA, requires_shared_data
from tests.web.test_gold_detail import gold_world  # noqa: F401  (fixture)

POLNEAR = SHARED_DATA / "polnear-multi"


@requires_shared_data("polnear-multi/attributions", "polnear-multi/text")
def test_two_identical_copies_lose_nothing(ctx):
    documents = [to_nfc(d) for d in read_brat(POLNEAR / "attributions", text_dir=POLNEAR / "text")]
    first = sorted({s.annotator for d in documents for s in d.spans})[0]
    copies = []
    for doc in documents:
        mine = [s for s in doc.spans if s.annotator == first]
        spans = [dataclasses.replace(s, annotator=who) for who in ("alice", "bob") for s in mine]
        copies.append(dataclasses.replace(doc, spans=tuple(spans), gold=()))
    drawn = [s for d in copies for s in d.spans if s.annotator == "alice" and s.end > s.start]
    keys = {(s.document_id, s.label, s.start, s.end) for s in drawn}
    project = create_project("Copies", preset="empty")
    import_annotations(project, copies)
    db.session.commit()
    summary = run_merge(None, project, MergeRule(min_votes=2, match="exact"))
    db.session.commit()
    print(
        f"{len(drawn)} spans of {first}, twice:", summary["gold_spans_added"], summary["unmerged"]
    )
    assert summary["gold_spans_added"] == len(keys)
    assert db.session.execute(select(func.count(GoldSpan.id))).scalar_one() == len(keys)
    assert set(summary["unmerged"]) <= {"duplicate"}
    assert len(keys) + summary["unmerged"].get("duplicate", 0) == len(drawn)


@requires_shared_data("ptc-train/train-articles")
def test_ptc_two_identical_copies_every_span_is_gold_or_counted():
    """PTC (371 articles, 6,129 technique spans, nested and repeated same-label spans): two
    identical copies, both votes needed. The old rule dropped 5 spans as ties, unreported."""
    from annotator.adjudication import merge_document
    from annotator.formats.ptc import read_ptc

    gold = spans = 0
    reasons: dict[str, int] = {}
    for doc in read_ptc(SHARED_DATA / "ptc-train"):
        copies = [dataclasses.replace(s, annotator=w) for w in ("alice", "bob") for s in doc.gold]
        result = merge_document(copies, {"alice", "bob"}, MergeRule(min_votes=2, match="exact"))
        spans += len(doc.gold)
        gold += len(result.spans)
        for reason, n in result.reasons().items():
            reasons[reason] = reasons.get(reason, 0) + n
    print(f"PTC: {spans} spans twice -> {gold} gold, unmerged {reasons}")
    assert set(reasons) <= {"duplicate"}
    assert gold + reasons.get("duplicate", 0) == spans


def test_cli_counts_unmerged_candidates_by_reason(app, runner, gold_world):  # noqa: F811
    result = runner.invoke(args=["adjudicate", "Gold study"])
    assert result.exit_code == 0, result.output
    assert "5 gold spans and 2 answers added" in result.output
    assert "1 links set, 1 gold spans with split attribute votes left open" in result.output
    assert "2 candidates not merged:" in result.output
    assert "below_min_votes" in result.output
