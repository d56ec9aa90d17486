"""Benchmark: export 1,000,000 spans from a real SQLite database to JSONL.

Fills a fresh database (the app's schema) with the seeded synthetic documents of
``benchmarks/export.py``, then streams them out through ``annotator.queries`` (rows -> records)
and the JSONL writer, printing spans/second and memory at 250k / 500k / 1M spans.

    python benchmarks/export_db.py [--spans N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.export import synthetic_documents, time_export  # noqa: E402


def fill(path: str, n_spans: int) -> int:
    """Insert the synthetic project with sqlite3's executemany (fast, one transaction)."""
    from annotator import create_app
    from annotator.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "INSTANCE_PATH": os.path.dirname(path)})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    con = sqlite3.connect(path)
    now = "2026-01-01 00:00:00"
    con.execute("INSERT INTO project (id, name, description, guidelines, guidelines_version, "
                "per_doc, blind, snap_to_words, hide_outlet, created_at) "
                "VALUES (1, 'Bench', '', '', 1, 3, 1, 1, 0, ?)", (now,))
    users, labels, spans, docs = {}, {}, [], []
    for k, doc in enumerate(synthetic_documents(n_spans), start=1):
        docs.append((k, 1, doc.id, doc.title, doc.text, doc.outlet, "", doc.url, "{}",
                     hashlib.sha256(f"{k}{doc.text}".encode()).hexdigest(), now))
        for s in doc.spans:
            uid = users.setdefault(s.annotator, len(users) + 1)
            lid = labels.setdefault(s.label, len(labels) + 1)
            spans.append((k, uid, lid, s.start, s.end, s.text, json.dumps(s.attributes), "",
                          3, "manual", 1, now, now))
    con.executemany("INSERT INTO user (id, username, password_hash, is_admin, active, "
                    "created_at) VALUES (?, ?, '', 0, 1, ?)",
                    [(i, name, now) for name, i in users.items()])
    con.executemany("INSERT INTO label (id, project_id, name, color, shortcut, description, "
                    "\"order\", attributes) VALUES (?, 1, ?, '#fde047', '', '', ?, '[]')",
                    [(i, name, i) for name, i in labels.items()])
    con.executemany("INSERT INTO document (id, project_id, external_id, title, text, outlet, "
                    "author, url, meta, sha256, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", docs)
    con.executemany("INSERT INTO span (document_id, user_id, label_id, start, \"end\", text, "
                    "attributes, note, guidelines_version, source, version, created_at, "
                    "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", spans)
    con.commit()
    con.close()
    return len(spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.sqlite")
        began = time.perf_counter()
        count = fill(path, args.spans)
        print(f"filled {count:,} spans in {time.perf_counter() - began:.1f} s")
        from annotator import create_app
        from annotator.queries import iter_documents

        app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "INSTANCE_PATH": tmp})
        marks = tuple(sorted({args.spans // 4, args.spans // 2, args.spans}))
        with app.app_context():
            res = time_export(iter_documents(1), os.path.join(tmp, "out.jsonl"),
                              checkpoints=marks)
        print(f"SQLite -> records -> JSONL: {res['spans']:,} spans in {res['seconds']:.2f} s = "
              f"{res['spans'] / res['seconds']:,.0f} spans/s ({res['bytes'] / 2**20:.0f} MiB); "
              f"reading rows into records took {res['seconds'] - res['writer_seconds']:.2f} s")


if __name__ == "__main__":
    main()
