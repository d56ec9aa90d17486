"""Role checks on every view, table-driven over ``app.url_map``.

Every rule needs an entry in ``EXPECTED``, keyed by the rule string, or by ``"METHOD rule"``
when several rules share a path (e.g. ``"PATCH /api/v1/spans/<int:span_id>"``). A new route
without an entry fails ``test_every_rule_has_an_entry``. Rules under ``PENDING_PREFIXES``
(blueprints still being written) are listed by ``test_pending_rules`` and skipped until they
get an entry; trim the prefixes once they have. URL arguments come from ``DEFAULT_ARGS`` (or a
route's ``args``), which name ids in the ``world`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import (
    ApiToken,
    Comment,
    Document,
    DocumentQuestion,
    GoldSpan,
    Label,
    ModelRun,
    Project,
    Span,
)
from annotator.services.projects.projects import add_member, save_label, save_question
from tests.factories import make_document, make_user, make_world

ROLES = ("anonymous", "outsider", "annotator", "lead", "admin")
USERS = {"outsider": "otto", "annotator": "alice", "lead": "lena", "admin": "root"}
LOGIN = "login"  # expected: a redirect to the login page
DENIED = (LOGIN, 401, 403, 404)

# Routes under these prefixes may have no entry yet (their blueprints are being written).
PENDING_PREFIXES: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    method: str
    expect: dict[str, object]
    args: dict[str, str] = field(default_factory=dict)  # URL argument -> key in the world


def everyone(status) -> dict:
    return dict.fromkeys(ROLES, status)


def signed_in(status, **overrides) -> dict:
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], status), **overrides}


def project_page(status=200) -> dict:
    """Any member (annotators included) and admins; outsiders 404, as for a missing project."""
    return signed_in(status, outsider=404)


def lead_page(status=200) -> dict:
    """Leads of the project and admins only."""
    return signed_in(status, outsider=404, annotator=403)


P = "/projects/<int:project_id>"
EXPECTED: dict[str, Route] = {
    "/login": Route("GET", everyone(200)),
    "/favicon.ico": Route("GET", everyone(200)),
    "/logout": Route("POST", everyone(302)),
    "/register": Route("GET", everyone(404)),  # self-registration is off by default
    "/users": Route("GET", signed_in(403, admin=200)),
    "/users/<int:user_id>/sign-out": Route("POST", signed_in(403, admin=302)),
    "/": Route("GET", signed_in(200)),
    # Only admins and leads (of any project) may create projects; make_world's otto is an
    # annotator of his own project (``annotators=[outsider]`` overrides ``lead=``).
    "/projects/new": Route("GET", signed_in(403, lead=200, admin=200)),
    P: Route("GET", project_page()),
    P + "/settings": Route("GET", lead_page()),
    P + "/import": Route("GET", lead_page()),
    P + "/import-annotations": Route("GET", lead_page()),
    P + "/assign": Route("POST", lead_page(302)),
    P + "/documents": Route("GET", lead_page()),
    P + "/documents/assign": Route("POST", lead_page(302)),  # nothing selected: flash, back
    P + "/documents/<int:document_id>/history": Route("GET", lead_page()),
    P + "/audit": Route("GET", lead_page()),
    P + "/labels": Route("GET", lead_page()),
    P + "/labels/<int:label_id>": Route("GET", lead_page()),
    P + "/labels/<int:label_id>/delete": Route("POST", lead_page(302), {"label_id": "spare_label"}),
    P + "/questions": Route("POST", lead_page(302)),
    P + "/questions/<int:question_id>/required": Route(
        "POST", lead_page(302), {"question_id": "other_question"}
    ),
    P + "/questions/<int:question_id>/delete": Route("POST", lead_page(302)),
    P + "/members": Route("GET", lead_page()),
    P + "/members/<int:user_id>/remove": Route("POST", lead_page(302)),
    P + "/documents/<int:document_id>/annotate": Route("GET", project_page()),
    P + "/next": Route("GET", project_page(302)),
    P + "/agreement": Route("GET", lead_page()),
    P + "/export": Route("GET", lead_page()),
    P + "/curation": Route("GET", lead_page()),
    P + "/curation/merge": Route("POST", lead_page(302)),
    P + "/documents/<int:document_id>/curate": Route("GET", lead_page()),
    # Personal API tokens: every signed-in user manages their own; the world's token is alice's.
    "/settings/tokens": Route("GET", signed_in(200)),
    "/settings/tokens/<int:token_id>/revoke": Route("POST", signed_in(404, annotator=302)),
}

A = "/api/v1"


def api(status=200, **overrides) -> dict:
    """API calls: anonymous gets 401 JSON (never a redirect)."""
    return {"anonymous": 401, **dict.fromkeys(ROLES[1:], status), **overrides}


def api_member(status=200) -> dict:
    return api(status, outsider=404)


def api_lead(status=200) -> dict:
    return api(status, outsider=404, annotator=403)


def api_own_span(status) -> dict:
    """A span is only its owner's (alice): everyone else, leads included, gets 404."""
    return api(404, annotator=status)


