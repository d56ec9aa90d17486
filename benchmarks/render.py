"""Benchmark: first render of the annotate page for a 20,000-character article with 1,000 spans.

Starts the app on 127.0.0.1 with a temporary SQLite database, logs in with headless Chromium
(/usr/bin/chromium through Playwright) and opens the article several times. Prints, per load
and as medians: time from navigation start to the rendered article (target <= 150 ms), the
part spent fetching the article JSON, the part spent rendering it, and the time to create one
more span (re-rendering only what changed). No assertions.

    python benchmarks/render.py [--chars 20000] [--spans 1000] [--runs 5] [--no-cache]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from werkzeug.serving import make_server  # noqa: E402

from annotator.extensions import db  # noqa: E402
from annotator.models import Span  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.conftest import TEST_PASSWORD, make_app  # noqa: E402

WORDS = (
    "the a leaders met “bold” move to restore U.S. leadership claimed over one million lives "
    "highly productive unrealistic said officials — critics président naïve 🤝 Geneva talks"
).split()


def synthetic_text(chars: int, rng: random.Random) -> str:
    out, size, para = [], 0, 0
    while size < chars:
        word = rng.choice(WORDS)
        para += len(word) + 1
        sep = "\n" if para > 600 and word.endswith(("s", "e")) else " "
        if sep == "\n":
            para = 0
        out.append(word + sep)
        size += len(word) + 1
    return "".join(out)[:chars].rstrip() + "."


def synthetic_spans(text: str, n: int, rng: random.Random) -> list[tuple[int, int]]:
    """n word-aligned spans of 1-12 words; many overlap (in code points)."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch in " \n"]
    spans = set()
    while len(spans) < n:
        k = rng.randrange(len(starts) - 13)
        s = starts[k]
        e = starts[k + rng.randint(1, 12)] - 1
        if text[s:e].strip() == text[s:e] and s < e:
            spans.add((s, e))
    return sorted(spans)


def seed(app, chars: int, n_spans: int) -> tuple[int, int]:
    from annotator.services.projects.assigning import assign
    from tests.factories import make_document, make_project, make_user

    rng = random.Random(20)
    with app.app_context():
        db.create_all()
        alice = make_user("alice")
        project = make_project("Benchmark", lead=make_user("lena"), annotators=[alice], per_doc=1)
        doc = make_document(
            project, synthetic_text(chars, rng), external_id="bench", title="Benchmark article"
        )
        assign(project)
        labels = [lb.id for lb in project.labels]
        for s, e in synthetic_spans(doc.text, n_spans, rng):
            db.session.add(
                Span(
                    document_id=doc.id,
                    user_id=alice.id,
                    label_id=rng.choice(labels),
                    start=s,
                    end=e,
                    text=doc.text[s:e],
                    attributes={},
                    note="",
                    source="manual",
                    version=1,
                    guidelines_version=1,
                )
            )
        db.session.commit()
        return project.id, doc.id


CREATE_JS = """
async () => {
  const page = window.annotatorPage;
  const text = page.text;
  const s = text.lastIndexOf("Geneva");
  const range = page.view.rangeFor(s, s + 6);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  const t0 = performance.now();
  page.create(page.labels[0].id);
  const t1 = performance.now();
  return t1 - t0;
}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=20_000)
    parser.add_argument("--spans", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-cache", action="store_true", help="revalidate static files")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        # A returning annotator has the static files cached (their URLs carry a hash of the
        # files, served with a one-year immutable Cache-Control); --no-cache sends no
        # Cache-Control for them, so the browser revalidates each one.
        max_age = None if args.no_cache else 3600
        app = make_app(
            f"sqlite:///{tmp}/bench.sqlite",
            f"{tmp}/instance",
            WTF_CSRF_ENABLED=True,
            SEND_FILE_MAX_AGE_DEFAULT=max_age,
        )
        if args.no_cache:

            def revalidate(response):
                if response.headers.get("Cache-Control", "").endswith("immutable"):
                    del response.headers["Cache-Control"]
                return response

            app.after_request_funcs.setdefault(None, []).insert(0, revalidate)  # runs last
        project_id, doc_id = seed(app, args.chars, args.spans)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        url = f"{base}/projects/{project_id}/documents/{doc_id}/annotate"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "alice")
            page.fill("input[name=password]", TEST_PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(lambda u: "/login" not in u)
            page.goto(url)  # warm-up: fills the browser cache
            page.wait_for_selector("#annotate[data-ready=true]")
            totals, renders, fetches, painted, views = [], [], [], [], []
            html, requests = [], []
            for run in range(args.runs):
                page.goto(url)
                page.wait_for_selector("#annotate[data-ready=true]")
                t = page.evaluate("window.annotatorTimings")
                counts = page.evaluate(
                    "[document.querySelectorAll('#article mark').length,"
                    " window.annotatorPage.store.sorted().length,"
                    " window.annotatorPage.text.length]"
                )
                page.wait_for_function("window.annotatorTimings.painted")
                t = page.evaluate("window.annotatorTimings")
                # What the load cost apart from the machine's speed: the HTML's arrival, and
                # the requests that went to the server (a cached file has transferSize 0).
                nav = page.evaluate(
                    "(() => { const n = performance.getEntriesByType('navigation')[0];"
                    " const r = performance.getEntriesByType('resource');"
                    " return [n.responseEnd, r.filter((e) => e.transferSize > 0).length,"
                    " r.length]; })()"
                )
                html.append(nav[0])
                requests.append(nav[1])
                totals.append(t["rendered"])
                painted.append(t["painted"])
                views.append(t["viewMs"])
                renders.append(t["rendered"] - t["data"])
                fetches.append(t["data"] - t["start"])
                print(
                    f"run {run + 1}: rendered {t['rendered']:.0f} ms, painted {t['painted']:.0f} "
                    f"ms "
                    f"after navigation start; article JSON awaited {t['data'] - t['start']:.0f} "
                    f"ms, JSON-to-DOM {t['rendered'] - t['data']:.0f} ms (article DOM "
                    f"{t['viewMs']:.0f} ms); {counts[1]} spans, {counts[0]} highlighted "
                    f"segments, {counts[2]} UTF-16 units; HTML in at {nav[0]:.0f} ms, modules "
                    f"started at {t['start']:.0f} ms; {nav[1]} of {nav[2]} sub-requests sent "
                    f"to the server"
                )
            create_ms = page.evaluate(CREATE_JS)
            browser.close()
        server.shutdown()
    med = statistics.median
    print(
        f"median: JSON-to-DOM {med(renders):.0f} ms (article DOM {med(views):.0f} ms), "
        f"navigation-to-rendered {med(totals):.0f} ms, navigation-to-painted "
        f"{med(painted):.0f} ms (target <= 150 ms); HTML in at {med(html):.0f} ms; "
        f"sub-requests sent to the server {min(requests)}-{max(requests)}; range rendered "
        f"{min(totals):.0f}-{max(totals):.0f} ms; create one span {create_ms:.1f} ms; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
