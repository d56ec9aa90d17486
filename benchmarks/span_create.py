"""Benchmark: a span create (``POST /api/v1/documents/<id>/spans``) in process, and what
validating its body against the OpenAPI schema would add — the figures behind keeping the
hand-written OpenAPI document (issue 22; see README "API documentation").

Builds the app on a temporary SQLite database, logs an annotator in and creates spans through
the test client (each a new one; the validation is the services' own, in
annotator/services/annotation/span_create.py). Then validates the same bodies against the
document's ``NEW_SPAN`` schema with jsonschema_rs (already installed with schemathesis), the
lower bound of any schema-driven request layer (pydantic models via spectree or
flask-openapi3 validate in comparable time and still leave the text/offset/label checks to the
services). Prints the median and range of several rounds. No assertions.

    python benchmarks/span_create.py [--creates 300] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.extensions import db  # noqa: E402
from annotator.models import Document, Label  # noqa: E402
from tests.conftest import make_app  # noqa: E402
from tests.factories import make_world  # noqa: E402


def _figures(rounds: list[float], unit: str) -> str:
    return (
        f"median {statistics.median(rounds):.1f} {unit} "
        f"(range {min(rounds):.1f}–{max(rounds):.1f}, {len(rounds)} rounds)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="span-create-")
    app = make_app("sqlite:///" + folder + "/bench.sqlite", folder + "/instance")
    with app.app_context():
        db.create_all()
        world = make_world()
        text = db.session.get(Document, world["document"]).text
        label = db.session.query(Label).filter_by(project_id=world["project"]).first().id
    client = app.test_client()
    client.post("/login", data={"username": "alice", "password": "correct-horse-1"})
    url = f"/api/v1/documents/{world['document']}/spans"
    # Spans of every length and place in the article (duplicates are allowed).
    bodies = [
        {"label_id": label, "start": s, "end": e, "text": text[s:e], "note": "", "attributes": {}}
        for s in range(0, len(text) - 1)
        for e in range(s + 1, min(len(text), s + 12))
        if not text[s:e].isspace() and text[s:e] == text[s:e].strip()
    ]
    rounds = []
    for r in range(args.rounds):
        start = time.perf_counter()
        for i in range(args.creates):
            response = client.post(url, json=bodies[(r * args.creates + i) % len(bodies)])
            assert response.status_code in (200, 201), response.get_json()
        rounds.append((time.perf_counter() - start) / args.creates * 1e3)
    print(f"span create (in process, SQLite): {_figures(rounds, 'ms per request')}")

    import jsonschema_rs

    from annotator.api.openapi_parts import NEW_SPAN

    validator = jsonschema_rs.validator_for(NEW_SPAN)
    n = 20000
    rounds = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for i in range(n):
            validator.is_valid(bodies[i % len(bodies)])
        rounds.append((time.perf_counter() - start) / n * 1e6)
    print(f"NEW_SPAN schema validation alone (jsonschema_rs): {_figures(rounds, 'µs per body')}")


if __name__ == "__main__":
    main()
