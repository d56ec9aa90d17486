"""The compact curation view in headless Chromium (issue 22): on the ~3,200-character news
article, lanes fold to where the annotators differ; the page measures less than half its full
height; each fold counts what it holds; Show opens a fold; a picked gold span in a fold is shown;
the choice is remembered per user; axe finds no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from annotator.extensions import db
from annotator.models import DocumentCuration, GoldAnswer, GoldEvent, GoldSpan, Label, Span
from tests.shared import NEWS_ARTICLE

pytestmark = pytest.mark.browser

with open(NEWS_ARTICLE, encoding="utf-8", newline="") as _handle:
    TEXT = _handle.read()

# Both annotators mark these alike (one a paragraph each, roughly).
AGREED = [
    ("voted 41 to 29", "Claim"),
    ("the largest public works contract", "Claim"),
    ("“long overdue”", "Quote"),
    ("60,000 homes", "Claim"),
    ("cut the risk of a major flood", "Claim"),
    ("hundreds of residents", "Claim"),
    ("a process that could take a year", "Claim"),
    ("“I don’t care whose idea it is — I care whether it works.”", "Quote"),
]
# They differ here: a boundary, and a label.
DIFFERENT = [
    ("alice", "the talks broke down within weeks", "Claim"),
    ("bob", "the talks broke down", "Claim"),
    ("alice", "“Back in the mud again 👩‍🔬,”", "Quote"),
    ("bob", "“Back in the mud again 👩‍🔬,”", "Claim"),
]


def _clear():
    for model in (GoldEvent, GoldSpan, GoldAnswer, DocumentCuration):
        db.session.execute(delete(model))
    db.session.commit()


@pytest.fixture
def news_spans(live_server, world):
    with live_server.db():
        _clear()
        labels = dict(
            db.session.execute(
                select(Label.name, Label.id).where(Label.project_id == world["project"])
            ).all()
        )
        rows = [(who, frag, label) for frag, label in AGREED for who in ("alice", "bob")]
        for who, fragment, label in rows + DIFFERENT:
            assert TEXT.count(fragment) == 1, fragment
            start = TEXT.index(fragment)
            db.session.add(
                Span(
                    document_id=world["news"],
                    user_id=world[who],
                    label_id=labels[label],
                    start=start,
                    end=start + len(fragment),
                    text=fragment,
                )
            )
        start = TEXT.index("60,000 homes")
        db.session.add(
            GoldSpan(
                document_id=world["news"],
                label_id=labels["Claim"],
                start=start,
                end=start + len("60,000 homes"),
                text="60,000 homes",
                provenance=["alice", "bob"],
                source="auto",
                version=1,
            )
        )
        db.session.commit()
        db.session.remove()
    yield
    with live_server.db():
        _clear()
        db.session.remove()


def lanes_height(page) -> float:
    return page.evaluate("document.getElementById('lanes').getBoundingClientRect().height")


def page_height(page) -> float:
    return page.evaluate("document.documentElement.scrollHeight")


def lane_mark(page, lane: str, text: str):
    return page.locator(f'#lanes .lane[data-lane="{lane}"] mark', has_text=text)


def test_compact_mode_folds_agreement(live_server, world, news_spans, page, login):
    login(page, "lena")
    url = f"{live_server.url}/projects/{world['project']}/documents/{world['news']}/curate"
    page.goto(url)
    expect(page.locator("#curate")).to_have_attribute("data-ready", "true")
    toggle = page.get_by_label("Compact: only where annotators differ")
    expect(toggle).not_to_be_checked()
    expect(page.locator(".lane-fold")).to_have_count(0)
    full_lanes, full_page = lanes_height(page), page_height(page)

    toggle.check()
    expect(page.locator(".lane-fold").first).to_be_visible()
    compact_lanes, compact_page = lanes_height(page), page_height(page)
    print(
        f"\ncuration lanes {full_lanes:.0f} px -> {compact_lanes:.0f} px compact; "
        f"page {full_page:.0f} px -> {compact_page:.0f} px"
    )
    assert full_lanes > 3000  # the 4,300 px article, about
    assert compact_lanes < full_lanes / 2
    assert compact_page < full_page / 2

    # The differences are shown whole; what everybody agrees on is folded, and counted.
    expect(lane_mark(page, "alice", "the talks broke down within weeks")).to_have_count(1)
    expect(lane_mark(page, "bob", "Back in the mud again")).to_have_count(1)
    expect(lane_mark(page, "alice", "voted 41 to 29")).to_have_count(0)
    folds = page.locator(".lane-fold .fold-what").all_inner_texts()
    agreed = gold = chars = 0
    for line in folds:
        m = re.search(
            r"([\d,]+) characters? folded: (?:(\d+) spans? every annotator marked alike, "
            r"(\d+) gold|nothing marked)",
            line,
        )
        assert m, line
        chars += int(m.group(1).replace(",", ""))
        agreed += int(m.group(2) or 0)
        gold += int(m.group(3) or 0)
    assert (agreed, gold) == (len(AGREED), 1)
    shown = sum(
        len(t)
        for t in page.evaluate(
            "[...document.querySelectorAll('#lanes .lane[data-lane=votes] .lane-text')]"
            ".map((el) => el.textContent)"
        )
    )
    # Every character is shown or counted in a fold, but for blank lines between paragraphs
    # (no lanes in either mode). Python counts code points, as the fold lines do.
    skipped = len(TEXT) - shown - chars
    assert 0 <= skipped <= TEXT.count("\n")
    expect(page.locator("#compact-summary")).to_contain_text("folded")

    # A gold span picked from the list is shown even though it sits in a fold.
    page.locator("#gold-list a", has_text="60,000 homes").click()
    expect(lane_mark(page, "gold", "60,000 homes")).to_have_count(1)
    expect(page.locator(".bound-handle")).to_have_count(2)

    # Show opens the first fold and moves the focus there.
    first = page.locator(".show-fold").first
    expect(first).to_have_accessible_name(re.compile(r"Show [\d,]+ folded characters?"))
    first.click()
    expect(lane_mark(page, "alice", "voted 41 to 29")).to_have_count(1)
    expect(page.locator("#lanes .lane-para:focus")).to_have_count(1)

    # Remembered for this user after a reload; off again gives the full lanes back.
    page.reload()
    expect(page.locator("#curate")).to_have_attribute("data-ready", "true")
    expect(toggle).to_be_checked()
    expect(page.locator(".lane-fold").first).to_be_visible()
    keys = page.evaluate("Object.keys(localStorage)")
    assert f"annotator.curation.compact.{world['lena']}" in keys
    toggle.uncheck()
    expect(page.locator(".lane-fold")).to_have_count(0)
    assert abs(lanes_height(page) - full_lanes) < 5


def test_compact_mode_has_no_serious_axe_violations(live_server, world, news_spans, page, login):
    from axe_playwright_python.sync_playwright import Axe

    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{world['project']}/documents/{world['news']}/curate")
    expect(page.locator("#curate")).to_have_attribute("data-ready", "true")
    page.get_by_label("Compact: only where annotators differ").check()
    lane_mark(page, "alice", "the talks broke down within weeks").click()
    expect(page.locator(".bound-handle")).to_have_count(2)
    page.locator(".bound-handle.start").focus()
    page.keyboard.press("ArrowLeft")  # a pending move: the highlight and the status line
    expect(page.locator("#bounds-status")).not_to_have_text("")
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:5]]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
