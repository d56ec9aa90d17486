"""Load benchmark of the real server (prints figures; not a test).

    python benchmarks/load.py [--database-url URL] [--workers N] [--spans 5000] [--servers 2]

Starts ``gunicorn wsgi:app`` on 127.0.0.1 against a fresh database and runs, seeded and bounded:
W1 import (CLI and upload endpoint), W2 span creation by 16 browser-like clients, W3 article
reads by 8 clients, W4 export (CLI and streaming download) with a count check, and the CLI export
of a 250,000-span project for W4's spans/s. Prints one table and writes the same figures as JSON.

Beside the rates it reports what is robust to a loaded machine: the CPU time the server's worker
processes used per request in W2 and W3 (from /proc, so the load generator's own CPU is not in
it; counted from the moment every client is logged in, so the logins' password hashing is not
in it either), on PostgreSQL also the CPU its server processes for the database used per
request, and the workers' RSS and PSS after W1-W4. ``--servers 2`` starts two servers on two ports
against the one database and splits the clients between them (the figures are summed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import runpy
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from multiprocessing import Manager, Pool
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import (  # noqa: E402
    PASSWORD,
    Client,
    article,
    cli,
    cpu_seconds,
    environment,
    fresh_database,
    gunicorn,
    memory_mib,
    percentile,
    span_payload,
    words_of,
    worker_pids,
)

ANNOTATORS = ["ann1", "ann2", "ann3", "ann4"]
SERVER_DEFAULTS = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))


def setup(env: dict) -> None:
    cli(env, "init-db")
    cli(env, "create-user", "lead", "--password-stdin", stdin=PASSWORD + "\n")
    cli(env, "create-project", "Bench", "--preset", "media-bias", "--lead", "lead")
    for name in ANNOTATORS:
        cli(env, "create-user", name, "--password-stdin", stdin=PASSWORD + "\n")
        cli(env, "add-member", "Bench", name, "--role", "annotator")


def write_articles(path: Path, first: int, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(first, first + count):
            out.write(json.dumps(article(rng, n), ensure_ascii=False) + "\n")


def _done_seconds(output: str) -> float | None:
    """The CLI's own timing ("Done in X s"), without Python's start-up."""
    done = re.search(r"Done in ([0-9.]+) s", output)
    return float(done.group(1)) if done else None


def w1_import(env, port, workdir: Path, count: int) -> dict:
    cli_file, upload_file = workdir / "cli.jsonl", workdir / "upload.jsonl"
    write_articles(cli_file, 0, count, 1)
    write_articles(upload_file, count, count, 2)
    began = time.perf_counter()
    output = cli(env, "import", "Bench", str(cli_file))
    wall = time.perf_counter() - began
    inner = _done_seconds(output)
    lead = Client(port)
    lead.login("lead")
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{lead.csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="upload.jsonl"\r\nContent-Type: application/x-ndjson\r\n\r\n'
        ).encode()
        + upload_file.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    began = time.perf_counter()
    status, _ = lead.request(
        "POST",
        "/projects/1/import",
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    upload = time.perf_counter() - began
    if status not in (200, 302):
        raise RuntimeError(f"upload import failed with {status}")
    cli(env, "assign", "Bench", "--per-doc", "2")
    return {
        "articles": count,
        "cli_seconds": inner,
        "cli_per_s": count / inner,
        "cli_wall_seconds": wall,
        "upload_seconds": upload,
        "upload_per_s": count / upload,
    }


def _assigned(port: int, username: str) -> list[int]:
    client = Client(port)
    client.login(username)
    ids, offset = [], 0
    while True:
        _, data = client.request("GET", f"/api/v1/projects/1/documents?offset={offset}&limit=500")
        page = json.loads(data)["documents"]
        ids += [d["id"] for d in page]
        if len(page) < 500:
            return ids
        offset += 500


def _annotate_worker(port, username, docs, count, seed, deadline, barrier) -> dict:
    rng = random.Random(seed)
    client = Client(port)
    client.login(username)
    cache, latencies, errors, created = {}, [], 0, 0
    for doc in rng.sample(docs, min(len(docs), 25)):  # the articles this client works on
        payload = json.loads(client.request("GET", f"/api/v1/documents/{doc}")[1])
        text = payload["document"]["text"]
        cache[doc] = (text, payload["labels"], words_of(text))
    barrier.wait()  # every client is logged in and has its articles: start the clock
    for _ in range(count):
        if time.time() > deadline:
            break
        doc = rng.choice(list(cache))
        body = span_payload(rng, *cache[doc])
        body["client_key"] = str(uuid.uuid4())  # as the browser sends it (for retries)
        began = time.perf_counter()
        status, _ = client.post_json(f"/api/v1/documents/{doc}/spans", body)
        latencies.append(time.perf_counter() - began)
        if status == 201:
            created += 1
        else:
            errors += 1
    return {"latencies": latencies, "errors": errors, "created": created}


def _read_worker(port, username, docs, count, seed, barrier) -> dict:
    rng = random.Random(seed)
    client = Client(port)
    client.login(username)
    latencies, errors = [], 0
    barrier.wait()
    for _ in range(count):
        began = time.perf_counter()
        status, _ = client.request("GET", f"/api/v1/documents/{rng.choice(docs)}")
        latencies.append(time.perf_counter() - began)
        errors += status != 200
    return {"latencies": latencies, "errors": errors}


def _run_clients(worker, jobs: list, processes: int, at_start) -> tuple[list[dict], float, Any]:
    """Clients as threads spread over a few processes (the GIL would skew one process).

    The clock runs from the moment every client is ready (logged in, articles fetched) until
    the last one finishes; ``at_start()`` is called at that moment (the server's CPU so far:
    the logins' password hashing and the clients' preparation are not the workload's) and its
    value returned."""
    per = [jobs[i::processes] for i in range(processes)]
    per = [p for p in per if p]
    with Manager() as manager:
        ready = manager.Barrier(len(jobs) + 1)
        with Pool(len(per)) as pool:
            pending = pool.starmap_async(_threads, [(worker, p, ready) for p in per])
            ready.wait()
            began = time.perf_counter()
            start = at_start()
            parts = pending.get()
    return [r for part in parts for r in part], time.perf_counter() - began, start


def _threads(worker, jobs, ready):
    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(lambda job: worker(*job, ready), jobs))


def summarise(results: list[dict], seconds: float, ok_key: str | None = None) -> dict:
    latencies = [x for r in results for x in r["latencies"]]
    done = sum(r[ok_key] for r in results) if ok_key else len(latencies)
    return {
        "requests": len(latencies),
        "ok": done,
        "errors": sum(r["errors"] for r in results),
        "seconds": seconds,
        "per_s": done / seconds if seconds else 0,
        "p50_ms": 1000 * percentile(latencies, 50),
        "p95_ms": 1000 * percentile(latencies, 95),
        "p99_ms": 1000 * percentile(latencies, 99),
    }


def w4_export(env, port, workdir: Path, expected: int) -> dict:
    """The CLI export (``cli_seconds``: the command's own "Done in X s"; the whole command with
    Python start-up is ``cli_wall_seconds``) and the streaming download (median and best of
    three), with a count check and a byte-for-byte comparison of the two files. Few spans over
    many articles make spans/s small, so articles/s and MiB/s are given too."""
    import statistics

    out = workdir / "export.jsonl"
    began = time.perf_counter()
    output = cli(env, "export", "Bench", "--format", "jsonl", "-o", str(out))
    cli_wall = time.perf_counter() - began
    cli_seconds = _done_seconds(output) or cli_wall
    exported = out.read_bytes()
    lines = exported.splitlines()
    cli_count = sum(len(json.loads(line)["spans"]) for line in lines)
    lead = Client(port)
    lead.login("lead")
    downloads, status, data = [], 0, b""
    for _ in range(3):
        began = time.perf_counter()
        status, data = lead.request("GET", "/api/v1/projects/1/export?format=jsonl")
        downloads.append(time.perf_counter() - began)
    download = statistics.median(downloads)
    http_count = sum(len(json.loads(line)["spans"]) for line in data.splitlines())
    return {
        "spans": expected,
        "articles": len(lines),
        "cli_seconds": cli_seconds,
        "cli_wall_seconds": cli_wall,
        "cli_spans_per_s": cli_count / cli_seconds,
        "cli_count": cli_count,
        "download_seconds": download,
        "download_best_seconds": min(downloads),
        "download_spans_per_s": http_count / download,
        "download_articles_per_s": len(lines) / download,
        "download_mib_per_s": len(data) / 2**20 / download,
        "download_count": http_count,
        "bytes": len(exported),
        "same_bytes": data == exported,
        "count_ok": cli_count == http_count == expected and data == exported,
        "status": status,
    }


def w4_at_scale(workdir: Path, spans: int) -> dict:
    """W4's rate target is about spans, and the load test's few spans per long article make
    spans/s a measure of article text instead. Here the export benchmark's synthetic project
    (``benchmarks/export_db.py``: ~60 spans per article) is filled into its own SQLite file and
    exported through the same CLI command, with a count check."""
    from benchmarks.export_db import fill

    path = workdir / "scale.sqlite"
    count = fill(str(path), spans)
    out = workdir / "scale.jsonl"
    output = cli(
        environment(f"sqlite:///{path}", str(workdir)),
        *("export", "Bench", "--format", "jsonl", "-o", str(out)),
    )
    seconds = _done_seconds(output)
    with out.open("rb") as fh:
        exported = sum(len(json.loads(line)["spans"]) for line in fh)
    return {
        "spans": count,
        "cli_seconds": seconds,
        "cli_spans_per_s": exported / seconds,
        "bytes": out.stat().st_size,
        "count_ok": exported == count,
    }


def _sessions(url: str) -> int:
    """PostgreSQL: the sessions ever opened on the database (a pool that keeps too few
    connections opens new ones under load, each a backend process); 0 on SQLite."""
    if not url.startswith("postgres"):
        return 0
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) - 1  # not this one


def _backend_cpu(url: str) -> dict[int, float]:
    """PostgreSQL: CPU seconds used so far by each server process (backend) connected to the
    database, from /proc (the server runs on this machine); {} on SQLite. SQLite does its work
    inside the workers, so their CPU includes it; PostgreSQL's work is in these processes."""
    if not url.startswith("postgres"):
        return {}
    import psycopg

    with psycopg.connect(url) as conn:
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    out = {}
    for pid in pids:
        try:
            out[pid] = cpu_seconds([pid])
        except OSError:  # gone in between
            pass
    return out


def _database_cpu_ms(url: str, before: dict[int, float], requests: int) -> float | None:
    """The backends' CPU per request since ``before`` (those alive now: a connection that the
    pool closed during the run is not counted, see connections_opened)."""
    if not url.startswith("postgres"):
        return None
    now = _backend_cpu(url)
    used = sum(cpu - before.get(pid, 0.0) for pid, cpu in now.items())
    return 1000 * used / max(1, requests)


def run(args) -> dict:
    rng = random.Random(args.seed)
    with fresh_database(args.database_url) as (url, instance), ExitStack() as stack:
        env = environment(url, instance)
        setup(env)
        servers = [
            stack.enter_context(gunicorn(env, args.workers, args.threads, args.worker_class))
            for _ in range(args.servers)
        ]
        ports = [port for port, _ in servers]
        port = ports[0]
        workdir = Path(instance)
        w1 = w1_import(env, port, workdir, args.articles)
        docs = {name: _assigned(port, name) for name in ANNOTATORS}
        pids = [pid for _, proc in servers for pid in worker_pids(proc)]  # all up by now
        deadline = time.time() + args.seconds
        per_client = args.spans // args.clients
        jobs = [
            (
                ports[i % len(ports)],
                ANNOTATORS[i % 4],
                docs[ANNOTATORS[i % 4]],
                per_client,
                rng.randrange(10**9),
                deadline,
            )
            for i in range(args.clients)
        ]

        def snapshot():
            return cpu_seconds(pids), _sessions(url), _backend_cpu(url)

        results, seconds, (cpu, sessions, backends) = _run_clients(
            _annotate_worker, jobs, args.processes, snapshot
        )
        w2 = summarise(results, seconds, "created")
        w2["server_cpu_ms"] = 1000 * (cpu_seconds(pids) - cpu) / max(1, w2["requests"])
        w2["database_cpu_ms"] = _database_cpu_ms(url, backends, w2["requests"])
        w2["connections_opened"] = _sessions(url) - sessions
        reads = [
            (
                ports[i % len(ports)],
                ANNOTATORS[i % 4],
                docs[ANNOTATORS[i % 4]],
                args.reads // 8,
                rng.randrange(10**9),
            )
            for i in range(8)
        ]
        results, seconds, (cpu, sessions, backends) = _run_clients(
            _read_worker, reads, min(args.processes, 8), snapshot
        )
        w3 = summarise(results, seconds)
        w3["server_cpu_ms"] = 1000 * (cpu_seconds(pids) - cpu) / max(1, w3["requests"])
        w3["database_cpu_ms"] = _database_cpu_ms(url, backends, w3["requests"])
        w3["connections_opened"] = _sessions(url) - sessions
        w4 = w4_export(env, port, workdir, w2["ok"])
        memory = memory_mib(pids) | {"processes": len(pids)}
        stack.close()
        if args.export_spans:
            w4["at_scale"] = w4_at_scale(Path(instance), args.export_spans)
    return {
        "database": "postgresql" if "postgres" in (args.database_url or "") else "sqlite",
        "worker_class": args.worker_class or SERVER_DEFAULTS["worker_class"],
        "workers": args.workers or SERVER_DEFAULTS["workers"],
        "threads": args.threads or SERVER_DEFAULTS["threads"],
        "servers": args.servers,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "W1_import": w1,
        "W2_annotate": w2,
        "W3_read": w3,
        "W4_export": w4,
        "memory_after_W1_W4": memory,
    }


def print_table(r: dict) -> None:
    w1, w2, w3, w4 = r["W1_import"], r["W2_annotate"], r["W3_read"], r["W4_export"]
    scale = w4.get("at_scale")
    kind = r["worker_class"]
    server = f"{r['workers']} {kind} workers" + (
        f" x {r['threads']} threads" if kind == "gthread" else ""
    )
    if r["servers"] > 1:
        server = f"{r['servers']} servers of {server}"
    memory = r["memory_after_W1_W4"]
    print(
        f"\nannotator load benchmark — {r['database']}, gunicorn {server}, "
        f"{r['cores']} cores, load {r['load_average'][0]:.2f}"
    )
    print(f"{'workload':<34}{'figure':>28}")
    rows = [
        ("W1 import via CLI", f"{w1['cli_per_s']:,.0f} articles/s ({w1['cli_seconds']:.2f} s)"),
        ("W1 import via CLI, whole command", f"{w1['cli_wall_seconds']:.2f} s"),
        (
            "W1 import via upload",
            f"{w1['upload_per_s']:,.0f} articles/s ({w1['upload_seconds']:.2f} s)",
        ),
        ("W2 span creates", f"{w2['per_s']:,.0f} spans/s ({w2['ok']} ok, {w2['errors']} errors)"),
        ("W2 latency p50/p95/p99", f"{w2['p50_ms']:.1f}/{w2['p95_ms']:.1f}/{w2['p99_ms']:.1f} ms"),
        (
            "W2 server CPU per span create",
            f"{w2['server_cpu_ms']:.2f} ms ({w2['connections_opened']} connections opened)",
        ),
        *(
            [("W2 PostgreSQL CPU per span create", f"{w2['database_cpu_ms']:.2f} ms")]
            if w2.get("database_cpu_ms") is not None
            else []
        ),
        ("W3 article reads", f"{w3['per_s']:,.0f} articles/s ({w3['errors']} errors)"),
        ("W3 latency p50/p95/p99", f"{w3['p50_ms']:.1f}/{w3['p95_ms']:.1f}/{w3['p99_ms']:.1f} ms"),
        (
            "W3 server CPU per article read",
            f"{w3['server_cpu_ms']:.2f} ms ({w3['connections_opened']} connections opened)",
        ),
        *(
            [("W3 PostgreSQL CPU per article read", f"{w3['database_cpu_ms']:.2f} ms")]
            if w3.get("database_cpu_ms") is not None
            else []
        ),
        (
            f"workers' memory after W1-W4 ({memory['processes']})",
            f"PSS {memory['pss_mib']:.0f} MiB, RSS {memory['rss_mib']:.0f} MiB",
        ),
        ("W4 export via CLI", f"{w4['cli_spans_per_s']:,.0f} spans/s ({w4['cli_seconds']:.2f} s)"),
        ("W4 export via CLI, whole command", f"{w4['cli_wall_seconds']:.2f} s"),
        (
            "W4 streaming download",
            f"{w4['download_spans_per_s']:,.0f} spans/s ({w4['download_seconds']:.2f} s)",
        ),
        (
            "W4 count check",
            f"{'ok' if w4['count_ok'] else 'MISMATCH'} "
            f"({w4['cli_count']} spans, {w4['bytes']:,} bytes)",
        ),
    ]
    if scale:
        rows += [
            (
                f"W4 CLI export, {scale['spans']:,} spans (SQLite)",
                f"{scale['cli_spans_per_s']:,.0f} spans/s ({scale['cli_seconds']:.2f} s)",
            ),
            (
                "W4 count check at scale",
                f"{'ok' if scale['count_ok'] else 'MISMATCH'} ({scale['bytes'] / 2**20:.0f} MiB)",
            ),
        ]
    for name, figure in rows:
        print(f"{name:<34}{figure:>28}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py")
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py")
    parser.add_argument("--worker-class", default=None, help="default: gunicorn.conf.py")
    parser.add_argument("--servers", type=int, default=1, help="app servers on as many ports")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--spans", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--export-spans", type=int, default=250_000, help="W4 at scale (0: skip)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "load.json"))
    args = parser.parse_args()
    result = run(args)
    print_table(result)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