EXPECTED.update(
    {
        A + "/openapi.json": Route("GET", everyone(200)),
        A + "/projects": Route("GET", api()),
        A + "/projects/<int:project_id>/documents": Route("GET", api_member()),
        A + "/projects/<int:project_id>/spans": Route("GET", api_member()),
        A + "/projects/<int:project_id>/export": Route("GET", api_lead()),
        A + "/projects/<int:project_id>/agreement": Route("GET", api_lead()),
        A + "/documents/<int:document_id>": Route("GET", api_member()),
        # Writes without a body: members get past the access check to a 400 about the body.
        A + "/documents/<int:document_id>/spans": Route("POST", api_member(400)),
        A + "/documents/<int:document_id>/answers/<int:question_id>": Route("PUT", api_member(400)),
        A + "/documents/<int:document_id>/status": Route("POST", api_member(400)),
        A + "/documents/<int:document_id>/time": Route("POST", api_member(400)),
        "GET " + A + "/spans/<int:span_id>": Route("GET", api_own_span(200)),
        "PATCH " + A + "/spans/<int:span_id>": Route("PATCH", api_own_span(400)),
        "DELETE " + A + "/spans/<int:span_id>": Route("DELETE", api_own_span(204)),
        # Suggestions are off by default: members get past the access check to that refusal.
        A + "/documents/<int:document_id>/suggestions": Route("GET", api_member(403)),
        # suggestions are off in the world: members get 403 as for the GET
        A + "/documents/<int:document_id>/suggestions/decisions": Route("POST", api_member(403)),
        A + "/runs/<int:run_id>": Route("GET", api_lead(200)),
        P + "/model": Route("GET", lead_page()),
        P + "/model/train": Route("POST", lead_page(302), {}),
        P + "/model/settings": Route("POST", lead_page(302), {}),
        # Curation: leads and admins only; writes without a body get a 400 about the body.
        A + "/curation/projects/<int:project_id>/queue": Route("GET", api_lead()),
        A + "/curation/projects/<int:project_id>/merge": Route("POST", api_lead()),
        A + "/curation/documents/<int:document_id>": Route("GET", api_lead()),
        A + "/curation/documents/<int:document_id>/merge": Route("POST", api_lead()),
        A + "/curation/documents/<int:document_id>/gold": Route("POST", api_lead(400)),
        A + "/curation/documents/<int:document_id>/status": Route("PUT", api_lead(400)),
        A + "/curation/documents/<int:document_id>/answers/<int:question_id>": Route(
            "PUT", api_lead(400)
        ),
        "PATCH " + A + "/curation/gold/<int:gold_id>": Route("PATCH", api_lead(400)),
        "DELETE " + A + "/curation/gold/<int:gold_id>": Route("DELETE", api_lead(204)),
    }
)

