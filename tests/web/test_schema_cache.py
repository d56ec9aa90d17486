"""The per-process schema cache: reused while a project's labels and questions are unchanged,
rebuilt as soon as any of them changes — also when another process (here: another app on the
same database) made the change."""

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Label, Project
from annotator.services.projects.projects import delete_label, save_label, save_question
from tests.conftest import make_app
from tests.factories import make_world


def _labels(client, document_id):
    return [
        lb["name"] for lb in client.get(f"/api/v1/documents/{document_id}").get_json()["labels"]
    ]


def _questions(client, document_id):
    data = client.get(f"/api/v1/documents/{document_id}").get_json()
    return [q["name"] for q in data["questions"]]


def test_changes_made_by_another_process_reach_the_cached_schema(app, database_url, tmp_path):
    with app.app_context():
        ids = make_world()
    other = make_app(database_url, str(tmp_path / "other"))
    with other.test_client() as client:
        client.post("/login", data={"username": "alice", "password": "correct-horse-1"})
        before = _labels(client, ids["document"])
        assert "Claim" in before
        assert _labels(client, ids["document"]) == before  # served from the cache
        with app.app_context():  # the first app renames a label and adds one and a question
            project = db.session.get(Project, ids["project"])
            claim = db.session.execute(
                select(Label).where(Label.project_id == project.id, Label.name == "Claim")
            ).scalar_one()
            save_label(project, name="Assertion", color="#123456", shortcut="", label=claim)
            save_label(project, name="Irony", color="#654321", shortcut="")
            save_question(project, name="tone", text="Tone?", kind="likert", scale=3)
            db.session.commit()
        after = _labels(client, ids["document"])
        assert "Assertion" in after and "Irony" in after and "Claim" not in after
        assert "tone" in _questions(client, ids["document"])
        with app.app_context():
            irony = db.session.execute(select(Label).where(Label.name == "Irony")).scalar_one()
            delete_label(irony)
            db.session.commit()
        assert "Irony" not in _labels(client, ids["document"])
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_apps_on_two_databases_never_serve_each_others_schema(app, tmp_path):
    """Project and document ids repeat across databases; each app keeps its own cache."""
    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite'}", str(tmp_path / "other"))
    with other.app_context():
        db.create_all()
    worlds = {}
    for name, each in (("first", app), ("second", other)):
        with each.app_context():
            worlds[name] = make_world()
            if name == "second":
                project = db.session.get(Project, worlds[name]["project"])
                save_label(project, name="Only-in-second", color="#123456", shortcut="")
                db.session.commit()
    clients = {}
    for name, each in (("first", app), ("second", other)):
        clients[name] = each.test_client()
        clients[name].post("/login", data={"username": "alice", "password": "correct-horse-1"})
    assert worlds["first"]["document"] == worlds["second"]["document"]
    for _ in range(2):
        assert "Only-in-second" in _labels(clients["second"], worlds["second"]["document"])
        assert "Only-in-second" not in _labels(clients["first"], worlds["first"]["document"])
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
