"""The OpenAPI document is complete, and fuzzing /api/v1 from it never yields a 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from annotator.api.openapi import document
from tests.factories import make_world

SKIP_METHODS = {"HEAD", "OPTIONS"}


def openapi_path(rule: str) -> str:
    path = rule.removeprefix("/api/v1")
    for converter in ("int:", "string:", "path:"):
        path = path.replace(f"<{converter}", "<")
    return path.replace("<", "{").replace(">", "}")


def test_every_api_route_is_documented(app, client):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served["openapi"].startswith("3.")
    assert served == document()  # the fuzz test below reads the same document in-process
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = openapi_path(rule.rule)
        for method in sorted((rule.methods or set()) - SKIP_METHODS):
            if method.lower() not in served["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


# The schema is loaded when the module is collected (schemathesis 4's eager loader: one test
# per operation), from the very document the app serves; the calls go in-process to each test's
# own app through `case.call(app=...)`. (schemathesis.pytest.from_fixture, the lazy loader, reads
# a pytest-internal attribute that pytest 9.2 removed.)
schema = schemathesis.openapi.from_dict(document())


@pytest.fixture
def logged_in(app, user):
    """The app with a small world in it, and the session cookie of ``user``."""
    with app.app_context():
        make_world()
    client = app.test_client()
    client.post("/login", data={"username": user, "password": "correct-horse-1"})
    cookie = client.get_cookie("session").value
    fresh = app.test_client(use_cookies=False)  # only this cookie authenticates
    assert fresh.get("/api/v1/projects", headers={"Cookie": f"session={cookie}"}).status_code == 200
    return app, cookie


@schema.parametrize()
# As an annotator and as the project's lead. The parameter also keeps test ids unique: on
# pytest 9.2 schemathesis 4.32's items all get the bare function name unless they have a callspec.
@pytest.mark.parametrize("user", ["alice", "lena"])
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_fuzzing_the_api_never_gives_a_server_error(case, logged_in):
    app, cookie = logged_in
    # Generated credentials (random Bearer tokens, session cookies) would only ever meet 401s:
    # call as the logged-in user instead.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    case.cookies = {}
    response = case.call(app=app, cookies={"session": cookie})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    case.validate_response(response, checks=[not_a_server_error])
