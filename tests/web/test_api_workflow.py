"""Answers, assignment status, time on page, lead views, CSRF and read-only tokens."""

import re

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, DocumentQuestion, User
from annotator.services.accounts.tokens import create_token
from tests.conftest import make_app
from tests.factories import make_document, make_world


@pytest.fixture
def world(app):
    with app.app_context():
        ids = make_world()
        ids["question"] = db.session.execute(
            select(DocumentQuestion.id).where(DocumentQuestion.project_id == ids["project"])
        ).scalar_one()
    return ids


def url(world, tail=""):
    return f"/api/v1/documents/{world['document']}{tail}"


def test_answers_are_validated_and_returned(client, auth, world):
    auth.login("alice")
    answer = f"/answers/{world['question']}"
    assert client.put(url(world, answer), json={"value": 9}).status_code == 400
    assert client.put(url(world, answer), json={"value": "4"}).status_code == 200
    assert client.put(url(world, answer), json={"value": 2}).status_code == 200
    assert client.put(url(world, "/answers/999"), json={"value": "1"}).status_code == 404
    data = client.get(url(world)).get_json()
    assert data["answers"] == {str(world["question"]): "2"}
    assert data["questions"][0]["options"] == ["1", "2", "3", "4", "5"]


def test_status_done_and_skip_need_valid_input(app, client, auth, world):
    auth.login("alice")
    assert client.post(url(world, "/status"), json={"status": "finished"}).status_code == 400
    assert client.post(url(world, "/status"), json={"status": "skipped"}).status_code == 400
    skipped = client.post(url(world, "/status"), json={"status": "skipped", "reason": "paywall"})
    assert skipped.status_code == 200
    done = client.post(url(world, "/status"), json={"status": "done"})
    assert done.get_json() == {"status": "done", "next_document_id": None}
    with app.app_context():
        row = db.session.execute(
            select(Assignment).join(User).where(User.username == "alice")
        ).scalar_one()
        assert row.status == "done" and row.finished_at is not None


def test_done_returns_the_next_article(app, client, auth, world):
    with app.app_context():
        from annotator.models import Project
        from annotator.services.projects.assigning import assign

        project = db.session.get(Project, world["project"])
        second = make_document(project, "A second article.", external_id="second")
        assign(project)
        db.session.commit()
        second_id = second.id
    auth.login("alice")
    done = client.post(url(world, "/status"), json={"status": "done"}).get_json()
    assert done["next_document_id"] == second_id


def test_time_is_added_only_within_bounds(app, client, auth, world):
    auth.login("alice")
    assert client.post(url(world, "/time"), json={"seconds": 15}).status_code == 200
    assert client.post(url(world, "/time"), json={"seconds": 14.6}).status_code == 200
    assert client.post(url(world, "/time"), json={"seconds": -1}).status_code == 400
    assert client.post(url(world, "/time"), json={"seconds": 100000}).status_code == 400
    assert client.post(url(world, "/time"), json={"seconds": "5"}).status_code == 400
    with app.app_context():
        seconds = db.session.execute(
            select(Assignment.seconds_spent).join(User).where(User.username == "alice")
        ).scalar_one()
    assert seconds == 30


def test_lead_reads_annotators_versions_but_annotators_cannot(client, auth, world):
    auth.login("alice")
    client.post(
        url(world, "/spans"),
        json={
            "label_id": client.get(url(world)).get_json()["labels"][0]["id"],
            "start": 10,
            "end": 13,
            "text": "met",
        },
    )
    assert client.get(url(world, "?annotator=bob")).status_code == 403
    auth.logout()
    auth.login("bob")
    assert client.get(url(world)).get_json()["spans"] == []  # blind
    auth.logout()
    auth.login("lena")
    alice = client.get(url(world, "?annotator=alice")).get_json()
    assert alice["viewer"]["read_only"] and [s["text"] for s in alice["spans"]] == ["met"]
    lanes = client.get(url(world, "?annotator=*")).get_json()["lanes"]
    assert {k: len(v) for k, v in lanes.items()} == {"alice": 1, "bob": 0}
    assert client.get(url(world, "?annotator=nobody")).status_code == 404
    assert sorted(client.get(url(world)).get_json()["annotators"]) == ["alice", "bob"]


