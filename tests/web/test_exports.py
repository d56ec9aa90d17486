"""Exports from the database and imports of other tools' annotations, end to end.

Round trip for every format that carries annotations: export -> import into a new project ->
export gives identical bytes.
"""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.formats import parse_labelstudio
from annotator.models import Document, Label, Project, Span, User
from annotator.services.errors import ServiceError
from annotator.services.projects.projects import create_project
from annotator.services.transfer.annotation_import import import_annotations, read_annotation_files
from annotator.services.transfer.exporting import ExportRequest, stream
from tests.factories import make_document, make_span, make_world

TEXT = "Leaders 🤝 met in Geneva. “A new chapter,” they said.\nCafé owners said no."


def _label(project_id, name):
    return db.session.execute(
        select(Label).where(Label.project_id == project_id, Label.name == name)
    ).scalar_one()


def _span(user, doc, label, fragment, **extra):
    start = doc.text.index(fragment)
    body = {"label_id": label.id, "start": start, "end": start + len(fragment), "text": fragment}
    body.update(extra)
    return make_span(user, doc, body)


@pytest.fixture
def annotated(app):
    """A project with overlapping spans, emoji, attributes, notes and a quote->speaker link."""
    with app.app_context():
        ids = make_world()
        project = db.session.get(Project, ids["project"])
        doc = make_document(project, TEXT, external_id="geneva-2", outlet="Wire")
        alice = db.session.get(User, ids["alice"])
        bob = db.session.get(User, ids["bob"])
        quote, source = _label(project.id, "Quote"), _label(project.id, "Source")
        claim, framing = _label(project.id, "Claim"), _label(project.id, "Framing")
        speaker = _span(alice, doc, source, "they")
        _span(
            alice,
            doc,
            quote,
            "A new chapter",
            note="ironic?",
            attributes={"speaker": speaker["id"], "form": "direct"},
        )
        _span(
            alice, doc, claim, "met in Geneva", attributes={"type": "factual", "check-worthy": True}
        )
        _span(alice, doc, framing, "Geneva", attributes={"frame": "Political"})
        _span(bob, doc, claim, "Leaders 🤝 met")
        _span(bob, doc, quote, "A new chapter", attributes={"speaker": "the leaders"})
        _span(bob, doc, source, "Café owners")
        db.session.commit()
        return ids


def export_bytes(project_name, fmt, **options):
    project = db.session.execute(select(Project).where(Project.name == project_name)).scalar_one()
    return b"".join(stream(project, ExportRequest(format=fmt, **options)))


@pytest.mark.parametrize(
    "fmt, suffix",
    [("jsonl", ".jsonl"), ("doccano", ".zip"), ("labelstudio", ".json"), ("brat", ".zip")],
)
def test_round_trip_through_a_new_project_is_identical(app, annotated, tmp_path, fmt, suffix):
    reader = "doccano" if fmt == "doccano" else fmt
    with app.app_context():
        first = export_bytes("Bias study", fmt)
        path = tmp_path / f"export{suffix}"
        path.write_bytes(first)
        target = create_project("Copy", preset="empty")
        report = import_annotations(target, read_annotation_files(reader, [path]))
        db.session.commit()
        assert report.spans == 7
        second = export_bytes("Copy", fmt)
    if suffix == ".zip":
        a, b = zipfile.ZipFile(io.BytesIO(first)), zipfile.ZipFile(io.BytesIO(second))
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name == "annotation.conf":  # the project's schema: the copy has only what it read
                names = [{line.split(b"\t")[0] for line in z.read(name).splitlines()}
                         for z in (a, b)]  # fmt: skip
                assert names[1] <= names[0]
                continue
            assert a.read(name) == b.read(name), name
        return
    if fmt == "labelstudio":  # the copy's attributes are typed text: choices become textareas
        a, b = parse_labelstudio(first), parse_labelstudio(second)
        assert [(d.id, d.text, d.spans, d.gold) for d in a] == [
            (d.id, d.text, d.spans, d.gold) for d in b
        ]
        assert sum(1 for d in a for s in d.spans if "speaker" in s.attributes) == 1
        return
    assert first == second


def test_import_into_preset_project_relinks_speakers(app, annotated, tmp_path):
    with app.app_context():
        path = tmp_path / "export.jsonl"
        path.write_bytes(export_bytes("Bias study", "jsonl"))
        target = create_project("Preset copy", preset="media-bias")
        import_annotations(target, read_annotation_files("jsonl", [path]))
        db.session.commit()
        quote = _label(target.id, "Quote")
        spans = db.session.execute(select(Span).where(Span.label_id == quote.id)).scalars().all()
        linked = [s for s in spans if isinstance(s.attributes.get("speaker"), int)]
        assert len(linked) == 1
        speaker = db.session.get(Span, linked[0].attributes["speaker"])
        assert speaker.text == "they" and speaker.document_id == linked[0].document_id
        assert export_bytes("Preset copy", "jsonl") == export_bytes("Bias study", "jsonl")


