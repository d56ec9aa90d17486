"""Imports of brat events, repeated relations and large inputs, from files written the way
brat, doccano and Label Studio write them (built here from each tool's documented format,
never from our writers): event arguments arrive as link attributes of the trigger, a second
relation of one type from one span is counted (a link holds one target), brat collections,
doccano zips and Label Studio arrays are read piece by piece, and the bulk write leaves the
audit rows and the write stamp as the row-by-row path did.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select, text

from annotator.extensions import db
from annotator.formats import FormatError, ziputil
from annotator.formats.jsonarray import iter_json_array
from annotator.models import (
    Assignment,
    Document,
    Label,
    Membership,
    Span,
    SpanEvent,
    User,
    write_stamp,
)
from annotator.models.base import utcnow
from annotator.services.projects.projects import create_project
from annotator.services.transfer.annotation_import import import_annotations, read_annotation_files

TEXT = "Zoë Lang said in Berlin that the mayor lied. Critics denied it. Sam Roe agreed."


def _at(fragment: str) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def _t(n: int, label: str, fragment: str) -> str:
    a, b = _at(fragment)
    return f"T{n}\t{label} {a} {b}\t{fragment}"


def _spans(project, label=None):
    query = select(Span).join(Document).where(Document.project_id == project.id)
    if label:
        query = query.join(Label, Span.label_id == Label.id).where(Label.name == label)
    return db.session.execute(query.order_by(Span.start)).scalars().all()


def _project(name, labels):
    project = create_project(name, preset="empty")
    for n, (label, links) in enumerate(labels.items()):
        attrs = [{"name": a, "type": "link", "options": []} for a in links]
        project.labels.append(Label(name=label, order=n, attributes=attrs))
    db.session.flush()
    return project


# -- brat events -------------------------------------------------------------------------------


def _brat_events(root):
    """brat standoff with events as the brat server saves them: the trigger is a T line of
    the event's type, ``E`` lines name ``Type:TRIGGER`` and ``Role:ID`` arguments, an event id
    is an argument of another event and of a relation and carries an attribute."""
    (root / "berlin.txt").write_text(TEXT, encoding="utf-8")
    lines = [
        _t(1, "Source", "Zoë Lang"),
        _t(2, "Place", "Berlin"),
        _t(3, "Claim", "said"),
        _t(4, "Claim", "denied"),
        _t(5, "Source", "Critics"),
        _t(6, "Source", "Sam Roe"),
        "E1\tClaim:T3 Agent:T1 Place:T2",
        "E2\tClaim:T4 Agent:T5 Theme:E1",
        "E3\tClaim:T4 Agent:T6",  # a second event on the same trigger: Agent again
        "A1\tNegated E2",
        "R1\tCites Arg1:E2 Arg2:T1",
    ]
    (root / "berlin_ann1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_brat_event_arguments_become_links(app, tmp_path):
    folder = _brat_events(tmp_path)
    with app.app_context():
        project = _project(
            "Events",
            {"Claim": ["agent", "Theme", "Cites"], "Source": [], "Place": []},
        )
        report = import_annotations(project, read_annotation_files("brat", [folder]))
        db.session.commit()
        said, denied = _spans(project, "Claim")
        by_text = {s.text: s.id for s in _spans(project)}
        # E1: Agent -> said.agent (the role matched case-insensitively); Place: no link
        assert said.attributes == {"agent": by_text["Zoë Lang"]}
        # E2 on "denied": Agent, Theme (the event E1: its trigger span); A1 on E2 and R1 from
        # E2 land on the trigger too; E3's Agent is a second agent: counted, the first kept
        assert denied.attributes == {
            "Negated": True,
            "Cites": by_text["Zoë Lang"],
            "agent": by_text["Critics"],
            "Theme": said.id,
        }
        assert report.event_arguments == 3 and report.links == 1
        assert report.unmapped_event_arguments == {"Place": 1}
        assert report.relations_conflicting == {"Agent (event argument)": 1}
        summary = report.summary()
        assert "Place (1)" in summary and "Agent (event argument) (1)" in summary


def test_brat_events_into_new_labels(app, tmp_path):
    folder = _brat_events(tmp_path)
    with app.app_context():
        project = create_project("New", preset="empty")
        report = import_annotations(project, read_annotation_files("brat", [folder]))
        claim = db.session.execute(select(Label).where(Label.name == "Claim")).scalar_one()
        links = {a["name"] for a in claim.attributes if a["type"] == "link"}
        assert links == {"Agent", "Place", "Theme", "Cites"}  # a link per role and relation
        assert report.unmapped_event_arguments == {} and report.event_arguments == 4
        db.session.rollback()


@pytest.mark.parametrize(
    "line, message",
    [
        ("E1\tClaim:T9 Agent:T1", "no trigger span T9"),
        ("E1\tClaim:T3 Agent:T8", "argument Agent:T8"),
        ("E1\tClaim T3", "bad event line"),
    ],
)
def test_brat_bad_event_lines_name_file_and_line(app, tmp_path, line, message):
    (tmp_path / "berlin.txt").write_text(TEXT, encoding="utf-8")
    ann = "\n".join([_t(1, "Source", "Zoë Lang"), _t(3, "Claim", "said"), line]) + "\n"
    (tmp_path / "berlin_ann1.ann").write_text(ann, encoding="utf-8")
    with pytest.raises(Exception) as exc:
        read_annotation_files("brat", [tmp_path])
    assert "berlin_ann1.ann:3" in str(exc.value) and message in str(exc.value)


# -- two relations of one type from one span, per format ----------------------------------------

QUOTE = "We will rebuild"
PERSON_TEXT = "Zoë Lang and Sam Roe said: We will rebuild."


def _p(fragment):
    start = PERSON_TEXT.index(fragment)
    return start, start + len(fragment)


def _check_conflict(project, report):
    quote = _spans(project, "Quote")[0]
    first = next(s for s in _spans(project, "Source") if s.text == "Zoë Lang")
    assert quote.attributes == {"speaker": first.id}  # the first relation kept
    assert report.links == 1 and report.relations_conflicting == {"speaker": 1}
    assert "the first was kept" in report.summary()


def test_brat_two_speakers_of_one_quote(app, tmp_path):
    (tmp_path / "q.txt").write_text(PERSON_TEXT, encoding="utf-8")
    rows = [("T1", "Source", "Zoë Lang"), ("T2", "Source", "Sam Roe"), ("T3", "Quote", QUOTE)]
    lines = [f"{i}\t{lb} {_p(f)[0]} {_p(f)[1]}\t{f}" for i, lb, f in rows]
    lines += ["R1\tspeaker Arg1:T3 Arg2:T1", "R2\tspeaker Arg1:T3 Arg2:T2"]
    (tmp_path / "q_ann1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with app.app_context():
        project = create_project("Brat2", preset="media-bias")
        report = import_annotations(project, read_annotation_files("brat", [tmp_path]))
        _check_conflict(project, report)
        db.session.rollback()


def test_doccano_two_speakers_of_one_quote(app, tmp_path):
    entities = [
        {"id": 1, "label": "Source", "start_offset": _p("Zoë Lang")[0],
         "end_offset": _p("Zoë Lang")[1]},
        {"id": 2, "label": "Source", "start_offset": _p("Sam Roe")[0],
         "end_offset": _p("Sam Roe")[1]},
        {"id": 3, "label": "Quote", "start_offset": _p(QUOTE)[0], "end_offset": _p(QUOTE)[1]},
    ]  # fmt: skip
    line = {
        "id": 9,
        "text": PERSON_TEXT,
        "entities": entities,
        "relations": [
            {"id": 1, "from_id": 3, "to_id": 1, "type": "speaker"},
            {"id": 2, "from_id": 3, "to_id": 2, "type": "speaker"},
        ],
        "Comments": [],
    }
    path = tmp_path / "admin.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with app.app_context():
        project = create_project("Doc2", preset="media-bias")
        report = import_annotations(project, read_annotation_files("doccano", [path]))
        _check_conflict(project, report)
        db.session.rollback()


def _ls_region(rid, fragment, label):
    start, end = _p(fragment)
    value = {"start": start, "end": end, "text": fragment, "labels": [label]}
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def test_labelstudio_two_speakers_of_one_quote(app, tmp_path):
    result = [
        _ls_region("a1", "Zoë Lang", "Source"),
        _ls_region("a2", "Sam Roe", "Source"),
        _ls_region("q1", QUOTE, "Quote"),
        {"from_id": "q1", "to_id": "a1", "type": "relation", "direction": "right",
         "labels": ["speaker"]},
        {"from_id": "q1", "to_id": "a2", "type": "relation", "direction": "right",
         "labels": ["speaker"]},
    ]  # fmt: skip
    tasks = [{"id": 5, "data": {"text": PERSON_TEXT},
              "annotations": [{"id": 1, "completed_by": 2, "result": result}]}]  # fmt: skip
    path = tmp_path / "project-1-at-2026.json"
    path.write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    with app.app_context():
        project = create_project("LS2", preset="media-bias")
        report = import_annotations(project, read_annotation_files("labelstudio", [path]))
        _check_conflict(project, report)
        db.session.rollback()


# -- streaming -----------------------------------------------------------------------------------


def test_json_array_read_in_pieces_equals_json_loads():
    tasks = [
        {"id": 1, "data": {"text": 'é \\ " ünïcode 🙂'}, "n": 12345678901234567890},
        [1.5e-7, -0.0, True, None, "x" * 50],
        {"nested": {"deep": [[[]]]}, "big": 98765},
        12345,
    ]
    raw = "\ufeff[\n  " + ",\n  ".join(json.dumps(t, ensure_ascii=False) for t in tasks) + "\n]\n"
    data = raw.encode("utf-8")
    for chunk in (1, 2, 3, 7, 64, 1 << 20):  # every cut: inside numbers, strings, escapes
        assert list(iter_json_array(io.BytesIO(data), "t.json", chunk=chunk)) == tasks
    assert list(iter_json_array(io.BytesIO(b"[]"), "t.json", chunk=1)) == []
    one = {"id": 1, "data": {"text": "x"}}
    assert list(iter_json_array(io.BytesIO(json.dumps(one).encode()), "t.json")) == [one]


@pytest.mark.parametrize(
    "data, line, message",
    [
        (b'[\n{"a": 1},\n{"a": 2,}\n]', 3, "Expecting property name"),
        (b'[\n{"a": 1}\n{"a": 2}\n]', 3, "Expecting ',' delimiter"),
        (b'[\n{"a": 1},\n]', 3, "Expecting value"),
        (b'[\n{"a": 1}\n] x', 3, "Extra data"),
        (b'[\n{"a": "unterminated', 2, "Unterminated string"),
        (b'"just text"', None, "expected a JSON array"),
    ],
)
def test_json_array_errors_name_the_line(data, line, message):
    for chunk in (1, 5, 1 << 20):
        with pytest.raises(FormatError) as exc:
            list(iter_json_array(io.BytesIO(data), "t.json", chunk=chunk))
        assert exc.value.line == line and message in exc.value.message, (chunk, exc.value)


def test_json_array_reads_a_task_at_a_time():
    """Memory holds one element and one chunk: after the first task only a chunk's worth of
    the file has been read."""
    tasks = [{"id": k, "data": {"text": "w" * 1000}} for k in range(2000)]
    data = json.dumps(tasks).encode()
    fh = io.BytesIO(data)
    elements = iter_json_array(fh, "big.json", chunk=4096)
    assert next(elements)["id"] == 0
    assert fh.tell() <= 2 * 4096 < len(data) // 100
    assert sum(1 for _ in elements) == 1999


def test_brat_zip_read_article_by_article(app, tmp_path, monkeypatch):
    archive = tmp_path / "collection.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for k in range(3):
            zf.writestr(f"ann1/doc{k}.txt", TEXT)
            zf.writestr(f"ann1/doc{k}.ann", _t(1, "Source", "Zoë Lang") + "\n")
    read: list[str] = []
    original = ziputil.ZipMembers.read

    def spy(self, name):
        read.append(name)
        return original(self, name)

    monkeypatch.setattr(ziputil.ZipMembers, "read", spy)
    from annotator.formats.brat import iter_brat

    docs = iter_brat(str(archive))
    first = next(docs)
    assert first.id == "doc0" and read == ["ann1/doc0.txt", "ann1/doc0.ann"]  # nothing more
    assert [d.id for d in docs] == ["doc1", "doc2"] and len(read) == 6
    with app.app_context():
        project = create_project("Zip", preset="empty")
        report = import_annotations(project, read_annotation_files("brat", [archive]))
        assert report.spans == 3 and report.documents_created == 3
        assert {s.user.username for s in _spans(project)} == {"ann1"}
        db.session.rollback()


def test_doccano_zip_member_by_member(app, tmp_path):
    """doccano's export of a project: one ``<user>.jsonl`` per annotator in a zip."""
    archive = tmp_path / "export.zip"
    lines = {
        "alice": {"id": 1, "text": TEXT, "label": [[*_at("Zoë Lang"), "Source"]]},
        "bob": {"id": 1, "text": TEXT, "label": [[*_at("Berlin"), "Place"]]},
    }
    with zipfile.ZipFile(archive, "w") as zf:
        for who, line in lines.items():
            zf.writestr(f"{who}.jsonl", json.dumps(line) + "\n")
    with app.app_context():
        project = create_project("DocZip", preset="empty")
        report = import_annotations(project, read_annotation_files("doccano", [archive]))
        assert report.documents_created == 1 and report.spans == 2
        assert {(s.user.username, s.text) for s in _spans(project)} == {
            ("alice", "Zoë Lang"),
            ("bob", "Berlin"),
        }
        db.session.rollback()


