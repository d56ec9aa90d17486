"""Model suggestions on the annotate page: dashed ghosts with the model's confidence that the
annotator accepts (they become real spans recorded as suggestions) or dismisses (recorded, not
offered again); only those reaching the project's threshold; never shown when off or in
read-only views."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from annotator.extensions import db
from annotator.models import (
    Document,
    Label,
    ModelRun,
    Project,
    Span,
    SpanEvent,
    SuggestionDecision,
    User,
)
from annotator.services.analysis.training import create_run, execute_run
from annotator.services.projects.assigning import assign
from tests.browser.helpers import open_article, wait_saved
from tests.factories import make_document, make_project, make_span, make_user
from tests.mlbackend_server import MLBackend

pytestmark = pytest.mark.browser

SENTENCES = [
    "The minister said the reform is a disaster for families.",
    "Officials claimed the budget grew by ten percent.",
    "Critics warned of chaos at the border.",
    "The weather was mild on Tuesday.",
]
# (fragment, label): what both annotators marked in every article.
MARKED = [("claimed the budget grew", "Claim"), ("a disaster", "Framing"), ("chaos", "Framing")]

GHOSTS_JS = """() => [...window.annotatorPage.suggestions.ghosts.values()]
  .map((g) => ({key: g.key, text: g.text, label: g.label, start: g.start, end: g.end}))"""


@pytest.fixture(scope="module")
def trained(live_server):
    """A project of eight articles that sg_ann1 and sg_ann2 marked identically, a span model
    trained on it (2 folds), and sg_carol, who is assigned every article but marked nothing."""
    with live_server.db():
        lead = make_user("sg_lead")
        people = [make_user("sg_ann1"), make_user("sg_ann2")]
        carol = make_user("sg_carol")
        project = make_project(
            "Suggestions study", lead=lead, annotators=[*people, carol], per_doc=3
        )
        labels = dict(
            db.session.execute(
                select(Label.name, Label.id).where(Label.project_id == project.id)
            ).all()
        )
        docs = []
        for n in range(8):
            text = " ".join(SENTENCES[(n + k) % 4] for k in range(4)) + f" Story {n}."
            doc = make_document(project, text, external_id=f"sg{n}", title=f"Story {n}")
            docs.append(doc.id)
            for user in people:
                for fragment, label in MARKED:
                    start = text.index(fragment)
                    data = {
                        "label_id": labels[label],
                        "start": start,
                        "end": start + len(fragment),
                        "text": fragment,
                    }
                    make_span(user, doc, data)
        assign(project)
        db.session.commit()
        run = create_run(project, None, "span", 2)
        db.session.commit()
        run = execute_run(run.id)
        assert run.status == "finished", run.error
        ids = {"project": project.id, "docs": docs, "carol": carol.id, "labels": labels}
        db.session.remove()
    return ids


@pytest.fixture
def switches(live_server, trained):
    """set(on, in_blind): the project's suggestion switches; carol starts with no spans."""
    with live_server.db():
        carol_spans = select(Span.id).where(Span.user_id == trained["carol"])
        db.session.execute(delete(SpanEvent).where(SpanEvent.span_id.in_(carol_spans)))
        db.session.execute(delete(Span).where(Span.user_id == trained["carol"]))
        db.session.execute(
            delete(SuggestionDecision).where(SuggestionDecision.user_id == trained["carol"])
        )
        db.session.get(Project, trained["project"]).suggestion_threshold = None
        db.session.commit()
        db.session.remove()

    def do(on: bool, in_blind: bool = True) -> None:
        with live_server.db():
            project = db.session.get(Project, trained["project"])
            project.blind = True
            project.suggestions, project.suggestions_in_blind = on, in_blind
            db.session.commit()
            db.session.remove()

    return do


def carol_spans(live_server, document_id):
    """(start, end, text[start:end], span.text, source) of carol's spans, from the database."""
    with live_server.db():
        text = db.session.get(Document, document_id).text
        rows = db.session.execute(
            select(Span)
            .join(User, User.id == Span.user_id)
            .where(Span.document_id == document_id, User.username == "sg_carol")
            .order_by(Span.start)
        ).scalars()
        out = [(s.start, s.end, text[s.start : s.end], s.text, s.source) for s in rows]
        db.session.remove()
        return out


def suggestion_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.url.endswith("/suggestions") else None)
    return seen


def ghost(page, key):
    return page.locator(f'#article mark[data-ghosts~="{key}"]')


