"""Heavy reports come from the report cache until the project's next write, whoever writes.

The write stamp is kept by database triggers (``models/write_stamp``): every write path is
covered, ORM, Core and raw SQL, on SQLite and PostgreSQL. Two apps on one database stand for
two worker processes.
"""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select, text, update

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    DocumentAnswer,
    DocumentQuestion,
    GoldSpan,
    Label,
    Outlet,
    Project,
    ReportCache,
    Span,
    write_stamp,
)
from annotator.services import report_cache
from annotator.services.analysis import agreement
from tests.conftest import make_app
from tests.factories import make_world
from tests.web.test_agreement_views import add_span, annotate_both


@pytest.fixture
def world(app):
    with app.app_context():
        return make_world()


def _stamp(project_id: int) -> int:
    db.session.rollback()  # a fresh snapshot
    return write_stamp.stamp(db.session.connection(), project_id)


@pytest.fixture
def builds(monkeypatch):
    """How many times the agreement report was really built."""
    calls = []
    real = agreement._report

    def counting(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(agreement, "_report", counting)
    return calls


def test_every_kind_of_write_changes_the_stamp(app, world):
    with app.app_context():
        pid = world["project"]
        other = _stamp(world["other"])
        seen = [_stamp(pid)]

        def changed() -> None:
            db.session.commit()
            seen.append(_stamp(pid))
            assert seen[-1] != seen[-2], f"write {len(seen) - 1} left the stamp at {seen[-1]}"

        doc = db.session.get(Document, world["document"])
        label = db.session.scalars(select(Label).where(Label.project_id == pid)).first()
        db.session.add(Span(document_id=doc.id, user_id=world["alice"], label_id=label.id,
                            start=0, end=7, text="Leaders"))  # fmt: skip
        changed()  # ORM insert
        db.session.execute(update(Span).values(start=1, text="eaders"))
        changed()  # Core update through a document
        db.session.add(
            GoldSpan(document_id=doc.id, label_id=label.id, start=0, end=7, text="Leaders")
        )
        changed()
        db.session.execute(
            update(Assignment).where(Assignment.project_id == pid).values(status="done")
        )
        changed()  # by project_id
        label.name = "Renamed"
        changed()
        db.session.add(Outlet(project_id=pid, name="Wire", key="wire"))
        changed()
        question = DocumentQuestion(project_id=pid, name="tone", text="Tone?", kind="choice",
                                    options=["a", "b"])  # fmt: skip
        db.session.add(question)
        db.session.flush()
        db.session.add(DocumentAnswer(document_id=doc.id, user_id=world["alice"],
                                      question_id=question.id, value="a"))  # fmt: skip
        changed()
        db.session.execute(text("DELETE FROM span"))
        changed()  # raw SQL
        db.session.delete(db.session.get(Document, doc.id))
        changed()  # a document (its rows go by cascade)
        with db.engine.begin() as connection:  # folding the log rows keeps the stamp
            write_stamp.compact(connection, pid)
        assert _stamp(pid) == seen[-1]
        db.session.execute(update(Project).where(Project.id == pid).values(description="x"))
        db.session.commit()
        assert _stamp(pid) == seen[-1]  # the project's own settings are not its data
        assert _stamp(world["other"]) == other  # another project's stamp stays


def test_a_rolled_back_write_leaves_the_stamp(app, world):
    with app.app_context():
        before = _stamp(world["project"])
        db.session.execute(update(Span).values(note="x"))  # no spans: no rows, no change
        db.session.execute(update(Document).values(title="changed"))
        db.session.rollback()
        assert _stamp(world["project"]) == before


def test_repeated_views_answer_from_the_cache_until_a_write(client, auth, world, builds):
    annotate_both(client, auth, world)
    auth.login("lena")
    url = f"/api/v1/projects/{world['project']}/agreement"
    first = client.get(url).get_json()
    assert client.get(url).get_json() == first
    page = client.get(f"/projects/{world['project']}/agreement")
    assert page.status_code == 200 and "agreement-table" in page.get_data(as_text=True)
    # API and page ask for different bootstrap sizes: two builds for three views
    assert len(builds) == 2
    curation = client.get(f"/projects/{world['project']}/curation")
    model = client.get(f"/projects/{world['project']}/model")
    assert curation.status_code == model.status_code == 200
    assert len(builds) == 3  # the queue and the model page share one report
    auth.logout()
    auth.login("alice")
    add_span(client, world, "Leaders")  # a write invalidates
    auth.logout()
    auth.login("lena")
    after = client.get(url).get_json()
    assert len(builds) == 4
    assert after["per_annotator"]["alice"] != first["per_annotator"]["alice"]
    assert after["per_annotator"]["alice"]["spans"] == 3


def test_the_cached_report_equals_a_fresh_one(app, client, auth, world):
    annotate_both(client, auth, world)
    with app.app_context():
        project = db.session.get(Project, world["project"])
        built = agreement.report_for(project, n_boot=50)
        assert db.session.scalar(select(ReportCache.kind)) == "agreement"
        again = agreement.report_for(project, n_boot=50)
        app.config["REPORT_CACHE"] = False
        fresh = agreement.report_for(project, n_boot=50)
    assert again == built == fresh


def test_another_worker_uses_the_stored_report(app, client, auth, world, builds, database_url,
                                               tmp_path):  # fmt: skip
    annotate_both(client, auth, world)
    with app.app_context():
        agreement.report_for(db.session.get(Project, world["project"]), n_boot=20)
    assert len(builds) == 1
    second = make_app(database_url, str(tmp_path / "other-instance"))
    with second.app_context():
        report = agreement.report_for(db.session.get(Project, world["project"]), n_boot=20)
        assert len(builds) == 1  # stored by the first app, read by the second
        db.session.execute(update(Span).values(note="edited elsewhere"))
        db.session.commit()
        db.engine.dispose()
    with app.app_context():
        again = agreement.report_for(db.session.get(Project, world["project"]), n_boot=20)
    assert len(builds) == 2 and again["status"] == report["status"] == "ok"


def test_uncommitted_writes_are_neither_served_nor_stored(app, client, auth, world, builds):
    annotate_both(client, auth, world)
    with app.app_context():
        project = db.session.get(Project, world["project"])
        agreement.report_for(project, n_boot=0)
        db.session.execute(text("DELETE FROM span"))  # not committed
        pending = agreement.report_for(project, n_boot=0)
        assert pending["status"] == "not enough data" and len(builds) == 2
        db.session.rollback()
        assert agreement.report_for(project, n_boot=0)["status"] == "ok"
        assert len(builds) == 2  # the stored report still holds: nothing was committed


def test_encoding_keeps_python_types():
    value = {
        "t": (1, "a", (2.5, None)),
        "ints": {1: "one", (2, 3): [True, False]},
        "nan": math.nan,
        "inf": [math.inf, -math.inf],
        "\x00t": "a key that looks like a tag",
        "text": "Leaders 🤝",
    }
    back = report_cache.decode(report_cache.encode(value))
    assert math.isnan(back.pop("nan")) and math.isnan(value.pop("nan"))
    assert back == value and type(back["t"]) is tuple and type(back["t"][2]) is tuple
    with pytest.raises(TypeError):
        report_cache.encode({"when": object()})
