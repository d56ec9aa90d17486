"""The story comparison view and the analysis page in Chromium: columns side by side with
highlighted spans (checked on a screenshot), figures loaded as files, no CSP violations."""

from __future__ import annotations

import io

import pytest

from annotator.extensions import db
from annotator.models import User
from tests.outlet_corpus import make_outlet_corpus

# the first label's highlight colour (static/css/analysis.css .lab-0) as RGB
LAB0 = (0xFD, 0xE6, 0x8A)
LAB1 = (0xBF, 0xDB, 0xFE)


@pytest.fixture(scope="module")
def corpus(live_server, _seeded):
    with live_server.db():
        ids = make_outlet_corpus(
            lead=db.session.get(User, _seeded["lena"]),
            alice=db.session.get(User, _seeded["alice"]),
            name="Outlet study (browser)",
        )
        db.session.remove()
    return ids


def _has_colour(image, box, colour) -> bool:
    import numpy as np

    region = np.asarray(image.crop(box).convert("RGB"), dtype=np.int16)
    return bool((np.abs(region - np.array(colour)) <= 6).all(axis=-1).any())


def test_story_columns_side_by_side(page, login, live_server, corpus, tmp_path):
    from PIL import Image

    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{corpus['project']}/stories")
    page.click("#story-list a >> text=story-1")
    page.wait_for_selector("#story-columns")
    columns = page.locator(".story-column")
    assert columns.count() == 3
    names = [columns.nth(i).get_attribute("data-outlet") for i in range(3)]
    assert names == ["Fox News", "HuffPost", "New York Times"]
    shot = page.screenshot(path=str(tmp_path / "story.png"), full_page=True)
    image = Image.open(io.BytesIO(shot))
    boxes = [columns.nth(i).bounding_box() for i in range(3)]
    # side by side: one row, left to right, not overlapping
    assert len({round(b["y"]) for b in boxes}) == 1
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] <= right["x"]
    for box in boxes:
        crop = (box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"])
        # every column shows highlighted Framing (lab-1) spans and its rate table
        assert _has_colour(image, crop, LAB0) or _has_colour(image, crop, LAB1)
    for i in range(3):
        assert columns.nth(i).locator(".story-rates tr").count() >= 3


def test_analysis_page_figures_load_without_csp_violations(page, login, live_server, corpus):
    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{corpus['project']}/analysis?by=leaning")
    page.wait_for_load_state("networkidle")
    images = page.locator(".plot img")
    assert images.count() == 3
    for i in range(3):
        width = images.nth(i).evaluate("img => img.complete ? img.naturalWidth : 0")
        assert width > 100
    assert page.locator("#analysis-table tbody tr").count() > 10
    assert "Holm" in page.inner_text("#analysis-method")


def test_story_view_with_one_annotators_spans(page, login, live_server, corpus):
    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{corpus['project']}/stories/story-2")
    page.select_option("#story-choice select[name=content]", "raw")
    page.fill("#story-choice input[name=annotator]", "alice")
    page.click("#story-choice button")
    page.wait_for_url(lambda url: "annotator=alice" in url)
    assert "content: raw (alice)" in page.inner_text("main")
    assert page.locator(".story-column").count() == 3
    assert page.locator(".story-column mark").count() >= 3


def test_figures_open_on_their_own_without_csp_violations(page, login, live_server, corpus):
    """A figure opened by itself (its URL in a tab, as "open image in new tab" does) renders
    under its own response's policy: no violation, and the bars keep their colours."""
    login(page, "lena")
    base = f"{live_server.url}/projects/{corpus['project']}/analysis/plots"
    for kind in ("labels", "questions", "frames"):
        response = page.goto(f"{base}/{kind}.svg?by=outlet")
        assert response.status == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert "script" not in response.headers["content-security-policy"].replace(
            "default-src 'none'", ""
        )
        page.wait_for_load_state("load")
        assert page.locator("svg path").count() > 10  # matplotlib draws text as paths too
        # a bar's fill comes from a style attribute: blocked styles would leave it black
        fill = page.evaluate(
            "() => { const p = [...document.querySelectorAll('svg path')].find("
            "e => (e.getAttribute('style') || '').includes('fill: #')); "
            "return p ? getComputedStyle(p).fill : null }"
        )
        assert fill is not None and fill not in ("rgb(0, 0, 0)", "none")
