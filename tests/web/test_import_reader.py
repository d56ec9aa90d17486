"""The two-process import of files (``import_annotation_files``): the reader process's
batches write what reading in the importing process writes (plain spans, notes, fragments,
several guidelines versions, relations, gold, answers, a text that needed normalising, brat's
discontinuous spans and relations); a bad file is refused with its file and line after the
batches before it, with nothing stored; foreign-key checks and the cycle collector are back
afterwards; a reader that dies is reported.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import unicodedata

import pytest
from sqlalchemy import select, text

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    DocumentAnswer,
    GoldAnswer,
    GoldSpan,
    Label,
    Span,
    SpanEvent,
    User,
)
from annotator.services.errors import ServiceError
from annotator.services.projects.projects import create_project
from annotator.services.transfer import annotation_import, import_reader
from annotator.services.transfer.annotation_import import import_annotation_files

TEXT = "Zoë Lang said in Berlin that the mayor lied. Critics denied it. Sam Roe agreed."
NFD = unicodedata.normalize("NFD", TEXT)


def _at(fragment: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def _span(who, label, fragment, **extra):
    start, end = _at(fragment)
    return {"annotator": who, "label": label, "start": start, "end": end, **extra}


def _jsonl(path) -> None:
    """Native JSONL lines, written by hand: every kind of span the writer treats apart."""
    lines = []
    for k in range(7):  # plain: one guidelines version per article (two versions in all)
        lines.append({
            "id": f"plain{k}", "text": TEXT,
            "spans": [_span("ann", "Claim", "said", guidelines_version=1 + k % 2),
                      _span("bob", "Source", "Critics", attributes={"tone": "neutral"},
                            guidelines_version=1 + k % 2)],
        })  # fmt: skip
    lines.append(
        {
            "id": "noted",
            "text": TEXT,
            "spans": [
                _span("ann", "Claim", "lied", note="a «note»"),
                _span("ann", "Claim", "agreed"),
            ],
        }
    )
    lines.append(
        {
            "id": "mixed",
            "text": TEXT,
            "spans": [
                _span("ann", "Claim", "said", guidelines_version=1),
                _span("ann", "Claim", "denied", guidelines_version=3),
            ],
        }
    )
    a, b = _at("Zoë")
    c, d = _at("Lang")
    lines.append({"id": "frag", "text": TEXT, "spans": [
        {"annotator": "bob", "label": "Source", "start": a, "end": d,
         "fragments": [[a, b], [c, d]]}]})  # fmt: skip
    lines.append(
        {
            "id": "related",
            "text": TEXT,
            "spans": [
                _span("ann", "Quote", "the mayor lied", id="q1", attributes={"speaker": "s1"}),
                _span("ann", "Source", "Zoë Lang", id="s1"),
            ],
        }
    )
    lines.append({"id": "gold", "text": TEXT,
                  "spans": [_span("ann", "Claim", "said")],
                  "gold": [_span("gold", "Claim", "said")],
                  "answers": [{"annotator": who, "question": "Biased?", "value": "yes"}
                              for who in ("ann", "gold")]})  # fmt: skip
    s, e = _at(unicodedata.normalize("NFD", "Zoë Lang"), NFD)
    nfd = {"annotator": "ann", "label": "Source", "start": s, "end": e}
    lines.append({"id": "nfd", "text": NFD, "spans": [nfd]})
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")


def _brat(folder) -> None:
    """brat standoff as the brat server saves it: a discontinuous T line and an R line."""
    folder.mkdir()
    (folder / "berlin.txt").write_text(TEXT, encoding="utf-8")
    a, b = _at("Zoë")
    c, d = _at("Lang")
    q, r = _at("the mayor lied")
    (folder / "berlin.ann").write_text(
        f"T1\tSource {a} {b};{c} {d}\tZoë Lang\nT2\tQuote {q} {r}\tthe mayor lied\n"
        "R1\tSpeaker Arg1:T2 Arg2:T1\n",
        encoding="utf-8",
    )


def _snapshot(project) -> dict:
    """What the import wrote for ``project``, by names and offsets (ids differ)."""
    docs = {d.id: d.external_id for d in db.session.scalars(
        select(Document).where(Document.project_id == project.id))}  # fmt: skip
    users = dict(db.session.execute(select(User.id, User.username)).all())
    labels = dict(db.session.execute(select(Label.id, Label.name)).all())
    spans = db.session.scalars(select(Span).where(Span.document_id.in_(docs))).all()
    where = {s.id: (s.start, s.end) for s in spans}

    def attrs(values):  # a link names its target by offsets
        return {k: where.get(v, v) if k in ("speaker", "Speaker") else v
                for k, v in sorted(values.items())}  # fmt: skip

    out = {
        "documents": sorted(
            (d.external_id, d.text, d.title, d.sha256, json.dumps(d.meta, sort_keys=True))
            for d in db.session.scalars(select(Document).where(Document.id.in_(docs)))
        ),
        "spans": sorted(
            (
                docs[s.document_id],
                users[s.user_id],
                labels[s.label_id],
                s.start,
                s.end,
                s.text,
                json.dumps(attrs(s.attributes), sort_keys=True),
                s.note,
                json.dumps(s.fragments),
                s.guidelines_version,
                s.source,
                s.version,
            )
            for s in spans
        ),  # fmt: skip
        "events": sorted(
            (
                docs[e.document_id],
                users[e.user_id],
                e.action,
                json.dumps(e.before),
                e.after["start"],
                e.after["end"],
                e.after["text"],
                json.dumps(attrs(e.after["attributes"]), sort_keys=True),
            )
            for e in db.session.scalars(select(SpanEvent).where(SpanEvent.document_id.in_(docs)))
        ),  # fmt: skip
        "assignments": sorted(
            (docs[a.document_id], users[a.user_id], a.status)
            for a in db.session.scalars(select(Assignment).where(Assignment.document_id.in_(docs)))
        ),
        "gold": sorted(
            (docs[g.document_id], labels[g.label_id], g.start, g.end, g.text, g.source)
            for g in db.session.scalars(select(GoldSpan).where(GoldSpan.document_id.in_(docs)))
        ),
        "answers": sorted(
            (docs[a.document_id], users[a.user_id], a.value)
            for a in db.session.scalars(
                select(DocumentAnswer).where(DocumentAnswer.document_id.in_(docs))
            )
        ),
        "gold_answers": sorted(
            (docs[a.document_id], a.value)
            for a in db.session.scalars(select(GoldAnswer).where(GoldAnswer.document_id.in_(docs)))
        ),
    }
    return out


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_the_reader_process_writes_what_reading_here_writes(app, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(annotation_import, "BATCH", 3)  # several batches, ids across them
    path = tmp_path / ("in.jsonl" if fmt == "jsonl" else "brat")
    _jsonl(path) if fmt == "jsonl" else _brat(path)
    results = {}
    with app.app_context():
        for reader in (False, True):
            project = create_project(f"Reader {reader}", preset="empty")
            db.session.commit()
            report = import_annotation_files(project, fmt, [path], reader_process=reader)
            db.session.commit()
            results[reader] = (_snapshot(project), report.as_dict())
    (here, here_report), (there, there_report) = results[False], results[True]
    assert there == here
    del here_report["users_created"], there_report["users_created"]  # made by the first
    assert there_report == here_report
    if fmt == "jsonl":
        assert here_report["spans"] == 7 * 2 + 2 + 2 + 1 + 2 + 1 + 1
        assert here_report["discontinuous"] == 1 and here_report["links"] == 1
        assert here_report["gold_spans"] == 1 and here_report["gold_answers"] == 1
        assert here_report["texts_normalised"] == 1
        assert {s[9] for s in here["spans"]} == {1, 2, 3}  # the file's guidelines versions
        assert ("related", "ann", "Quote") in {s[:3] for s in here["spans"]}
    else:
        assert here_report["discontinuous"] == 1 and here_report["links"] == 1


def test_a_bad_line_read_in_the_reader_is_refused_with_nothing_stored(app, tmp_path, monkeypatch):
    monkeypatch.setattr(annotation_import, "BATCH", 1)  # the error comes after two batches
    lines = [{"id": f"a{k}", "text": TEXT, "spans": [_span("ann", "Claim", "said")]}
             for k in range(2)]  # fmt: skip
    lines.append({"id": "bad", "text": TEXT, "spans": [{"annotator": "ann", "label": "Claim",
                                                       "start": 5, "end": 500}]})  # fmt: skip
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    with app.app_context():
        project = create_project("Bad", preset="empty")
        db.session.commit()
        with pytest.raises(ServiceError, match="bad.jsonl:3"):
            import_annotation_files(project, "jsonl", [path])
        db.session.rollback()
        assert db.session.scalar(select(Span.id).limit(1)) is None
        assert db.session.scalar(select(Document.id).limit(1)) is None


def test_foreign_key_checks_and_the_collector_are_back_after_the_import(app, tmp_path):
    path = tmp_path / "in.jsonl"
    _jsonl(path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "Hi", "spans": [{"annotator": "a", "label": "L", '
                   '"start": 0, "end": 9}]}\n', encoding="utf-8")  # fmt: skip
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"

        def checked() -> int:
            return db.session.execute(text("PRAGMA foreign_keys")).scalar()

        project = create_project("Keys", preset="empty")
        db.session.commit()
        import_annotation_files(project, "jsonl", [path])
        if sqlite:
            assert checked() == 0  # off for the import's own transaction
        db.session.commit()
        if sqlite:
            assert checked() == 1
        with pytest.raises(ServiceError):
            import_annotation_files(project, "jsonl", [bad])
        db.session.rollback()
        if sqlite:
            assert checked() == 1
        assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_reader_process_that_dies_is_reported():
    context = multiprocessing.get_context("spawn")
    channel = context.Queue()
    reader = context.Process(target=os._exit, args=(3,))
    reader.start()
    reader.join()
    with pytest.raises(RuntimeError, match="exit code 3"):
        import_reader._next(channel, reader)


def test_a_spawned_reader_imports_as_a_forked_one(app, tmp_path, monkeypatch):
    """With more than one thread (a web worker, a test runner's helpers) the reader process is
    spawned, not forked: a fresh interpreter that imports only the reading code."""
    path = tmp_path / "in.jsonl"
    _jsonl(path)
    methods = []
    real = multiprocessing.get_context
    monkeypatch.setattr(import_reader.threading, "active_count", lambda: 2)
    monkeypatch.setattr(
        import_reader.multiprocessing,
        "get_context",
        lambda method: methods.append(method) or real(method),
    )
    with app.app_context():
        project = create_project("Spawned", preset="empty")
        db.session.commit()
        report = import_annotation_files(project, "jsonl", [path])
        db.session.commit()
        assert methods == ["spawn"]
        assert report.spans == 23 and report.links == 1 and report.gold_spans == 1
        assert len(_snapshot(project)["spans"]) == 23
