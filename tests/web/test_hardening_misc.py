"""Smaller findings: unknown fields on span create, a clear message for a gold accept without
span_id, no-store on the token page, a client_key race answered with the existing span,
secrets and the SQLite file private to their owner."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Label, Span
from tests.factories import make_world


@pytest.fixture
def world(app):
    with app.app_context():
        ids = make_world()
        ids["framing"] = db.session.execute(
            select(Label.id).where(Label.project_id == ids["project"], Label.name == "Framing")
        ).scalar_one()
        return ids


def _span(world, **extra):
    return {"label_id": world["framing"], "start": 0, "end": 7, "text": "Leaders", **extra}


def test_span_create_rejects_unknown_fields(client, auth, world):
    auth.login("alice")
    url = f"/api/v1/documents/{world['document']}/spans"
    response = client.post(url, json=_span(world, colour="red"))
    assert response.status_code == 400
    assert response.get_json()["error"] == "Unknown fields: colour."
    assert client.post(url, json=_span(world)).status_code == 201


def test_gold_accept_without_span_id_says_what_to_send(client, auth, world):
    auth.login("lena")
    url = f"/api/v1/curation/documents/{world['document']}/gold"
    response = client.post(url, json={"start": 0})
    assert response.status_code == 400
    assert "'span_id'" in response.get_json()["error"]


def test_token_page_is_not_cached(client, auth, world):
    auth.login("alice")
    assert client.get("/settings/tokens").headers["Cache-Control"] == "no-store"


def test_client_key_race_at_insert_answers_the_existing_span(app, client, auth, world, monkeypatch):
    """A retry (or a parallel one) is found by the INSERT itself (ON CONFLICT on the user's
    key): 200 with the span the first request made, never a 500 and never a second span; the
    span is looked up only then. Were it deleted in that instant: 409, nothing written."""
    auth.login("alice")
    url = f"/api/v1/documents/{world['document']}/spans"
    from annotator.api import annotate

    calls = []

    def counted(user, data, labels, _real=annotate.replayed_create):
        calls.append(1)
        return _real(user, data, labels)

    monkeypatch.setattr(annotate, "replayed_create", counted)
    first = client.post(url, json=_span(world, client_key="k-1"))
    assert first.status_code == 201 and calls == []  # a first save pays no look-up
    response = client.post(url, json=_span(world, client_key="k-1"))
    assert response.status_code == 200 and response.get_json() == first.get_json()
    assert calls == [1]
    monkeypatch.setattr(annotate, "replayed_create", lambda user, data, labels: None)
    gone = client.post(url, json=_span(world, client_key="k-1"))
    assert gone.status_code == 409 and "client_key" in gone.get_json()["error"]
    with app.app_context():
        assert len(db.session.execute(select(Span.id)).all()) == 1


def test_instance_secrets_are_private(tmp_path, monkeypatch):
    from annotator.cli import ensure_instance_secret
    from tests.conftest import make_app

    instance = tmp_path / "instance"
    monkeypatch.delenv("ANNOTATOR_SECRET_KEY", raising=False)
    monkeypatch.setenv("ANNOTATOR_INSTANCE_PATH", str(instance))
    ensure_instance_secret()
    assert stat.S_IMODE(os.stat(instance).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(instance / "config.py").st_mode) == 0o600
    database = tmp_path / "data" / "annotator.sqlite"
    database.parent.mkdir()
    app = make_app("sqlite:///" + str(database), str(tmp_path / "other-instance"))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "other-instance").st_mode) == 0o700


def test_interrupted_runs_are_marked_failed_at_start_up(app, world, monkeypatch):
    import runpy

    from annotator.models import ModelRun

    with app.app_context():
        for status in ("queued", "running", "finished"):
            db.session.add(ModelRun(project_id=world["project"], level="sentence", status=status))
        db.session.commit()
    monkeypatch.delenv("ANNOTATOR_REDIS_URL", raising=False)
    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("ANNOTATOR_SECRET_KEY", "a-real-secret-key")
    monkeypatch.setenv("ANNOTATOR_INSTANCE_PATH", app.instance_path)
    messages = []
    log = type("Log", (), {"warning": lambda self, *a: messages.append(a[0] % a[1:])})()
    runpy.run_path("gunicorn.conf.py")["on_starting"](type("S", (), {"log": log})())
    with app.app_context():
        rows = db.session.execute(select(ModelRun.status, ModelRun.error)).all()
    assert sorted(status for status, _ in rows) == ["failed", "failed", "finished"]
    assert all("Interrupted" in error for status, error in rows if status == "failed")
    assert messages == ["Marked 2 interrupted training run(s) as failed."]


def test_the_gunicorn_master_never_imports_the_database_drivers(app, world, tmp_path):
    """psycopg picks its way of waiting when it is imported: imported in the master before
    gevent patches the workers, every wait for PostgreSQL blocked a whole worker."""
    script = (
        "import runpy, sys\n"
        "log = type('Log', (), {'warning': lambda self, *a: print(a[0] % a[1:])})()\n"
        "runpy.run_path('gunicorn.conf.py')['on_starting'](type('S', (), {'log': log})())\n"
        "print(sorted(m for m in ('sqlalchemy', 'psycopg', 'annotator.app') if m in sys.modules))\n"
    )
    out = _run_in_a_new_process(
        script,
        ANNOTATOR_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        ANNOTATOR_INSTANCE_PATH=app.instance_path,
    )
    assert out[-1] == "[]"


def _run_in_a_new_process(script: str, **environ: str) -> list[str]:
    """Run ``script`` with this Python from the project's root (no Redis, a real secret key,
    the database of ``environ`` or none); the lines it printed."""
    import subprocess
    import sys

    env = dict(os.environ)
    for name in ("ANNOTATOR_REDIS_URL", "ANNOTATOR_DATABASE_URL"):
        env.pop(name, None)
    env.update(ANNOTATOR_SECRET_KEY="a-real-secret-key", **environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


def test_workers_give_freed_memory_back_after_imports_exports_and_big_bodies():
    import runpy

    give_back = runpy.run_path("gunicorn.conf.py")["_give_back_memory"]
    calls = []
    give_back.__globals__["MALLOC_TRIM"] = calls.append
    for environ in (
        {"PATH_INFO": "/projects/3/import", "CONTENT_LENGTH": "900"},
        {"PATH_INFO": "/api/v1/projects/3/export"},
        {"PATH_INFO": "/api/v1/documents/1/spans", "CONTENT_LENGTH": str(2**20)},
        {"PATH_INFO": "/api/v1/documents/1", "CONTENT_LENGTH": ""},
        {"PATH_INFO": "/api/v1/documents/1/spans", "CONTENT_LENGTH": "300"},
    ):
        give_back(environ)
    assert calls == [0, 0, 0]  # the first three only


def test_a_web_worker_loads_neither_numpy_nor_markdown_until_a_page_needs_them(tmp_path):
    """NumPy (~15 MB a worker) comes with agreement, learning curves and the classifier, and
    markdown-it (~4 MB) with rendered guidelines; a worker that serves spans and articles
    needs neither (issue 24's memory target), yet both still work when first used."""
    script = (
        "import sys, wsgi\n"
        "print(sorted(m for m in ('numpy', 'markdown_it', 'sklearn') if m in sys.modules))\n"
        "import annotator.agreement as agreement\n"
        "from annotator.services.projects.guidelines import render_guidelines\n"
        "print(agreement.span_prf([(0, 4, 'A')], [(0, 4, 'A')]).f1, 'span_prf' in dir(agreement),"
        " render_guidelines('# Hi'))\n"
    )
    out = _run_in_a_new_process(script, ANNOTATOR_INSTANCE_PATH=str(tmp_path))
    assert out[-2:] == ["[]", "1.0 True <h1>Hi</h1>"]
