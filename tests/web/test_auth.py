"""Logging in and out, self-registration, and admins creating users."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import User
from tests.conftest import TEST_PASSWORD, make_app
from tests.factories import make_user

GENERIC = b"Unknown user name or wrong password."


@pytest.fixture
def users(app):
    with app.app_context():
        make_user("alice")
        make_user("root", admin=True)
        inactive = make_user("ivan")
        inactive.active = False
        db.session.commit()


def usernames(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(User.username).order_by(User.username)).scalars())


def logged_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200


# --- login and logout -------------------------------------------------------------------


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="username"' in response.data and b'name="password"' in response.data


def test_login_and_logout(client, auth, users):
    response = auth.login("alice")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert logged_in(client)
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert not logged_in(client)


def test_logout_is_post_only(client, auth, users):
    auth.login("alice")
    assert client.get("/logout").status_code == 405
    assert logged_in(client)


def test_username_surrounding_spaces_ignored(client, users):
    response = client.post("/login", data={"username": " alice ", "password": TEST_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "username,password",
    [
        ("nobody", TEST_PASSWORD),  # unknown user
        ("alice", "wrong-password"),  # wrong password
        ("ALICE", TEST_PASSWORD),  # user names are case-sensitive
        ("ivan", TEST_PASSWORD),  # inactive account, right password
    ],
    ids=["unknown-user", "wrong-password", "case", "inactive"],
)
def test_failed_login_gives_one_generic_message(client, users, username, password):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 401
    assert GENERIC in response.data
    # Nothing reveals whether the account exists or is inactive.
    for leak in (b"no such user", b"does not exist", b"inactive", b"disabled"):
        assert leak not in response.data.lower()
    assert not logged_in(client)


def test_empty_login_form_rerenders_with_messages(client, users):
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 200
    assert b"This field is required." in response.data
    assert not logged_in(client)


def test_deactivated_user_loses_open_session(app, client, auth, users):
    auth.login("alice")
    with app.app_context():
        db.session.execute(select(User).where(User.username == "alice")).scalar_one().active = False
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/projects/7", "/projects/7"),
        ("/users?x=1", "/users?x=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("\\\\evil.example/", "/"),
        ("/\t/evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("evil.example", "/"),
    ],
)
def test_next_parameter_refuses_open_redirects(client, users, target, expected):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "alice", "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_required_pages_send_next(client):
    response = client.get("/projects/3/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "projects" in response.headers["Location"]


def test_unknown_user_costs_a_password_check(client, users, monkeypatch):
    """Unknown users take as long as wrong passwords, so timing does not reveal accounts."""
    import annotator.auth.routes as routes

    calls = []
    real = routes.check_password_hash
    monkeypatch.setattr(routes, "check_password_hash", lambda h, p: calls.append(p) or real(h, p))
    client.post("/login", data={"username": "nobody", "password": "guess-1234"})
    assert calls == ["guess-1234"]


def test_password_is_hashed_with_scrypt(app, monkeypatch):
    monkeypatch.setattr("annotator.models.users.PASSWORD_METHOD", "scrypt")
    with app.app_context():
        user = make_user("sam")
        assert user.password_hash.startswith("scrypt:")
        assert TEST_PASSWORD not in user.password_hash
        assert user.check_password(TEST_PASSWORD) and not user.check_password("nope")


def test_login_rate_limited(database_url, tmp_path, users):
    limited = make_app(
        database_url, str(tmp_path / "limited"), RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3/minute"
    )
    client = limited.test_client()
    codes = [
        client.post("/login", data={"username": "alice", "password": "bad"}).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    assert b"Too many" in client.post("/login", data={"username": "x", "password": "y"}).data


# --- self-registration ------------------------------------------------------------------


def test_registration_off_by_default(app, client):
    assert app.config["ALLOW_REGISTRATION"] is False
    assert client.get("/register").status_code == 404
    data = {"username": "mallory", "password": "long-enough-1", "confirm": "long-enough-1"}
    assert client.post("/register", data=data).status_code == 404
    assert usernames(app) == []
    assert b"/register" not in client.get("/login").data


@pytest.fixture
def open_app(app, database_url, tmp_path, monkeypatch):  # ``app`` empties the tables
    monkeypatch.setenv("ANNOTATOR_ALLOW_REGISTRATION", "yes")
    return make_app(database_url, str(tmp_path / "open"))


def test_registration_on_via_environment(open_app):
    client = open_app.test_client()
    assert b"/register" in client.get("/login").data
    assert client.get("/register").status_code == 200
    data = {"username": "newbie", "password": "long-enough-1", "confirm": "long-enough-1"}
    response = client.post("/register", data=data)
    assert response.status_code == 302
    assert logged_in(client)
    with open_app.app_context():
        user = db.session.execute(select(User).where(User.username == "newbie")).scalar_one()
        assert not user.is_admin and user.active


def test_registration_on_via_config(database_url, tmp_path):
    app = make_app(database_url, str(tmp_path / "cfg"), ALLOW_REGISTRATION=True)
    assert app.test_client().get("/register").status_code == 200


@pytest.mark.parametrize(
    "data,message",
    [
        ({"username": "x", "password": "long-enough-1", "confirm": "long-enough-1"}, b"between 2"),
        ({"username": "a b", "password": "long-enough-1", "confirm": "long-enough-1"}, b"Letters"),
        ({"username": "newbie", "password": "short", "confirm": "short"}, b"between 8"),
        ({"username": "newbie", "password": "long-enough-1", "confirm": "other-1234"}, b"equal"),
        ({"username": "alice", "password": "long-enough-1", "confirm": "long-enough-1"}, b"exists"),
    ],
    ids=["short-name", "bad-name", "short-password", "mismatch", "taken"],
)
def test_registration_bad_input(open_app, data, message):
    with open_app.app_context():
        make_user("alice")
    client = open_app.test_client()
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert message in response.data
    assert usernames(open_app) == ["alice"]
    assert not logged_in(client)


# --- admins create users ----------------------------------------------------------------


def test_admin_creates_user(app, client, auth, users):
    auth.login("root")
    assert client.get("/users").status_code == 200
    response = client.post(
        "/users", data={"username": "carol", "password": "carol-pass-1", "admin": "y"}
    )
    assert response.status_code == 302
    assert b"Created user carol." in client.get("/users").data
    with app.app_context():
        carol = db.session.execute(select(User).where(User.username == "carol")).scalar_one()
        assert carol.is_admin and carol.active
    auth.logout()
    assert auth.login("carol", "carol-pass-1").status_code == 302


def test_admin_creates_plain_user(app, client, auth, users):
    auth.login("root")
    client.post("/users", data={"username": "dave", "password": "dave-pass-1"})
    with app.app_context():
        dave = db.session.execute(select(User).where(User.username == "dave")).scalar_one()
        assert not dave.is_admin


@pytest.mark.parametrize("who", ["alice", None])
def test_only_admins_manage_users(app, client, auth, users, who):
    lead = None
    if who:
        auth.login(who)
    else:
        with app.app_context():
            lead = make_user("lena")
            from tests.factories import make_project

            make_project("P", lead=lead)
        auth.login("lena")
    assert client.get("/users").status_code == 403
    response = client.post("/users", data={"username": "eve", "password": "eve-pass-12"})
    assert response.status_code == 403
    assert "eve" not in usernames(app)


def test_anonymous_user_page_redirects_to_login(client):
    response = client.get("/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "data,message",
    [
        ({"username": "", "password": "long-enough-1"}, b"This field is required."),
        ({"username": "bad name!", "password": "long-enough-1"}, b"Letters, digits"),
        ({"username": "carol", "password": "short"}, b"between 8 and 200"),
        ({"username": "alice", "password": "long-enough-1"}, b"User &#39;alice&#39; already"),
    ],
    ids=["empty", "bad-chars", "short-password", "duplicate"],
)
def test_create_user_bad_input(app, client, auth, users, data, message):
    auth.login("root")
    before = usernames(app)
    response = client.post("/users", data=data)
    assert response.status_code == 400
    assert message in response.data
    assert b"Create a user" in response.data  # the form is shown again
    assert usernames(app) == before
