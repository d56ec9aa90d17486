"""Training baselines from a project: CLI, background runs, the Model page and suggestions."""

import os
import time

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Label, ModelRun, Project, User
from tests.factories import make_document, make_span, make_world

SENTENCES = [
    "The minister said the reform is a disaster for families.",
    "Officials claimed the budget grew by ten percent.",
    "Critics warned of chaos at the border.",
    "The weather was mild on Tuesday.",
]


@pytest.fixture
def trained_world(app):
    """Eight articles, each annotated identically by alice and bob (Claim and Framing)."""
    with app.app_context():
        ids = make_world()
        project = db.session.get(Project, ids["project"])
        labels = dict(
            db.session.execute(
                select(Label.name, Label).where(Label.project_id == project.id)
            ).all()
        )
        people = [db.session.get(User, ids["alice"]), db.session.get(User, ids["bob"])]
        for n in range(8):
            text = " ".join(SENTENCES[(n + k) % 4] for k in range(4)) + f" Story {n}."
            doc = make_document(project, text, external_id=f"t{n}")
            for user in people:
                for fragment, label in (
                    ("claimed the budget grew", "Claim"),
                    ("a disaster", "Framing"),
                ):
                    start = text.index(fragment)
                    make_span(
                        user,
                        doc,
                        {
                            "label_id": labels[label].id,
                            "start": start,
                            "end": start + len(fragment),
                            "text": fragment,
                        },
                    )
        db.session.commit()
        return ids


def test_cli_trains_and_prints_metrics(app, runner, trained_world):
    result = runner.invoke(args=["train", "Bias study", "--level", "sentence", "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "Claim" in result.output and "majority F1" in result.output
    with app.app_context():
        run = db.session.execute(select(ModelRun)).scalar_one()
        assert run.status == "finished" and run.sources.get("majority") == 8
        assert os.path.exists(os.path.join(app.instance_path, "models", run.model_path))
        assert run.metrics["model"]["per_label"]["Claim"]["f1"] > 0.5
    span = runner.invoke(args=["train", "Bias study", "--level", "span", "--folds", "2"])
    assert span.exit_code == 0, span.output
    assert "F1 partial" in span.output


def test_cli_refuses_an_empty_project(runner, app):
    with app.app_context():
        make_world()
    result = runner.invoke(args=["train", "Bias study"])
    assert result.exit_code != 0 and "Training failed" in result.output


def test_background_run_from_the_model_page(app, client, auth, trained_world):
    auth.login("lena")
    started = time.monotonic()
    response = client.post(
        f"/projects/{trained_world['project']}/model/train",
        data={"level": "sentence", "folds": "2"},
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 5  # returns at once; the work is in the background
    with app.app_context():
        run_id = db.session.execute(select(ModelRun.id)).scalar_one()
    for _ in range(240):
        status = client.get(f"/api/v1/runs/{run_id}").get_json()
        if status["status"] in ("finished", "failed"):
            break
        time.sleep(0.25)
    assert status["status"] == "finished", status
    page = client.get(f"/projects/{trained_world['project']}/model").get_data(as_text=True)
    # A sentence model beside the annotators' sentence-level agreement (identical here: 1.000)
    assert "Human sentence F1" in page and "Human span F1" not in page and "Claim" in page
    assert '<td class="human-sentence">1.000</td>' in page
    assert "predicted yes" in page and "true: no" in page
    auth.logout()
    auth.login("alice")
    assert client.get(f"/api/v1/runs/{run_id}").status_code == 403
    assert client.get(f"/projects/{trained_world['project']}/model").status_code == 403


def test_suggestions_follow_the_projects_switches(app, client, auth, runner, trained_world):
    runner.invoke(args=["train", "Bias study", "--level", "span", "--folds", "2"])
    url = f"/api/v1/documents/{trained_world['document']}/suggestions"
    auth.login("alice")
    assert client.get(url).status_code == 403  # off by default
    with app.app_context():
        project = db.session.get(Project, trained_world["project"])
        project.suggestions = True
        db.session.commit()
    assert client.get(url).status_code == 403  # blind project, lead has not opted in
    with app.app_context():
        db.session.get(Project, trained_world["project"]).suggestions_in_blind = True
        db.session.commit()
    response = client.get(url)
    assert response.status_code == 200
    text = client.get(f"/api/v1/documents/{trained_world['document']}").get_json()
    for s in response.get_json()["suggestions"]:
        assert text["document"]["text"][s["start"] : s["end"]] == s["text"]
    assert text["project"]["suggestions"] is True