# Outlet analysis, outlets and stories (issue 20): leads and admins only.
EXPECTED.update(
    {
        P + "/analysis": Route("GET", lead_page()),
        P + "/analysis/plots/<kind>.<fmt>": Route("GET", lead_page()),
        P + "/outlets": Route("GET", lead_page()),
        P + "/stories": Route("GET", lead_page()),
        P + "/stories/<path:story>": Route("GET", lead_page()),
        A + "/projects/<int:project_id>/analysis": Route("GET", api_lead()),
        A + "/projects/<int:project_id>/stories": Route("GET", api_lead()),
        A + "/projects/<int:project_id>/outlets": Route("GET", api_lead()),
    }
)

# The annotator's workspace (issue 22): comment threads, the leads' open questions, API docs.
EXPECTED.update(
    {
        P + "/comments": Route("GET", lead_page()),
        P + "/comments/<int:comment_id>/resolve": Route("POST", lead_page(302)),
        # Members get past the access check: the list, or a 400 about the missing body.
        "GET " + A + "/documents/<int:document_id>/comments": Route("GET", api_member()),
        "POST " + A + "/documents/<int:document_id>/comments": Route("POST", api_member(400)),
        # alice's own thread: she may not resolve it (403); leads may, but not without a body.
        A + "/comments/<int:comment_id>/resolve": Route(
            "POST", api(404, annotator=403, lead=400, admin=400)
        ),
        A + "/projects/<int:project_id>/comments": Route("GET", api_lead()),
        A + "/docs": Route("GET", everyone(200)),
        A + "/docs/assets/<path:filename>": Route("GET", everyone(200), {"filename": "docs_asset"}),
    }
)

# Training and quality control (issue 21): the Quality page and its forms for leads; the
# training progress, retry and feedback pages for members (feedback only on training items:
# the world's article is real work, so 404).
EXPECTED.update(
    {
        P + "/quality": Route("GET", lead_page()),
        P + "/quality/learning-curve.<fmt>": Route("GET", lead_page()),
        P + "/quality/settings": Route("POST", lead_page(302)),
        P + "/quality/purpose": Route("POST", lead_page(302)),
        P + "/quality/members/<int:user_id>/<action>": Route(
            "POST", lead_page(302), args={"action": "quality_action"}
        ),
        P + "/training": Route("GET", project_page()),
        P + "/training/retry": Route("POST", project_page(302)),
        P + "/training/<int:document_id>/feedback": Route("GET", project_page(404)),
    }
)

# Guidelines versions and their diffs for every member; the live preview and the audit log
# API for leads (issue 22). The preview without a body: leads get past the check to a 400.
EXPECTED.update(
    {
        P + "/guidelines": Route("GET", project_page()),
        P + "/guidelines/versions/<int:number>": Route(
            "GET", project_page(), {"number": "guidelines_version"}
        ),
        P + "/guidelines/diff": Route("GET", project_page()),
        P + "/guidelines/preview": Route("POST", lead_page(400)),
        A + "/projects/<int:project_id>/audit": Route("GET", api_lead()),
    }
)

DEFAULT_ARGS = {
    "kind": "plot_kind",
    "fmt": "plot_fmt",
    "story": "story",
    "project_id": "project",
    "document_id": "document",
    "label_id": "label",
    "question_id": "spare_question",
    "user_id": "spare_member",
    "span_id": "span",
    "token_id": "token",
    "gold_id": "gold",
    "run_id": "run",
    "comment_id": "comment",
}


@pytest.fixture
def world(app):
    return build_world(app)