def test_accept_and_dismiss_suggestions(live_server, trained, switches, page, login):
    switches(True)
    doc = trained["docs"][0]
    login(page, "sg_carol")
    open_article(page, live_server.url, trained["project"], doc)
    expect(page.locator("#suggestion-list li")).to_have_count(len(MARKED))
    ghosts = {g["text"]: g for g in page.evaluate(GHOSTS_JS)}
    assert set(ghosts) == {fragment for fragment, _ in MARKED}
    assert {g["label"] for g in ghosts.values()} == {"Claim", "Framing"}
    claim, disaster, chaos = (ghosts[fragment] for fragment, _ in MARKED)
    # Dashed ghosts, not real spans: nothing in the side list of spans yet.
    first = ghost(page, claim["key"]).first
    expect(first).to_have_class(f"ghost g-{trained['labels']['Claim']} gs ge")
    assert first.evaluate("(m) => getComputedStyle(m).borderTopStyle") == "dashed"
    expect(page.locator("#article mark[data-spans]")).to_have_count(0)
    expect(page.locator("#span-count")).to_have_text("0")

    # Accept by clicking: a real span, selected, saved through the queue.
    first.click()
    expect(ghost(page, claim["key"])).to_have_count(0)
    expect(page.locator("#article mark[data-spans]", has_text=claim["text"])).to_have_count(1)
    expect(page.locator("#span-list li", has_text=claim["text"])).to_contain_text("Claim")
    expect(page.locator("#span-panel")).to_be_visible()
    wait_saved(page)

    # Select one in the suggestions list and dismiss it with Delete: gone from the page.
    page.locator(f'#suggestion-list li[data-ghost="{disaster["key"]}"] .suggestion-pick').click()
    framing = trained["labels"]["Framing"]
    expect(ghost(page, disaster["key"]).first).to_have_class(f"ghost g-{framing} gs ge gsel")
    page.keyboard.press("Delete")
    expect(ghost(page, disaster["key"])).to_have_count(0)
    expect(page.locator("#suggestion-list li")).to_have_count(1)

    # Accept the last with Enter; undo brings the ghost back, redo accepts it again.
    page.locator(f'#suggestion-list li[data-ghost="{chaos["key"]}"] .suggestion-pick').click()
    page.locator("#article").focus()
    page.keyboard.press("Enter")
    expect(ghost(page, chaos["key"])).to_have_count(0)
    expect(page.locator("#span-list li")).to_have_count(2)
    page.keyboard.press("Control+z")
    expect(ghost(page, chaos["key"])).to_have_count(1)
    expect(page.locator("#span-list li")).to_have_count(1)
    page.keyboard.press("Control+Shift+z")
    expect(ghost(page, chaos["key"])).to_have_count(0)
    expect(page.locator("#span-list li")).to_have_count(2)
    wait_saved(page)

    # In the database: the accepted two (the dismissed one never was saved), as suggestions.
    by_text = {r[2]: r for r in carol_spans(live_server, doc)}
    assert set(by_text) == {claim["text"], chaos["text"]}
    for g in (claim, chaos):
        start, end, covered, stored, source = by_text[g["text"]]
        assert (start, end) == (g["start"], g["end"])
        assert covered == stored == g["text"] and source == "suggestion"

    # The answers are recorded for the model page: two accepted (the undo and redo of the
    # last one cancel out), one dismissed.
    with live_server.db():
        answers = sorted(
            db.session.execute(
                select(SuggestionDecision.start, SuggestionDecision.decision).where(
                    SuggestionDecision.user_id == trained["carol"],
                    SuggestionDecision.document_id == doc,
                )
            ).all()
        )
        db.session.remove()
    expected = [(g["start"], d) for g, d in ((claim, "accepted"), (disaster, "dismissed"))]
    assert answers == sorted([*expected, (chaos["start"], "accepted")])

    # After a reload: real spans; neither accepted nor dismissed suggestions are offered again.
    page.reload()
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    expect(page.locator("#span-list li")).to_have_count(2)
    expect(page.locator("#suggestion-list li")).to_have_count(0)
    for g in (claim, chaos):
        expect(page.locator("#article mark[data-spans]", has_text=g["text"])).to_have_count(1)
    api = page.request.get(f"{live_server.url}/api/v1/documents/{doc}").json()
    assert {(s["text"], s["source"]) for s in api["spans"]} == {
        (claim["text"], "suggestion"),
        (chaos["text"], "suggestion"),
    }


def test_dismiss_button_and_escape(live_server, trained, switches, page, login):
    switches(True)
    login(page, "sg_carol")
    open_article(page, live_server.url, trained["project"], trained["docs"][1])
    expect(page.locator("#suggestion-list li")).to_have_count(len(MARKED))
    keys = [g["key"] for g in page.evaluate(GHOSTS_JS)]
    page.locator(f'#suggestion-list li[data-ghost="{keys[0]}"] button[data-action=dismiss]').click()
    expect(ghost(page, keys[0])).to_have_count(0)
    page.locator(f'#suggestion-list li[data-ghost="{keys[1]}"] .suggestion-pick').click()
    page.locator("#article").focus()
    page.keyboard.press("Escape")
    expect(ghost(page, keys[1])).to_have_count(0)
    expect(page.locator("#suggestion-list li")).to_have_count(1)
    page.wait_for_timeout(300)
    assert carol_spans(live_server, trained["docs"][1]) == []


