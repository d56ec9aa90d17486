"""Where a request's CPU goes, by layer, from a py-spy sample of ``request_cost.py`` (prints
figures; not a test).

    py-spy record --gil -r 500 -f raw -o /tmp/cost.raw -- \\
        python benchmarks/request_cost.py [--database-url URL] --rounds 3
    python benchmarks/profile_layers.py /tmp/cost.raw

``--gil`` keeps only samples of the thread holding the GIL, so waits for the database (libpq
and SQLite release the GIL while they wait or run) are not in it; what SQLite computes in C
shows as the SQLAlchemy line that called the driver (``do_execute``), and is counted as
"database driver". Each sample is attributed to the layer of its innermost Python frame and to
the request it belongs to (a test client ``post``: span create; ``get`` of an article: read).
The test client's own work is listed apart: a served request has gunicorn's HTTP handling and
sockets instead. For served requests, sample the workers of a ``load.py`` run whose reads
dominate (their samples are counted together, whatever the endpoint)::

    python benchmarks/load.py --spans 500 --reads 20000 --export-spans 0 &
    py-spy record --gil -r 300 -d 20 -f raw -o /tmp/worker.raw --pid <worker pid>
"""

from __future__ import annotations

import argparse
import collections
import sys

LAYERS = (  # (part of the innermost frame's file or function, layer), first match wins
    ("werkzeug/test.py", "test client (not in a served request)"),
    ("flask/testing.py", "test client (not in a served request)"),
    ("benchmarks/", "test client (not in a served request)"),
    ("do_execute (sqlalchemy", "database driver"),
    ("do_executemany (sqlalchemy", "database driver"),
    ("do_commit (sqlalchemy", "database driver"),
    ("do_rollback (sqlalchemy", "database driver"),
    ("psycopg/", "database driver"),
    ("sqlite3/", "database driver"),
    ("sqlalchemy/", "SQLAlchemy Core/ORM"),
    ("flask_login/", "Flask-Login"),
    ("flask_wtf/", "CSRF check (Flask-WTF)"),
    ("wtforms/", "CSRF check (Flask-WTF)"),
    ("itsdangerous/", "session cookie (itsdangerous)"),
    ("flask/", "Flask + Werkzeug"),
    ("werkzeug/", "Flask + Werkzeug"),
    ("blinker/", "Flask + Werkzeug"),
    ("orjson", "JSON"),
    ("json/", "JSON"),
    ("annotator/", "annotator's own code"),
    ("gunicorn/", "gunicorn + gevent (HTTP, sockets)"),
    ("gevent/", "gunicorn + gevent (HTTP, sockets)"),
    ("socket.py", "gunicorn + gevent (HTTP, sockets)"),
)


def layer_of(frame: str) -> str:
    for needle, layer in LAYERS:
        if needle in frame:
            return layer
    return "Python standard library, other"


def kind_of(frames: list[str]) -> str | None:
    for frame in frames:
        if frame.startswith("Client.post (werkzeug/test.py") or "post_span (annotator" in frame:
            return "span create"
        if "get_document (annotator" in frame:
            return "article read"
    for frame in frames:
        if frame.startswith("Client.get (werkzeug/test.py"):
            return "article read"
        if frame.startswith("GeventWorker.handle (gunicorn"):
            return "served request (a gunicorn worker; any endpoint)"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", help="py-spy record -f raw output")
    args = parser.parse_args()
    totals: dict[str, int] = collections.Counter()
    layers: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    with open(args.raw, encoding="utf-8") as fh:
        for line in fh:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            frames = stack.split(";")
            kind = kind_of(frames)
            if kind is None:
                continue
            totals[kind] += int(count)
            layers[kind][layer_of(frames[-1])] += int(count)
    if not totals:
        sys.exit(f"{args.raw}: no samples of span creates or article reads")
    for kind in ("span create", "article read", "served request (a gunicorn worker; any endpoint)"):
        n = totals.get(kind, 0)
        if not n:
            continue
        served = n - layers[kind]["test client (not in a served request)"]
        print(f"\n{kind}: {n} samples ({served} outside the test client)")
        for layer, count in layers[kind].most_common():
            share = f"{100 * count / served:5.1f} %" if "test client" not in layer else "  -   "
            print(f"  {share}  {layer:<42} {count:>6}")


if __name__ == "__main__":
    main()
