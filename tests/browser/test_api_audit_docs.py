"""The audit log endpoint in the API documentation (issue 22): listed by Swagger UI, and its
"Try it out" answers a lead with the project's events (session and CSRF header, no CDN)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_audit_log_can_be_tried_from_the_docs(live_server, world, page, login):
    from annotator.extensions import db
    from annotator.models import Document, Label, User
    from tests.factories import make_span

    with live_server.db():
        label = db.session.query(Label).filter_by(project_id=world["project"]).first()
        make_span(
            db.session.get(User, world["alice"]),
            db.session.get(Document, world["second"]),
            {"label_id": label.id, "start": 0, "end": 8, "text": "A second"},
        )
        db.session.commit()
        db.session.remove()
    login(page, "lena")
    page.goto(f"{live_server.url}/api/v1/docs")
    operation = page.locator(
        ".opblock",
        has=page.locator(".opblock-summary-path", has_text="/projects/{project_id}/audit"),
    )
    expect(operation).to_have_count(1)
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    operation.locator('tr[data-param-name="project_id"] input').fill(str(world["project"]))
    operation.locator('tr[data-param-name="annotator"] input').fill("alice")
    operation.locator(".execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200")
    body = json.loads(
        operation.locator(
            ".live-responses-table tbody .response-col_description pre"
        ).first.inner_text()
    )
    assert [(e["annotator"], e["action"], e["text_after"]) for e in body["events"]] == [
        ("alice", "create", "A second")
    ]