# -- the bulk write: audit rows and the write stamp -----------------------------------------------


def test_bulk_write_keeps_audit_rows_and_write_stamp(app, tmp_path):
    folder = _brat_events(tmp_path)
    with app.app_context():
        project = create_project("Stamp", preset="empty")
        db.session.commit()
        before = write_stamp.stamp(db.session.connection(), project.id)
        report = import_annotations(project, read_annotation_files("brat", [folder]))
        db.session.commit()
        spans = _spans(project)
        events = db.session.execute(select(SpanEvent).order_by(SpanEvent.id)).scalars().all()
        assert [e.span_id for e in events] == sorted(s.id for s in spans)
        for event, span in zip(events, sorted(spans, key=lambda s: s.id), strict=True):
            assert event.action == "create" and event.before is None
            assert event.after == {
                "start": span.start,
                "end": span.end,
                "text": span.text,
                "attributes": span.attributes,
            }
            assert event.user_id == span.user_id and event.document_id == span.document_id
        after = write_stamp.stamp(db.session.connection(), project.id)
        if db.engine.dialect.name == "sqlite":  # one per row, as the row triggers count
            rows = report.spans + report.documents_created + len(report.labels_created)
            rows += len(report.users_created)  # their memberships
            rows += db.session.execute(select(func.count(Assignment.id))).scalar_one()
            members = db.session.execute(select(func.count(Membership.id))).scalar_one()
            assert members == len(report.users_created) == 1
            assert after - before == rows
            names = db.session.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
            assert {"write_stamp_span_insert", "write_stamp_document_insert"} <= set(names)
        else:  # PostgreSQL: once per writing transaction
            assert after > before