def build_world(app) -> dict:
    """make_world plus a span, a gold span, a token, a model run and spare schema items."""
    with app.app_context():
        ids = make_world()
        project = db.session.get(Project, ids["project"])
        carl = make_user("carl")
        add_member(project, carl, "annotator")
        spare = save_label(project, name="Spare", color="#123456")
        question = save_question(project, name="spare", text="Spare?", kind="likert")
        other = save_question(project, name="other", text="Other?", kind="likert")
        framing = db.session.execute(
            select(Label.id).where(Label.project_id == project.id, Label.name == "Framing")
        ).scalar_one()
        span = Span(
            document_id=ids["document"],
            user_id=ids["alice"],
            label_id=framing,
            start=0,
            end=7,
            text="Leaders",
        )
        token = ApiToken(user_id=ids["alice"], name="alice's token", token_hash="0" * 64)
        gold = GoldSpan(
            document_id=ids["document"], label_id=framing, start=0, end=7, text="Leaders"
        )
        run = ModelRun(project_id=project.id, level="sentence", status="failed")
        question_thread = Comment(
            project_id=project.id,
            document_id=ids["document"],
            annotator_id=ids["alice"],
            author_id=ids["alice"],
            body="How do I label this?",
        )
        db.session.add_all([span, token, gold, run, question_thread])
        db.session.get(Document, ids["document"]).story = "geneva-talks"
        db.session.commit()
        ids.update(
            label=framing,
            spare_label=spare.id,
            spare_question=question.id,
            other_question=other.id,
            spare_member=carl.id,
            span=span.id,
            token=token.id,
            gold=gold.id,
            run=run.id,
            plot_kind="labels",
            plot_fmt="svg",
            quality_action="pause",
            story="geneva-talks",
            comment=question_thread.id,
            docs_asset="swagger-ui.css",
            guidelines_version=1,
        )
    return ids


