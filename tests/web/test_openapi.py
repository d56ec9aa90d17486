"""The OpenAPI document is complete, and fuzzing /api/v1 from it never yields a 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.factories import make_world

SKIP_METHODS = {"HEAD", "OPTIONS"}


def openapi_path(rule: str) -> str:
    path = rule.removeprefix("/api/v1")
    for converter in ("int:", "string:", "path:"):
        path = path.replace(f"<{converter}", "<")
    return path.replace("<", "{").replace(">", "}")


def test_every_api_route_is_documented(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = openapi_path(rule.rule)
        for method in sorted((rule.methods or set()) - SKIP_METHODS):
            if method.lower() not in document["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


@pytest.fixture
def api_schema(app):
    """The app's own OpenAPI document, called in-process as an authenticated annotator."""
    with app.app_context():
        make_world()
    client = app.test_client()
    client.post("/login", data={"username": "alice", "password": "correct-horse-1"})
    cookie = client.get_cookie("session")
    fresh = app.test_client(use_cookies=False)  # only this cookie authenticates
    header = {"Cookie": f"session={cookie.value}"}
    assert fresh.get("/api/v1/projects", headers=header).status_code == 200
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.session_cookie = cookie.value
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_fuzzing_the_api_never_gives_a_server_error(case, api_schema):
    # Generated credentials (random Bearer tokens, session cookies) would only ever meet 401s:
    # call as the logged-in annotator instead.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    case.cookies = {}
    response = case.call(cookies={"session": api_schema.session_cookie})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