def test_bad_import_names_file_and_line_and_writes_nothing(app, tmp_path):
    with app.app_context():
        target = create_project("Target", preset="empty")
        db.session.commit()
        bad = tmp_path / "bad.jsonl"
        bad.write_text(
            '{"text": "Hello world", "label": [[0, 5, "X"]]}\n'
            '{"text": "Hi", "label": [[0, 9, "X"]]}\n',
            encoding="utf-8",
        )
        with pytest.raises(ServiceError) as exc:
            import_annotations(target, read_annotation_files("doccano", [bad]))
        assert "bad.jsonl:2" in exc.value.message
        db.session.rollback()
        assert db.session.execute(select(func.count(Document.id))).scalar_one() == 0


def test_import_creates_inactive_users_and_labels(app, tmp_path):
    with app.app_context():
        target = create_project("Target", preset="empty")
        path = tmp_path / "tool.jsonl"
        path.write_text(
            '{"id": "a1", "text": "Hello world", "label": [[6, 11, "Place"]]}\n', encoding="utf-8"
        )
        report = import_annotations(
            target, read_annotation_files("doccano", [path], annotator="zoe")
        )
        db.session.commit()
        assert report.users_created == ["zoe"] and report.labels_created == ["Place"]
        zoe = db.session.execute(select(User).where(User.username == "zoe")).scalar_one()
        assert not zoe.active


def test_offsets_that_do_not_match_are_reported(app, tmp_path):
    with app.app_context():
        create_project("Target", preset="empty")
        path = tmp_path / "ls.json"
        path.write_text(
            '[{"id": 1, "data": {"text": "Hello world"}, "annotations": [{"result": '
            '[{"from_name": "label", "to_name": "text", "type": "labels", "value": '
            '{"start": 0, "end": 5, "text": "Jello", "labels": ["X"]}}]}]}]',
            encoding="utf-8",
        )
        with pytest.raises(ServiceError) as exc:
            read_annotation_files("labelstudio", [path])
        assert "ls.json" in exc.value.message


def test_streaming_download_for_leads_only(client, auth, annotated):
    auth.login("lena")
    response = client.get(f"/api/v1/projects/{annotated['project']}/export?format=csv")
    assert response.status_code == 200 and response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).count("\n") >= 8
    bundle = client.get(f"/api/v1/projects/{annotated['project']}/export?format=jsonl&bundle=1")
    archive = zipfile.ZipFile(io.BytesIO(bundle.data))
    assert "README.md" in archive.namelist()
    card = archive.read("README.md").decode()
    assert "Quote" in card and "load_dataset" in card
    assert (
        client.get(f"/api/v1/projects/{annotated['project']}/export?format=xml").status_code == 400
    )
    assert client.get(f"/projects/{annotated['project']}/export").status_code == 200
    auth.logout()
    auth.login("alice")
    assert client.get(f"/api/v1/projects/{annotated['project']}/export").status_code == 403


def test_filters_and_majority(app, annotated):
    with app.app_context():
        only_bob = export_bytes("Bias study", "csv", annotators=["bob"]).decode()
        assert "alice" not in only_bob and only_bob.count("bob") == 3
        quotes = export_bytes("Bias study", "doccano-merged", labels=["Quote"]).decode()
        assert (
            "Claim" not in quotes and quotes.count('"Quote"') == 1
        )  # merged: identical spans once
        majority = export_bytes("Bias study", "jsonl", content="majority").decode()
        assert majority.count('"annotator":"majority"') == 1  # both marked the quote


def test_cli_export_and_import(app, annotated, runner, tmp_path):
    out = tmp_path / "spans.jsonl"
    result = runner.invoke(args=["export", "Bias study", "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 articles, 7 spans. Done in " in result.output
    runner.invoke(args=["create-project", "Copy", "--preset", "empty", "--lead", "lena"])
    imported = runner.invoke(args=["import-annotations", "Copy", "--format", "jsonl", str(out)])
    assert imported.exit_code == 0, imported.output
    assert "Imported 7 spans" in imported.output
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    failed = runner.invoke(args=["import-annotations", "Copy", "--format", "labelstudio", str(bad)])
    assert failed.exit_code != 0 and "bad.json" in failed.output


def test_stream_writes_blocks_and_counts(app, annotated):
    from annotator.services.transfer import exporting

    assert list(exporting._blocks(iter([b"ab", b"cd", b"e", b"fgh"]), 3)) == [b"abcd", b"efgh"]
    assert list(exporting._blocks(iter([b"ab", b"c", b"d"]), 3)) == [b"abc", b"d"]
    with app.app_context():
        project = db.session.get(Project, annotated["project"])
        tally = exporting.Tally()
        blocks = list(exporting.stream(project, ExportRequest(format="csv"), tally))
        assert (tally.documents, tally.spans) == (2, 7)
        assert len(blocks) == 1  # a small export is one block, not one chunk per article
        assert b"".join(blocks) == export_bytes("Bias study", "csv")
        bundle = b"".join(exporting.stream(project, ExportRequest(format="jsonl", bundle=True)))
        data = zipfile.ZipFile(io.BytesIO(bundle)).read("bias-study-raw-jsonl.jsonl")
        assert data == export_bytes("Bias study", "jsonl")