def site_rules(app) -> list:
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def methods_of(rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def entry_for(rule) -> Route | None:
    for method in methods_of(rule):
        route = EXPECTED.get(f"{method} {rule.rule}")
        if route is not None:
            return route
    return EXPECTED.get(rule.rule)


def unknown_rules(app) -> tuple[list[str], list[str]]:
    """(rules with no entry, rules with no entry that are pending)."""
    missing, pending = [], []
    for rule in site_rules(app):
        if entry_for(rule) is not None:
            continue
        name = f"{'/'.join(methods_of(rule))} {rule.rule}"
        (pending if rule.rule.startswith(PENDING_PREFIXES) else missing).append(name)
    return sorted(missing), sorted(pending)


def build_url(rule, route: Route, world: dict) -> str:
    values = {}
    for arg in rule.arguments:
        key = route.args.get(arg, DEFAULT_ARGS.get(arg))
        assert key is not None, f"{rule.rule}: no id for URL argument {arg!r}; extend DEFAULT_ARGS"
        values[arg] = world[key]
    return rule.build(values, append_unknown=False)[1]


def test_every_rule_has_an_entry(app):
    missing, _ = unknown_rules(app)
    assert missing == [], f"add these rules to EXPECTED in {__file__}: {missing}"


def test_no_stale_entries(app):
    present = {r.rule for r in site_rules(app)}
    present |= {f"{m} {r.rule}" for r in site_rules(app) for m in methods_of(r)}
    assert sorted(set(EXPECTED) - present) == []
    for rule in site_rules(app):
        route = entry_for(rule)
        if route is not None:
            assert route.method in methods_of(rule), f"{rule.rule} has no {route.method}"


def test_unlisted_route_is_caught(app):
    """The guard itself works: a new route without an entry is reported."""
    app.add_url_rule("/brand-new", "brand_new", lambda: "hi")
    app.add_url_rule("/api/v9/thing", "api_thing", lambda: "hi")
    missing, pending = unknown_rules(app)
    assert "GET /brand-new" in missing
    assert "GET /api/v9/thing" in missing and pending == []


def check(client, method: str, url: str, expected, who: str, rule: str) -> None:
    response = client.open(url, method=method)
    where = f"{who} {method} {url} ({rule})"
    if expected == LOGIN:
        assert response.status_code == 302, f"{where}: {response.status_code}"
        location = response.headers["Location"]
        assert location.startswith("/login"), f"{where}: redirected to {location}"
    else:
        assert response.status_code == expected, f"{where}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_role_checks_on_every_view(app, client, auth, world, role):
    if role != "anonymous":
        assert auth.login(USERS[role]).status_code == 302
    checked = 0
    routes = [(rule, entry_for(rule)) for rule in site_rules(app)]
    # Reads first, deletions last, so that changes cannot disturb the checks after them.
    routes = [(rule, route) for rule, route in routes if route is not None]
    routes.sort(key=lambda rr: (rr[1].method != "GET", rr[1].method == "DELETE", rr[0].rule))
    for rule, route in routes:
        url = build_url(rule, route, world)
        expected = route.expect[role]
        if expected in DENIED:
            # A refusal holds for every method the rule accepts, not only the main one.
            methods = methods_of(rule)
        else:
            methods = [route.method]
        for method in methods:
            check(client, method, url, expected, role, rule.rule)
            checked += 1
        if rule.rule == "/logout" and role != "anonymous":
            assert auth.login(USERS[role]).status_code == 302
    assert checked >= len(EXPECTED)


def test_outsider_cannot_see_project_on_home(app, client, auth, world):
    auth.login("otto")
    page = client.get("/").data
    assert b"Other study" in page and b"Bias study" not in page


def test_admin_sees_every_project(app, client, auth, world):
    auth.login("root")
    page = client.get("/").data
    assert b"Other study" in page and b"Bias study" in page


def test_annotator_cannot_open_unassigned_article(app, client, auth, world):
    with app.app_context():
        project = db.session.get(Project, world["project"])
        extra = make_document(project, "An article nobody was given.", external_id="extra").id
    url = f"/projects/{world['project']}/documents/{extra}/annotate"
    auth.login("alice")
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login("lena")
    assert client.get(url).status_code == 200


def test_article_of_another_project_is_not_found(app, client, auth, world):
    auth.login("otto")
    url = f"/projects/{world['other']}/documents/{world['document']}/annotate"
    assert client.get(url).status_code == 404


def test_unknown_project_is_not_found(client, auth, world):
    auth.login("root")
    assert client.get("/projects/987654").status_code == 404
    assert client.get("/projects/987654/settings").status_code == 404


def test_label_and_question_of_another_project_are_not_found(app, client, auth, world):
    with app.app_context():
        other_label = (
            db.session.execute(select(Label.id).where(Label.project_id == world["other"]))
            .scalars()
            .first()
        )
        other_question = (
            db.session.execute(
                select(DocumentQuestion.id).where(DocumentQuestion.project_id == world["other"])
            )
            .scalars()
            .first()
        )
    auth.login("lena")
    base = f"/projects/{world['project']}"
    assert client.get(f"{base}/labels/{other_label}").status_code == 404
    assert client.post(f"{base}/labels/{other_label}/delete").status_code == 404
    assert client.post(f"{base}/questions/{other_question}/delete").status_code == 404
    with app.app_context():
        assert db.session.get(Label, other_label) is not None
        assert db.session.get(DocumentQuestion, other_question) is not None


def test_annotator_post_to_lead_pages_changes_nothing(app, client, auth, world):
    auth.login("alice")
    base = f"/projects/{world['project']}"
    client.post(f"{base}/settings", data={"name": "Hijacked", "per_doc": 1})
    client.post(f"{base}/labels", data={"name": "Mine", "color": "#000000"})
    client.post(f"{base}/members", data={"username": "alice", "role": "lead"})
    with app.app_context():
        project = db.session.get(Project, world["project"])
        assert project.name == "Bias study"
        assert "Mine" not in [label.name for label in project.labels]
        roles = {m.user.username: m.role for m in project.memberships}
        assert roles["alice"] == "annotator"
