"""The application factory: configuration sources, the secret-key guard, SQLite, headers."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from annotator import config, create_app
from annotator.app import InsecureSecretKey
from annotator.extensions import db
from tests.conftest import make_app


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in config.ENV_KEYS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ANNOTATOR_INSTANCE_PATH", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def sqlite_url(tmp_path, name="factory.sqlite") -> str:
    return "sqlite:///" + str(tmp_path / name)


def test_refuses_default_secret_in_production(tmp_path):
    with pytest.raises(InsecureSecretKey, match="ANNOTATOR_SECRET_KEY"):
        create_app(
            {"SQLALCHEMY_DATABASE_URI": sqlite_url(tmp_path), "INSTANCE_PATH": str(tmp_path)}
        )


def test_refuses_default_secret_without_test_config(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_INSTANCE_PATH", str(tmp_path / "empty-instance"))
    with pytest.raises(InsecureSecretKey):
        create_app()


@pytest.mark.parametrize("flag", ["TESTING", "DEBUG"])
def test_default_secret_allowed_when_testing_or_debugging(tmp_path, flag):
    app = create_app(
        {
            flag: True,
            "SQLALCHEMY_DATABASE_URI": sqlite_url(tmp_path),
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    assert app.config["SECRET_KEY"] == config.DEFAULT_SECRET_KEY


def test_reads_environment(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    monkeypatch.setenv("ANNOTATOR_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("ANNOTATOR_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", sqlite_url(tmp_path, "env.sqlite"))
    app = create_app()
    assert app.instance_path == str(instance) and instance.is_dir()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == sqlite_url(tmp_path, "env.sqlite")
    assert app.config["ALLOW_REGISTRATION"] is False


def test_instance_config_file_and_default_database(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text("SECRET_KEY = 'from-the-file'\nALLOW_REGISTRATION = True\n")
    monkeypatch.setenv("ANNOTATOR_INSTANCE_PATH", str(instance))
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-file"
    assert app.config["ALLOW_REGISTRATION"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(
        instance / "annotator.sqlite"
    )
    # The environment wins over the file.
    monkeypatch.setenv("ANNOTATOR_SECRET_KEY", "from-the-environment")
    assert create_app().config["SECRET_KEY"] == "from-the-environment"


@pytest.mark.parametrize(
    "url,expected",
    [
        ("postgres://u:p@db:5432/x", "postgresql+psycopg://u:p@db:5432/x"),
        ("postgresql://u@db/x", "postgresql+psycopg://u@db/x"),
        ("postgresql+psycopg://u@db/x", "postgresql+psycopg://u@db/x"),
    ],
)
def test_postgres_urls_use_psycopg3(monkeypatch, url, expected):
    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", url)
    assert config.from_environment()["SQLALCHEMY_DATABASE_URI"] == expected


def test_templates_and_static_at_top_level(app):
    assert app.template_folder == str(config.ROOT / "templates")
    assert app.static_folder == str(config.ROOT / "static")


def test_sqlite_wal_and_foreign_keys(tmp_path):
    app = make_app(sqlite_url(tmp_path, "pragmas.sqlite"), str(tmp_path / "i"))
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def test_security_headers(client):
    response = client.get("/login")
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert client.get("/no-such-page").headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(app, client):
    from tests.factories import make_user

    with app.app_context():
        make_user("alice")
    response = client.post("/login", data={"username": "alice", "password": "correct-horse-1"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_on_by_default(database_url, tmp_path):
    app = make_app(database_url, str(tmp_path / "i"), WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/login", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    assert b"Security token missing or invalid" in response.data
    assert config.defaults("x").get("WTF_CSRF_ENABLED", True) is True


def test_error_pages(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.is_json and api.json["status"] == 404
