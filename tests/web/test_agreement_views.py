"""The agreement dashboard, its JSON endpoint and the CLI, on real spans from the API."""

import json

import pytest

from tests.factories import make_world

TEXT = "Leaders 🤝 met in Geneva. “A new chapter,” they said."


def add_span(client, world, fragment, label_index=1):
    labels = client.get(f"/api/v1/documents/{world['document']}").get_json()["labels"]
    start = TEXT.index(fragment)
    response = client.post(
        f"/api/v1/documents/{world['document']}/spans",
        json={
            "label_id": labels[label_index]["id"],
            "start": start,
            "end": start + len(fragment),
            "text": fragment,
        },
    )
    assert response.status_code == 201


@pytest.fixture
def world(app):
    with app.app_context():
        return make_world()


def annotate_both(client, auth, world):
    for who, fragments in (
        ("alice", ["met in Geneva", "they said"]),
        ("bob", ["met in Geneva", "A new chapter"]),
    ):
        auth.login(who)
        for fragment in fragments:
            add_span(client, world, fragment)
        client.post(f"/api/v1/documents/{world['document']}/status", json={"status": "done"})
        auth.logout()


def test_empty_project_says_not_enough_data(client, auth, world):
    auth.login("lena")
    page = client.get(f"/projects/{world['project']}/agreement")
    assert page.status_code == 200
    assert b"Not enough data" in page.data
    api = client.get(f"/api/v1/projects/{world['project']}/agreement").get_json()
    assert api["status"] == "not enough data"


def test_dashboard_shows_figures_for_two_annotators(client, auth, world):
    annotate_both(client, auth, world)
    auth.login("lena")
    page = client.get(f"/projects/{world['project']}/agreement")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "agreement-table" in html and "<svg" in html and "side by side" in html
    report = client.get(f"/api/v1/projects/{world['project']}/agreement").get_json()
    assert report["status"] == "ok"
    # one exact match out of two spans each: exact F1 = 0.5 for the pair
    assert report["overall"]["span_f1_exact"] == pytest.approx(0.5)
    assert set(report["per_annotator"]) == {"alice", "bob"}


def test_annotators_cannot_see_the_dashboard(client, auth, world):
    auth.login("alice")
    assert client.get(f"/projects/{world['project']}/agreement").status_code == 403
    assert client.get(f"/api/v1/projects/{world['project']}/agreement").status_code == 403


def test_agreement_cli(client, auth, world, runner):
    annotate_both(client, auth, world)
    text = runner.invoke(args=["agreement", "Bias study", "--bootstrap", "50"])
    assert text.exit_code == 0, text.output
    assert "(all)" in text.output and "Claim" in text.output
    as_json = runner.invoke(args=["agreement", "Bias study", "--json", "--bootstrap", "0"])
    assert json.loads(as_json.output)["status"] == "ok"
    missing = runner.invoke(args=["agreement", "Nope"])
    assert missing.exit_code != 0 and "No project" in missing.output
