"""Benchmark: does a running span-training job stall other requests on the same gevent worker?

Starts ``gunicorn wsgi:app`` with one gevent worker on a fresh SQLite database holding a
project of synthetic annotated articles, runs light clients (a logged-in ``GET
/api/v1/documents/<id>`` on keep-alive connections) for a quiet baseline, then starts a span
training run from the Model page (5 folds) and keeps the clients going until it finishes.
Prints the light requests' p50 / p99 / max during the baseline and while the job runs, per
repetition and as median and range over the repetitions, for

- ``thread``: the fit in the thread backend's worker thread (a greenlet of the web worker:
  the behaviour before issue #19), and
- ``process``: the fit in a child process (``TRAINING_PROCESS=auto``, the default).

No assertions.

    python benchmarks/training_stall.py [--articles 60] [--repeat 3] [--light 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import (  # noqa: E402
    PASSWORD,
    ROOT,
    Client,
    article,
    environment,
    fresh_database,
    gunicorn,
    percentile,
)


def seed(url: str, instance: str, n_articles: int) -> dict:
    """A lead, two annotators and ``n_articles`` articles both marked alike (three labels)."""
    from sqlalchemy import select

    from annotator.app import build_app
    from annotator.extensions import db
    from annotator.models import Document, Label
    from annotator.services.accounts.users import create_user
    from annotator.services.annotation.document_context import document_context
    from annotator.services.annotation.span_create import create_span
    from annotator.services.projects.projects import add_member, create_project
    from annotator.services.transfer.article_files import normalise_text, text_sha256

    app = build_app(
        {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench"}
    )
    rng = random.Random(0)
    with app.app_context():
        db.create_all()
        lead = create_user("lead", PASSWORD)
        people = [create_user(f"ann{i}", PASSWORD) for i in range(2)]
        project = create_project("Stall study", preset="media-bias", lead=lead, per_doc=2)
        for user in people:
            add_member(project, user, "annotator")
        db.session.commit()
        labels = list(
            db.session.execute(select(Label.id).where(Label.project_id == project.id)).scalars()
        )[:3]
        docs = []
        for n in range(n_articles):
            text = normalise_text(article(rng, n)["text"])
            doc = Document(
                project_id=project.id,
                external_id=f"a{n}",
                title=f"Article {n}",
                text=text,
                outlet="Wire",
                sha256=text_sha256(text),
                meta={},
            )
            db.session.add(doc)
            db.session.commit()
            docs.append(doc.id)
            words = [m.span() for m in re.finditer(r"\w+", text)]
            marks = []
            for k in range(8):
                i = rng.randrange(len(words) - 6)
                start, end = words[i][0], words[i + rng.randint(1, 5)][1]
                if all(end <= s or start >= e for s, e, _ in marks):
                    marks.append((start, end, labels[k % len(labels)]))
            for user in people:
                context = document_context(user, doc.id, assigned=False)
                for start, end, label in marks:
                    body = {"label_id": label, "start": start, "end": end, "text": text[start:end]}
                    create_span(user, context, body)
        db.session.commit()
        ids = {"project": project.id, "docs": docs}
        db.session.remove()
        db.engine.dispose()
    return ids


def light_client(port: int, doc: int, stop: threading.Event, samples: list) -> None:
    client = Client(port)
    client.login("lead")
    while not stop.is_set():
        start = time.perf_counter()
        status, _ = client.request("GET", f"/api/v1/documents/{doc}")
        if status == 200:
            samples.append((start, time.perf_counter() - start))


def figures(values: list[float]) -> dict:
    ms = [v * 1000 for v in values]
    if not ms:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {"n": len(ms), "p50": percentile(ms, 50), "p99": percentile(ms, 99), "max": max(ms)}


def show(f: dict) -> str:
    return f"{f['n']} requests, p50 {f['p50']:.1f} ms, p99 {f['p99']:.1f} ms, max {f['max']:.1f} ms"


def one(mode: str, args) -> tuple[dict, dict, float]:
    with fresh_database(None) as (url, instance):
        ids = seed(url, instance, args.articles)
        env = environment(url, instance)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env["ANNOTATOR_TRAINING_PROCESS"] = "thread" if mode == "thread" else "auto"
        env.pop("ANNOTATOR_REDIS_URL", None)
        with gunicorn(env, workers=1, worker_class="gevent") as (port, _):
            lead = Client(port)
            lead.login("lead")
            for _ in range(10):  # warm
                lead.request("GET", f"/api/v1/documents/{ids['docs'][0]}")
            stop, samples = threading.Event(), []
            threads = [
                threading.Thread(
                    target=light_client,
                    args=(port, ids["docs"][i % len(ids["docs"])], stop, samples),
                    daemon=True,
                )
                for i in range(args.light)
            ]
            for thread in threads:
                thread.start()
            time.sleep(args.baseline)
            _, page = lead.request("GET", f"/projects/{ids['project']}/model")
            token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
            form = {"level": "span", "folds": "5", "csrf_token": token.group(1).decode()}
            started = time.perf_counter()
            status, _ = lead.request(
                "POST",
                f"/projects/{ids['project']}/model/train",
                urlencode(form).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            if status != 302:
                raise RuntimeError(f"could not start training ({status})")
            run_state = "queued"
            while run_state in ("queued", "running"):
                time.sleep(0.5)
                _, body = lead.request("GET", "/api/v1/runs/1")
                run = json.loads(body)
                run_state = run["status"]
            finished = time.perf_counter()
            stop.set()
            for thread in threads:
                thread.join(10)
            if run_state != "finished":
                raise RuntimeError(f"training {run_state}: {run.get('error')}")
    baseline = [d for s, d in samples if s < started]
    during = [d for s, d in samples if started <= s < finished]
    return figures(baseline), figures(during), finished - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--light", type=int, default=2, help="light clients")
    parser.add_argument("--baseline", type=float, default=3.0, help="seconds of quiet")
    parser.add_argument("--modes", default="thread,process")
    args = parser.parse_args()
    print(f"tree: {ROOT}; {args.articles} articles, {args.light} light clients, 1 gevent worker")
    for mode in args.modes.split(","):
        p99s, bases = [], []
        for n in range(1, args.repeat + 1):
            base, during, seconds = one(mode, args)
            bases.append(base["p99"])
            p99s.append(during["p99"])
            print(f"{mode} #{n}: baseline {show(base)}")
            print(f"{mode} #{n}: while training ({seconds:.1f} s) {show(during)}")
        print(
            f"{mode}: p99 while training median {statistics.median(p99s):.1f} ms "
            f"(range {min(p99s):.1f}-{max(p99s):.1f}); baseline p99 median "
            f"{statistics.median(bases):.1f} ms (range {min(bases):.1f}-{max(bases):.1f})"
        )


if __name__ == "__main__":
    main()