def test_hidden_outlet_is_not_sent_to_annotators(app, client, auth, world):
    with app.app_context():
        from annotator.models import Project

        db.session.get(Project, world["project"]).hide_outlet = True
        db.session.commit()
    auth.login("alice")
    assert "outlet" not in client.get(url(world)).get_json()["document"]
    auth.logout()
    auth.login("lena")
    assert client.get(url(world)).get_json()["document"]["outlet"] == "Daily Example"


def test_csrf_token_is_required_for_session_writes(database_url, _schema, tmp_path):
    app = make_app(database_url, str(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tests.conftest import _empty_tables

        _empty_tables()
        ids = make_world()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    login = client.post(
        "/login", data={"username": "alice", "password": "correct-horse-1", "csrf_token": token}
    )
    assert login.status_code == 302
    # login starts a new session with a new CSRF secret: the page's token from before is void
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = {"seconds": 5}
    without = client.post(f"/api/v1/documents/{ids['document']}/time", json=body)
    assert without.status_code == 400 and "token" in without.get_json()["error"].lower()
    with_token = client.post(
        f"/api/v1/documents/{ids['document']}/time", json=body, headers={"X-CSRFToken": token}
    )
    assert with_token.status_code == 200
    with app.app_context():
        _empty_tables()


def test_bearer_tokens_read_but_never_write(app, client, world):
    with app.app_context():
        alice = db.session.get(User, world["alice"])
        _, raw = create_token(alice, "laptop")
        db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(url(world), headers=headers).status_code == 200
    write = client.post(url(world, "/time"), json={"seconds": 1}, headers=headers)
    assert write.status_code == 403
    bad = client.get(url(world), headers={"Authorization": "Bearer ann_wrong"})
    assert bad.status_code == 401
    assert client.get("/", headers=headers).status_code == 302  # tokens are for /api/ only


def test_tokens_carry_only_their_owners_rights(app, client, world):
    with app.app_context():
        alice = db.session.get(User, world["alice"])
        lena = db.session.get(User, world["lead"])
        _, alice_raw = create_token(alice, "script")
        _, lena_raw = create_token(lena, "script")
        db.session.commit()
    project = world["project"]
    as_alice = {"Authorization": f"Bearer {alice_raw}"}
    as_lena = {"Authorization": f"Bearer {lena_raw}"}
    assert client.get(f"/api/v1/projects/{project}/export", headers=as_alice).status_code == 403
    assert client.get(f"/api/v1/projects/{project}/agreement", headers=as_alice).status_code == 403
    assert client.get(f"/api/v1/projects/{project}/export", headers=as_lena).status_code == 200
    assert (
        client.get(f"/api/v1/projects/{world['other']}/spans", headers=as_alice).status_code == 404
    )
    spans = client.get(f"/api/v1/projects/{project}/spans", headers=as_alice).get_json()
    assert all(s["annotator"] == "alice" for s in spans["spans"])


def test_revoked_token_stops_working(app, client, auth, world):
    auth.login("alice")
    page = client.post("/settings/tokens", data={"name": "laptop"})
    raw = re.search(r"(ann_[A-Za-z0-9_-]+)", page.get_data(as_text=True)).group(1)
    fresh = app.test_client(use_cookies=False)
    assert (
        fresh.get("/api/v1/projects", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    )
    with app.app_context():
        from annotator.models import ApiToken

        token_id = db.session.execute(select(ApiToken.id)).scalar_one()
        stored = db.session.execute(select(ApiToken.token_hash)).scalar_one()
    assert raw not in stored  # only the hash is kept
    client.post(f"/settings/tokens/{token_id}/revoke")
    assert (
        fresh.get("/api/v1/projects", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    )
