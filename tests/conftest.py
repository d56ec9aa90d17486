"""Fixtures in the flaskr style: a fresh app per test, ``client``, ``runner`` and ``auth``.

The schema is created once per session; every test starts from empty tables. SQLite by
default; PostgreSQL when ``ANNOTATOR_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
from sqlalchemy import text

from annotator import create_app
from annotator.config import from_environment
from annotator.extensions import db

TEST_PASSWORD = "correct-horse-1"


@contextmanager
def _fresh_postgres_database(url: str):
    """A new database on the server ``url`` names, dropped afterwards, so that concurrent test
    runs against one server never share tables."""
    import psycopg

    parsed = urlparse(url.replace("+psycopg", ""))
    admin = parsed._replace(path="/postgres").geturl()
    name = f"annotator_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch):
    """scrypt costs ~0.3 s a user; tests hash with cheap PBKDF2 (one test checks scrypt)."""
    monkeypatch.setattr("annotator.models.users.PASSWORD_METHOD", "pbkdf2:sha256:1000")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("ANNOTATOR_TEST_DATABASE_URL")
    if url and url.startswith("postgres"):
        with _fresh_postgres_database(url) as fresh:
            os.environ["ANNOTATOR_DATABASE_URL"] = fresh  # for apps a test builds itself
            yield from_environment()["SQLALCHEMY_DATABASE_URI"]
        return
    yield url or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def make_app(database_url: str, instance: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": instance,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = make_app(database_url, str(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return True


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(database_url, _schema, tmp_path):
    app = make_app(database_url, str(tmp_path / "instance"))
    with app.app_context():
        _empty_tables()
    yield app
    from annotator.jobs import get_queue

    get_queue().join(timeout=120)  # background jobs (training) finish before tables empty
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = TEST_PASSWORD):
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly."""
    with app.app_context():
        yield app
