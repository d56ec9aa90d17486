"""Gold flowing on: the merge form, exports with gold, agreement against gold, the CLI."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import GoldSpan, Project
from tests.factories import make_world
from tests.web.test_curation_api import TEXT, add

C = "/api/v1/curation"


@pytest.fixture
def world(app):
    with app.app_context():
        ids = make_world()
        add(ids, "alice", "met in Geneva")
        add(ids, "bob", "met in Geneva")
        add(ids, "alice", "they said", "Source")
        add(ids, "bob", "A new chapter", "Quote")
        return ids


def test_merge_form_prefills_gold(app, client, auth, world):
    auth.login("lena")
    url = f"/projects/{world['project']}/curation/merge"
    response = client.post(url, data={"min_votes": "2", "match": "exact"})
    assert response.status_code == 302
    page = client.get(f"/projects/{world['project']}/curation").get_data(as_text=True)
    assert "Pre-filled gold on 1 articles: 1 spans" in page
    bad = client.post(url, data={"min_votes": "many"}, follow_redirects=True)
    assert "whole number" in bad.get_data(as_text=True)
    curate = client.get(f"/projects/{world['project']}/documents/{world['document']}/curate")
    assert curate.status_code == 200 and b"js/curation/curate.js" in curate.data
    assert b"Curation" in client.get(f"/projects/{world['project']}").data


def test_exports_carry_gold(app, client, auth, world):
    auth.login("lena")
    client.post(f"{C}/projects/{world['project']}/merge", json={})
    response = client.get(f"/api/v1/projects/{world['project']}/export?format=jsonl&content=gold")
    [line] = response.get_data(as_text=True).splitlines()
    record = json.loads(line)
    gold = record.get("gold") or record.get("spans")
    assert [(g["label"], TEXT[g["start"] : g["end"]]) for g in gold] == [("Claim", "met in Geneva")]


def test_agreement_reports_each_annotator_against_gold(app, client, auth, world, runner):
    auth.login("lena")
    for who in ("alice", "bob"):
        auth.logout()
        auth.login(who)
        client.post(f"/api/v1/documents/{world['document']}/status", json={"status": "done"})
    auth.logout()
    auth.login("lena")
    before = client.get(f"/api/v1/projects/{world['project']}/agreement").get_json()
    assert "gold" not in before
    client.post(f"{C}/projects/{world['project']}/merge", json={})
    report = client.get(f"/api/v1/projects/{world['project']}/agreement").get_json()
    assert set(report["gold"]) == {"alice", "bob"}
    assert report["gold"]["alice"]["f1_exact"] == pytest.approx(2 / 3)
    html = client.get(f"/projects/{world['project']}/agreement").get_data(as_text=True)
    assert "gold-agreement" in html
    result = runner.invoke(args=["agreement", "Bias study", "--bootstrap", "0"])
    assert result.exit_code == 0 and "against gold:" in result.output
    assert "alpha" in result.output.split("against gold:")[1]


def test_cli_adjudicate(app, runner, world):
    result = runner.invoke(
        args=["adjudicate", "Bias study", "--min-votes", "1", "--match", "overlap"]
    )
    assert result.exit_code == 0, result.output
    assert "3 gold spans" in result.output and "Quote" in result.output
    again = runner.invoke(args=["adjudicate", "Bias study", "--min-votes", "1"])
    assert "0 gold spans" in again.output
    with app.app_context():
        project = db.session.execute(
            select(Project).where(Project.name == "Bias study")
        ).scalar_one()
        assert project is not None
        assert db.session.execute(select(func.count(GoldSpan.id))).scalar_one() == 3
    bad = runner.invoke(args=["adjudicate", "No such project"])
    assert bad.exit_code == 1
    assert runner.invoke(args=["adjudicate", "Bias study", "--match", "fuzzy"]).exit_code == 2
