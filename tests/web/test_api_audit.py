"""GET /api/v1/projects/<id>/audit: the audit log for leads, filtered and paged, as JSON, CSV
or JSONL; the same events as the History page's downloads (issue 22)."""

# ruff: noqa: F811  (the tests take the ``ids`` fixture imported from test_articles_list)
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import select, update

from annotator.extensions import db
from annotator.models import Membership, SpanEvent, User
from annotator.services.accounts.tokens import create_token
from tests.factories import make_user
from tests.web.test_articles_list import edit_spans, ids  # noqa: F401  (the fixture)


def url(ids, query: str = "") -> str:
    return f"/api/v1/projects/{ids['project']}/audit{query}"


def test_json_pages_in_order_with_next_offset(app, client, auth, ids):
    edit_spans(app, ids)
    auth.login("lena")
    first = client.get(url(ids, "?limit=3"))
    assert first.status_code == 200
    body = first.get_json()
    assert (body["offset"], body["limit"], body["next_offset"]) == (0, 3, 3)
    seen = list(body["events"])
    while body["next_offset"] is not None:
        body = client.get(url(ids, f"?limit=3&offset={body['next_offset']}")).get_json()
        seen += body["events"]
    assert len(seen) == 7  # 4 creates, 2 updates, 1 delete
    whole = client.get(url(ids)).get_json()
    assert whole["next_offset"] is None and whole["events"] == seen
    assert [e["at"] for e in seen] == sorted(e["at"] for e in seen)
    resized = next(e for e in seen if e["change"].startswith("resized"))
    assert resized["before"]["text"] == "Taxes" and resized["after"]["text"] == "rose"
    assert resized["annotator"] == "alice" and resized["document_id"] == ids["docs"][0]


def test_the_same_events_as_the_history_page_downloads(app, client, auth, ids):
    edit_spans(app, ids)
    auth.login("lena")
    for query in ("", "?annotator=alice", "?annotator=bob&since=2000-01-01"):
        sep = "&" if query else "?"
        page = client.get(f"/projects/{ids['project']}/audit{query}{sep}format=jsonl")
        api = client.get(url(ids, f"{query}{sep}format=jsonl"))
        assert api.status_code == 200 and api.mimetype == "application/x-ndjson"
        assert api.data == page.data and api.data
        web_csv = client.get(f"/projects/{ids['project']}/audit{query}{sep}format=csv").data
        assert client.get(url(ids, f"{query}{sep}format=csv")).data == web_csv
    jsonl = client.get(url(ids, "?format=jsonl")).get_data(as_text=True).splitlines()
    assert [json.loads(line) for line in jsonl] == client.get(url(ids)).get_json()["events"]
    rows = list(csv.DictReader(io.StringIO(client.get(url(ids, "?format=csv")).text)))
    assert len(rows) == 7
    two = client.get(url(ids, "?format=csv&offset=1&limit=2")).text
    assert [r["span_id"] for r in csv.DictReader(io.StringIO(two))] == [
        r["span_id"] for r in rows[1:3]
    ]
    assert "attachment" in client.get(url(ids, "?format=csv")).headers["Content-Disposition"]


def test_filters_by_annotator_time_article_and_span(app, client, auth, ids):
    span_id = edit_spans(app, ids)
    with app.app_context():  # alice's changes an hour apart from bob's
        bob = ids["bob"]
        db.session.execute(
            update(SpanEvent)
            .where(SpanEvent.user_id == bob)
            .values(at=datetime(2026, 1, 1, 10, tzinfo=UTC))
        )
        db.session.execute(
            update(SpanEvent)
            .where(SpanEvent.user_id != bob)
            .values(at=datetime(2026, 1, 1, 11, tzinfo=UTC))
        )
        db.session.commit()
    auth.login("lena")

    def events(query):
        response = client.get(url(ids, query))
        assert response.status_code == 200, response.get_json()
        return response.get_json()["events"]

    assert {e["annotator"] for e in events("?annotator=bob")} == {"bob"}
    assert len(events("?annotator=alice")) == 5
    assert events("?annotator=nobody") == []
    assert {e["annotator"] for e in events("?since=2026-01-01T10:30")} == {"alice"}
    assert {e["annotator"] for e in events("?until=2026-01-01T10:30")} == {"bob"}
    # an offset names the same instant in UTC: 12:30+02:00 is 10:30 UTC
    assert {e["annotator"] for e in events("?until=2026-01-01T12:30%2B02:00")} == {"bob"}
    assert len(events("?since=2026-01-01T10:00&until=2026-01-01T11:00")) == 7
    assert {e["span_id"] for e in events(f"?span={span_id}")} == {span_id}
    assert {e["document_id"] for e in events(f"?document={ids['docs'][1]}")} == {ids["docs"][1]}
    assert events("?document=999999") == []


