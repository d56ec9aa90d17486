"""The login limiter: failures only, per client address (behind trusted proxies only from
X-Forwarded-For), shared through Redis across workers, and per account a progressive delay
that never locks out a correct password."""

from __future__ import annotations

import logging
import uuid

import pytest

from annotator.auth import throttle
from tests.conftest import TEST_PASSWORD, make_app
from tests.factories import make_user


@pytest.fixture
def limited(database_url, _schema, tmp_path, monkeypatch):
    sleeps: list[float] = []
    monkeypatch.setattr(throttle.time, "sleep", sleeps.append)

    def build(**overrides):
        config = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3/minute"}
        config.update(overrides)
        app = make_app(database_url, str(tmp_path / uuid.uuid4().hex), **config)
        app.sleeps = sleeps
        return app

    return build


@pytest.fixture
def alice(app):
    with app.app_context():
        make_user("alice")


def _login(client, password, username="alice", address="192.0.2.1", headers=None):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers or {},
    ).status_code


def test_successful_logins_do_not_count(limited, alice):
    client = limited().test_client()
    assert [_login(client, TEST_PASSWORD) for _ in range(5)] == [302] * 5
    assert [_login(client, "wrong") for _ in range(4)] == [401, 401, 401, 429]


def test_guessing_on_an_account_slows_but_never_locks_it(limited, alice):
    app = limited(LOGIN_RATE_LIMIT="100/minute")
    client = app.test_client()
    for n in range(10):  # from ten addresses: the per-IP limit never triggers
        assert _login(client, "wrong", address=f"198.51.100.{n}") == 401
    assert app.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]  # after 5 free failures, doubling, capped
    assert _login(client, TEST_PASSWORD, address="203.0.113.9") == 302  # owner, new address
    assert app.sleeps[-1] == 8.0
    assert _login(client, "wrong", address="198.51.100.99") == 401  # count cleared by success
    assert len(app.sleeps) == 6


def test_forwarded_for_is_ignored_from_untrusted_peers(limited, alice):
    client = limited().test_client()
    codes = [
        _login(client, "wrong", headers={"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(4)
    ]
    assert codes == [401, 401, 401, 429]  # one peer address, whatever the header claims


def test_forwarded_for_is_believed_from_trusted_proxies(limited, alice):
    client = limited(TRUSTED_PROXIES=["10.0.0.0/8"]).test_client()

    def via_proxy(client_ip):
        return _login(client, "wrong", address="10.0.0.2", headers={"X-Forwarded-For": client_ip})

    assert [via_proxy("203.0.113.1") for _ in range(4)] == [401, 401, 401, 429]
    assert via_proxy("203.0.113.2") == 401  # another client behind the same proxy


def test_limits_are_shared_through_redis(limited, alice):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = uuid.uuid4().hex
    workers = [limited(REDIS_URL=url, RATELIMIT_KEY_PREFIX=prefix) for _ in range(2)]
    assert workers[0].config["RATELIMIT_STORAGE_URI"] == url
    codes = [_login(workers[n % 2].test_client(), "wrong") for n in range(4)]
    assert codes == [401, 401, 401, 429]  # 3 per minute in total, not 3 per worker


def test_memory_storage_is_announced_loudly(database_url, _schema, tmp_path, caplog):
    """gunicorn.conf.py's post_worker_init logs it in every served worker."""
    import runpy

    app = make_app(
        database_url,
        str(tmp_path / "prod"),
        TESTING=False,
        RATELIMIT_ENABLED=True,
        SECRET_KEY="a-real-secret-key",
    )
    worker = type("Worker", (), {"wsgi": app})()
    with caplog.at_level(logging.WARNING):
        runpy.run_path("gunicorn.conf.py")["post_worker_init"](worker)
    assert "LOGIN RATE LIMITS ARE PER WORKER" in caplog.text
    assert "ANNOTATOR_REDIS_URL" in caplog.text
