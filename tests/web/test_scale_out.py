"""Scale-out: two app servers (``gunicorn wsgi:app`` on two ports) against one PostgreSQL
database and one Redis, and an ``rq worker`` process for the background jobs.

What a team running several app servers relies on, checked through the real servers:
- a span saved through one server is read through the other;
- a label change made through one is in force on the other's next request (the per-process
  schema cache follows the project's stamp in the database);
- one login session is valid on both, and ending it on one ends it on both;
- the login rate limit counts failures on both servers together (Redis);
- a training run queued through one is run by an ``rq worker`` process (neither server runs
  it) and its result is seen through both.

Needs PostgreSQL (``ANNOTATOR_TEST_DATABASE_URL``, as CI's PostgreSQL step sets it) and Redis
(``ANNOTATOR_TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/0``); skips without them. Its
queue name and rate-limit keys are unique to the run, so runs sharing one Redis never meet.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from benchmarks.harness import PASSWORD, Client, gunicorn
from tests.conftest import _fresh_postgres_database, make_app

ROOT = Path(__file__).resolve().parents[2]
DATABASE = os.environ.get("ANNOTATOR_TEST_DATABASE_URL", "")
REDIS = os.environ.get("ANNOTATOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ARTICLES = 8
SENTENCES = [
    "The minister said the reform is a disaster for families.",
    "Officials claimed the budget grew by ten percent.",
    "Critics warned of chaos at the border.",
    "The weather was mild on Tuesday.",
]


def _redis_up() -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url(REDIS, socket_connect_timeout=2).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.skipif(
        not DATABASE.startswith("postgres"),
        reason="scale-out needs PostgreSQL: set ANNOTATOR_TEST_DATABASE_URL",
    ),
    pytest.mark.skipif(
        DATABASE.startswith("postgres") and not _redis_up(),
        reason=f"scale-out needs Redis at {REDIS} (ANNOTATOR_TEST_REDIS_URL)",
    ),
]


class Cluster:
    def __init__(self, env: dict, ports: tuple[int, int], queue: str):
        self.env, self.ports, self.queue = env, ports, queue

    def client(self, server: int, username: str | None = None) -> Client:
        client = Client(self.ports[server])
        if username:
            client.login(username)
        return client


def _story(n: int) -> str:
    return " ".join(SENTENCES[(n + k) % 4] for k in range(4)) + f" Story {n}."


def _populate(url: str, instance: Path) -> None:
    """The schema by the migrations (as ``annotator init-db`` makes it), a lead, three
    annotators and the articles, each assigned to all three; in this process, which is much
    faster than a CLI command each on a loaded machine."""
    from annotator.extensions import db
    from annotator.services.database import upgrade_database
    from annotator.services.projects.assigning import assign
    from tests.factories import make_document, make_project, make_user

    app = make_app(url.replace("postgresql://", "postgresql+psycopg://", 1), str(instance))
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setattr("annotator.models.users.PASSWORD_METHOD", "pbkdf2:sha256:1000")
        upgrade_database()
        annotators = [make_user(name, password=PASSWORD) for name in ("ann1", "ann2", "ann3")]
        lead = make_user("lead", password=PASSWORD)
        project = make_project("Scale", lead=lead, annotators=annotators, per_doc=3)
        for n in range(ARTICLES):
            make_document(project, _story(n) + " 🤝 café", external_id=f"s{n}", title=f"S{n}")
        assign(project)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    instance = tmp_path_factory.mktemp("scale-out-instance")
    run = uuid.uuid4().hex[:12]
    queue = f"annotator-test-{run}"
    # Both servers and the worker read this instance folder (settings, trained models).
    (instance / "config.py").write_text(f"RATELIMIT_KEY_PREFIX = 'scale-out-{run}'\n")
    with _fresh_postgres_database(DATABASE) as url:
        env = dict(os.environ)
        env.update(
            ANNOTATOR_DATABASE_URL=url,
            ANNOTATOR_INSTANCE_PATH=str(instance),
            ANNOTATOR_SECRET_KEY="scale-out-secret",
            ANNOTATOR_REDIS_URL=REDIS,
            ANNOTATOR_JOB_QUEUE=queue,
            ANNOTATOR_LOGIN_RATE_LIMIT="3 per minute",
            ANNOTATOR_TRUSTED_PROXIES="127.0.0.1",
            PYTHONUNBUFFERED="1",
        )
        _populate(url, instance)
        with gunicorn(env, workers=1) as (a, _), gunicorn(env, workers=1) as (b, _):
            yield Cluster(env, (a, b), queue)


def _document(client: Client, doc: int) -> dict:
    status, data = client.request("GET", f"/api/v1/documents/{doc}")
    assert status == 200, data[:300]
    return json.loads(data)


def _span(client: Client, doc: int, text: str, fragment: str, label: dict):
    start = text.index(fragment)
    attributes = {}
    for a in label["attributes"]:
        if a["type"] == "choice":
            attributes[a["name"]] = a["options"][0]
        elif a["type"] in ("text", "link"):
            attributes[a["name"]] = "a speaker"
        elif a["type"] == "boolean":
            attributes[a["name"]] = False
    return client.post_json(
        f"/api/v1/documents/{doc}/spans",
        {
            "label_id": label["id"],
            "start": start,
            "end": start + len(fragment),
            "text": fragment,
            "attributes": attributes,
        },
    )


def _form(client: Client, path: str, fields: dict, headers: dict | None = None):
    from urllib.parse import urlencode

    body = urlencode({"csrf_token": client.csrf, **fields}).encode()
    return client.request(
        "POST",
        path,
        body,
        {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
    )


def test_a_span_saved_through_one_server_is_read_through_the_other(cluster):
    one, other = cluster.client(0, "ann1"), cluster.client(1, "ann1")
    payload = _document(one, 1)
    text = payload["document"]["text"]
    label = next(x for x in payload["labels"] if x["name"] == "Claim")
    status, data = _span(one, 1, text, "🤝 café", label)
    assert status == 201, data
    saved = json.loads(data)
    spans = _document(other, 1)["spans"]
    assert [(s["id"], s["start"], s["end"], s["text"]) for s in spans] == [
        (saved["id"], saved["start"], saved["end"], "🤝 café")
    ]


def test_a_label_change_through_one_is_in_force_on_the_others_next_request(cluster):
    lead, annotator = cluster.client(0, "lead"), cluster.client(1, "ann3")
    before = _document(annotator, 2)  # the other server has built its schema cache
    assert "Loaded" not in {x["name"] for x in before["labels"]}
    status, _ = _form(lead, "/projects/1/labels", {"name": "Loaded", "color": "#112233"})
    assert status == 302
    after = _document(annotator, 2)
    loaded = next(x for x in after["labels"] if x["name"] == "Loaded")
    text = after["document"]["text"]
    status, data = _span(annotator, 2, text, "Critics warned", loaded)
    assert status == 201, data
    # Renamed on the first server: the second answers with the new name at once.
    status, _ = _form(
        lead, f"/projects/1/labels/{loaded['id']}", {"name": "Loaded words", "color": "#112233"}
    )
    assert status == 302
    names = {x["id"]: x["name"] for x in _document(annotator, 2)["labels"]}
    assert names[loaded["id"]] == "Loaded words"
    # A label deleted through the first server is refused by the second.
    status, _ = _form(lead, "/projects/1/labels", {"name": "Short-lived", "color": "#445566"})
    assert status == 302
    short = next(x for x in _document(annotator, 2)["labels"] if x["name"] == "Short-lived")
    status, _ = _form(lead, f"/projects/1/labels/{short['id']}/delete", {})
    assert status == 302
    assert short["id"] not in {x["id"] for x in _document(annotator, 2)["labels"]}
    status, data = _span(annotator, 2, text, "Officials claimed", short)
    assert 400 <= status < 500, (status, data)


def test_one_session_works_on_both_servers_and_ending_it_on_one_ends_it_on_both(cluster):
    one = cluster.client(0, "ann2")
    other = cluster.client(1)
    other.cookies, other.csrf = dict(one.cookies), one.csrf  # the same browser session
    assert other.request("GET", "/api/v1/documents/3")[0] == 200
    assert _form(other, "/logout", {})[0] == 302
    copied = cluster.client(0)
    copied.cookies = dict(one.cookies)  # the cookie as it was before logout
    assert copied.request("GET", "/api/v1/documents/3")[0] == 401
    assert one.request("GET", "/api/v1/documents/3")[0] == 401


def test_login_failures_on_both_servers_count_against_one_limit(cluster):
    address = {"X-Forwarded-For": f"198.51.100.{random.randrange(1, 250)}"}
    a, b = cluster.client(0), cluster.client(1)
    for client in (a, b):
        _, page = client.request("GET", "/login")
        client.csrf = page.split(b'name="csrf-token" content="', 1)[1].split(b'"', 1)[0].decode()

    def attempt(client: Client, name: str) -> int:
        fields = {"username": name, "password": "wrong-password"}
        return _form(client, "/login", fields, address)[0]

    # 3 per minute (per address): two failures on one server, one on the other, then 429 on both.
    assert [attempt(a, "nobody1"), attempt(b, "nobody2"), attempt(a, "nobody3")] == [401] * 3
    assert attempt(b, "nobody4") == 429
    assert attempt(a, "nobody5") == 429


def test_a_training_run_queued_through_one_is_run_by_an_rq_worker_and_seen_on_both(cluster):
    for name in ("ann1", "ann2"):
        client = cluster.client(0 if name == "ann1" else 1, name)
        for doc in range(1, ARTICLES + 1):
            payload = _document(client, doc)
            text = payload["document"]["text"]
            labels = {x["name"]: x for x in payload["labels"]}
            for fragment, label in (
                ("claimed the budget grew", "Claim"),
                ("a disaster", "Framing"),
            ):
                if any(s["text"] == fragment for s in payload["spans"]):
                    continue
                status, data = _span(client, doc, text, fragment, labels[label])
                assert status == 201, data
    lead_a, lead_b = cluster.client(0, "lead"), cluster.client(1, "lead")
    status, _ = _form(lead_a, "/projects/1/model/train", {"level": "sentence", "folds": "2"})
    assert status == 302
    status, data = lead_b.request("GET", "/api/v1/runs/1")
    assert status == 200 and json.loads(data)["status"] == "queued", data
    time.sleep(1)  # neither server runs it: still queued without a worker
    assert json.loads(lead_a.request("GET", "/api/v1/runs/1")[1])["status"] == "queued"
    rq = shutil.which("rq", path=str(Path(sys.executable).parent)) or shutil.which("rq")
    assert rq, "the rq command (installed with the project) is missing"
    worker = subprocess.run(
        [rq, "worker", "--burst", "--url", REDIS, cluster.queue],
        env=cluster.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    for client in (lead_a, lead_b):
        run = json.loads(client.request("GET", "/api/v1/runs/1")[1])
        assert run["status"] == "finished", run
        assert run["sources"].get("majority") == ARTICLES
        assert run["metrics"]["model"]["per_label"]["Claim"]["f1"] > 0.5
        status, page = client.request("GET", "/projects/1/model")
        assert status == 200 and b"Claim" in page and b"finished" in page