def test_bad_arguments_are_400_naming_them(app, client, auth, ids):
    auth.login("lena")
    for query, word in (
        ("?since=soon", "since"),
        ("?until=2026-13-40", "until"),
        ("?format=xml", "xml"),
        ("?limit=0", "limit"),
        ("?limit=501", "limit"),
        ("?offset=-1", "offset"),
        ("?span=x", "span"),
        ("?span=99999999999999999999999", "span"),
        ("?span=2147483648", "span"),  # beyond a 32-bit id: PostgreSQL would refuse it
        ("?document=2147483648", "document"),
        ("?document=1.5", "document"),
        ("?since=0001-01-01T00:00%2B05:00", "since"),
    ):
        response = client.get(url(ids, query))
        assert response.status_code == 400, query
        assert word in response.get_json()["error"], (query, response.get_json())
    # the ends of the calendar are fine, on SQLite and PostgreSQL alike
    for query in ("?since=0001-01-01", "?until=9999-12-31T23:59:59", "?span=2147483647"):
        assert client.get(url(ids, query)).status_code == 200, query


def test_access_follows_the_project_rules(app, client, auth, ids):
    """Leads only: an annotator gets 403, anyone outside the project (or a missing project)
    the same 404; signed out, 401."""
    with app.app_context():
        make_user("otto")
        make_user("root", admin=True)
    assert client.get(url(ids)).status_code == 401
    auth.login("alice")
    assert client.get(url(ids)).status_code == 403
    assert client.get(url(ids, "?format=csv")).status_code == 403
    auth.logout()
    auth.login("otto")
    assert client.get(url(ids)).status_code == 404
    assert client.get("/api/v1/projects/999999/audit").status_code == 404
    auth.logout()
    auth.login("root")  # a site admin sees every project
    assert client.get(url(ids)).status_code == 200


def test_a_lead_token_reads_it_and_an_annotator_token_does_not(app, client, ids):
    with app.app_context():
        lena = db.session.execute(select(User).where(User.username == "lena")).scalar_one()
        lena_id = lena.id
        alice = db.session.get(User, ids["alice"])
        lead_token = create_token(lena, "audit")[1]
        annotator_token = create_token(alice, "audit")[1]
        db.session.commit()
    fresh = app.test_client(use_cookies=False)
    ok = fresh.get(url(ids), headers={"Authorization": f"Bearer {lead_token}"})
    assert ok.status_code == 200 and "events" in ok.get_json()
    no = fresh.get(url(ids), headers={"Authorization": f"Bearer {annotator_token}"})
    assert no.status_code == 403
    with app.app_context():  # demoted: the same token is refused
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == lena_id, Membership.project_id == ids["project"])
            .values(role="annotator")
        )
        db.session.commit()
    demoted = fresh.get(url(ids), headers={"Authorization": f"Bearer {lead_token}"})
    assert demoted.status_code == 403


def test_documented_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    get = doc["paths"]["/projects/{project_id}/audit"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"annotator", "since", "until", "offset", "limit", "format"} <= names
    content = get["responses"]["200"]["content"]
    assert {"application/json", "text/csv", "application/x-ndjson"} <= set(content)