def test_no_ghosts_when_off(live_server, trained, switches, page, login):
    switches(False)
    requests = suggestion_requests(page)
    login(page, "sg_carol")
    open_article(page, live_server.url, trained["project"], trained["docs"][2])
    page.wait_for_load_state("networkidle")
    expect(page.locator("#article mark")).to_have_count(0)
    expect(page.locator("#suggestion-card")).to_have_count(0)
    assert requests == []
    # On, but blind without the lead's opt-in: still nothing.
    switches(True, in_blind=False)
    page.reload()
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#article mark")).to_have_count(0)
    assert requests == []
    # (The page fixture fails the test on any script error or CSP violation.)


def test_no_ghosts_in_read_only_views(live_server, trained, switches, page, login):
    switches(True)
    requests = suggestion_requests(page)
    login(page, "sg_lead")
    for query in ("?annotator=sg_ann1", "?annotator=*"):
        open_article(page, live_server.url, trained["project"], trained["docs"][0], query)
        page.wait_for_load_state("networkidle")
        expect(page.locator("mark.ghost")).to_have_count(0)
        expect(page.locator("#suggestion-card")).to_have_count(0)
    expect(page.locator("#lanes mark[data-spans]").first).to_be_visible()
    assert requests == []


SCORES_JS = """() => [...document.querySelectorAll('#suggestion-list .suggestion-score')]
  .map((n) => n.textContent)"""


@pytest.fixture
def backend(live_server, trained):
    """A Label Studio ML backend with fixed scores, registered as the project's model server
    for one test."""
    server = MLBackend(
        {
            "claimed the budget grew": ("Claim", 0.8),
            "disaster": ("framing", 0.35),
            "chaos": ("Framing", 0.6),
        }
    )
    with live_server.db():
        db.session.get(Project, trained["project"]).model_server_url = server.url
        db.session.commit()
        db.session.remove()
    yield server
    with live_server.db():
        db.session.get(Project, trained["project"]).model_server_url = ""
        db.session.commit()
        db.session.remove()
    server.down()


def test_scores_shown_and_threshold_honoured(live_server, trained, switches, backend, page, login):
    switches(True)
    doc = trained["docs"][3]
    login(page, "sg_carol")
    open_article(page, live_server.url, trained["project"], doc)
    # every suggestion shows the model's confidence
    expect(page.locator("#suggestion-list li")).to_have_count(3)
    assert sorted(page.evaluate(SCORES_JS)) == ["0.35", "0.60", "0.80"]
    expect(page.locator("#suggestion-threshold")).to_contain_text("at least 0.00")
    item = page.locator("#suggestion-list li", has_text="chaos")
    expect(item.locator(".suggestion-score")).to_have_text("0.60")
    expect(item.locator(".span-label")).to_have_text("Framing")

    # the lead's threshold: only suggestions reaching it are shown
    with live_server.db():
        db.session.get(Project, trained["project"]).suggestion_threshold = 0.5
        db.session.commit()
        db.session.remove()
    page.reload()
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    expect(page.locator("#suggestion-list li")).to_have_count(2)
    assert sorted(page.evaluate(SCORES_JS)) == ["0.60", "0.80"]
    expect(page.locator("#suggestion-threshold")).to_contain_text("at least 0.50")
    expect(page.locator("#article mark.ghost", has_text="disaster")).to_have_count(0)

    # the model server goes down: the card says so, the article is there all the same
    backend.down()
    page.reload()
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    expect(page.locator("#suggestion-error")).to_contain_text("cannot be reached")
    expect(page.locator("#suggestion-list li")).to_have_count(0)
    expect(page.locator("#article")).to_contain_text("The weather was mild")


def test_the_model_threshold_applies_by_default(live_server, trained, switches, page, login):
    """Without a threshold of the lead's, the model's own (its inner split's best-F1 one)."""
    switches(True)
    with live_server.db():
        run = db.session.execute(
            select(ModelRun).where(ModelRun.project_id == trained["project"])
        ).scalar_one()
        tuned = run.params["threshold"]
        db.session.remove()
    login(page, "sg_carol")
    open_article(page, live_server.url, trained["project"], trained["docs"][4])
    expect(page.locator("#suggestion-threshold")).to_contain_text(f"at least {tuned:.2f}")
    assert all(float(t) >= round(tuned, 2) for t in page.evaluate(SCORES_JS))
