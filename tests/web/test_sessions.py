"""Sessions have a server-side identity: logout, a new password and an admin's "sign out
everywhere" end every copy of a session cookie; login starts a fresh session (new CSRF
secret); cookies expire server-side after ``PERMANENT_SESSION_LIFETIME`` (12 h by default)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from annotator.config import from_environment
from annotator.extensions import db
from annotator.models import User
from tests.conftest import make_app
from tests.factories import make_world


@pytest.fixture
def world(app):
    with app.app_context():
        return make_world()


def _copy_of(client, app):
    """A second client holding the same session cookie (as an attacker who copied it)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _reads(client, world) -> bool:
    return client.get(f"/api/v1/documents/{world['document']}").status_code == 200


def test_logout_ends_a_copied_cookie(app, client, auth, world):
    auth.login("alice")
    thief = _copy_of(client, app)
    assert _reads(thief, world)
    auth.logout()
    assert not _reads(thief, world)
    response = thief.post(f"/api/v1/documents/{world['document']}/time", json={"seconds": 5})
    assert response.status_code == 401
    assert not _reads(client, world)


def test_logout_ends_the_users_other_sessions_too(app, client, auth, world):
    auth.login("alice")
    laptop = app.test_client()
    laptop.post("/login", data={"username": "alice", "password": "correct-horse-1"})
    assert _reads(laptop, world)
    auth.logout()
    assert not _reads(laptop, world)


def test_other_users_sessions_survive_a_logout(app, client, auth, world):
    bob = app.test_client()
    bob.post("/login", data={"username": "bob", "password": "correct-horse-1"})
    auth.login("alice")
    auth.logout()
    assert _reads(bob, world)


def test_new_password_ends_sessions(app, client, auth, world):
    auth.login("alice")
    assert _reads(client, world)
    with app.app_context():
        db.session.get(User, world["alice"]).set_password("another-password-2")
        db.session.commit()
    assert not _reads(client, world)
    assert auth.login("alice", "another-password-2").status_code == 302
    assert _reads(client, world)


def test_admin_signs_a_user_out_everywhere(app, client, auth, world):
    alice = app.test_client()
    alice.post("/login", data={"username": "alice", "password": "correct-horse-1"})
    assert _reads(alice, world)
    auth.login("root")
    assert b"Sign out everywhere" in client.get("/users").data
    response = client.post(f"/users/{world['alice']}/sign-out")
    assert response.status_code == 302
    assert not _reads(alice, world)
    assert client.get("/users").status_code == 200  # the admin's own session is untouched
    auth.logout()
    auth.login("lena")
    assert client.post(f"/users/{world['alice']}/sign-out").status_code == 403


def test_login_rotates_the_csrf_secret(database_url, _schema, tmp_path, world):
    app = make_app(database_url, str(tmp_path / "csrf"), WTF_CSRF_ENABLED=True)
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        before = session["csrf_token"]
    page = client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"username": "alice", "password": "correct-horse-1", "csrf_token": token}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session.get("csrf_token") != before
    # the token of the page before login no longer works for a write
    response = client.post(
        f"/api/v1/documents/{world['document']}/time",
        json={"seconds": 1},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400


def test_session_lifetime_is_short_and_configurable(app, client, auth, world, monkeypatch):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    monkeypatch.setenv("ANNOTATOR_SESSION_HOURS", "2")
    assert from_environment()["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=2)
    auth.login("alice")
    assert _reads(client, world)
    later = time.time() + 12 * 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert not _reads(client, world)  # the signed timestamp is older than the lifetime