def test_counted_inserts_stamp_like_the_trigger_and_roll_back(app):
    sqlite = None
    with app.app_context():
        project = _project("Counted", {"X": []})
        user = User(username="u1", password_hash="")
        doc = Document(project_id=project.id, external_id="d", text=TEXT, sha256="x" * 64)
        db.session.add_all([user, doc])
        db.session.commit()
        sqlite = db.engine.dialect.name == "sqlite"
        connection = db.session.connection()
        start = write_stamp.stamp(connection, project.id)
        sql = text(
            'INSERT INTO span (document_id, user_id, label_id, start, "end", text, attributes, '
            "note, guidelines_version, source, version, created_at, updated_at) "
            "VALUES (:d, :u, :l, 0, 3, 'Zoë', '{}', '', 1, 'import', 1, :t, :t)"
        )
        values = {"d": doc.id, "u": user.id, "l": project.labels[0].id, "t": utcnow()}
        connection.execute(sql, values)  # the row trigger: one
        with write_stamp.counted_inserts(connection, "span", project.id) as counted:
            for _ in range(3):
                connection.execute(sql, values)
            counted[0] += 3  # three, in one statement
        connection.execute(sql, values)  # the trigger is back: one more
        db.session.commit()
        grown = write_stamp.stamp(db.session.connection(), project.id) - start
        assert grown == (5 if sqlite else 1)  # PostgreSQL: once per writing transaction
        connection = db.session.connection()  # a new transaction: nothing written yet
        with pytest.raises(RuntimeError):
            with write_stamp.counted_inserts(connection, "span", project.id):
                connection.execute(sql, values)
                raise RuntimeError("boom")
        db.session.rollback()
        if sqlite:  # the trigger is in place after the block, and after a rollback
            names = db.session.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
            assert "write_stamp_span_insert" in set(names)
