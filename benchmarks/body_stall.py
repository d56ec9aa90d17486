"""Benchmark: do oversized request bodies stall other clients?

Starts ``gunicorn wsgi:app`` with ``gunicorn.conf.py`` (a gevent worker per core) on a fresh
SQLite database, runs light clients (``GET /login`` on keep-alive connections) for a quiet
baseline, then while they keep going two anonymous clients each send a 200 MiB
``POST /login`` body as fast as they can. Prints the light requests' p50/p99/max during the
baseline and while the big bodies arrive, and for each big body how long until the server
answered (and with what), how much of it was sent, and whether the server closed the
connection. No assertions.

    python benchmarks/body_stall.py [--mib 200] [--light 4] [--baseline 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import select
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import ROOT, cli, environment, fresh_database, gunicorn, percentile  # noqa: E402

CHUNK = 1024 * 1024


def light_client(port: int, stop: threading.Event, samples: list[tuple[float, float]]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not stop.is_set():
        start = time.perf_counter()
        try:
            connection.request("GET", "/login")
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        samples.append((start, time.perf_counter() - start))


def big_body(port: int, mib: int, result: dict, chunked: bool = False) -> None:
    size = mib * CHUNK
    sock = socket.create_connection(("127.0.0.1", port))
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    head = (
        f"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n{framing}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
    ).encode()
    start = time.perf_counter()
    sock.sendall(head)
    sock.setblocking(False)
    body = b"a" * CHUNK
    if chunked:  # one HTTP chunk per MiB (the final zero-length chunk is never reached)
        body = b"%x\r\n" % CHUNK + body + b"\r\n"
    chunk, sent, answer = memoryview(body), 0, b""
    try:
        while True:
            want_write = [sock] if sent < size else []
            readable, writable, _ = select.select([sock], want_write, [], 60)
            if readable:
                data = sock.recv(65536)
                if not data:  # the server closed the connection
                    result["closed"] = True
                    break
                if not answer:
                    result["answered"] = time.perf_counter() - start
                answer += data
            if writable:  # an attacker goes on sending whatever the answer
                offset = sent % len(chunk)  # send() may write part of a chunk
                sent += sock.send(chunk[offset : min(len(chunk), offset + size - sent)])
            elif not want_write and not readable:
                break
            if sent >= size and answer:
                break
    except OSError as exc:  # the server closed while we were still sending
        result["error"] = type(exc).__name__
    result["seconds"] = time.perf_counter() - start
    result["sent_mib"] = sent / CHUNK
    result["status"] = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "(none)"
    result["closed"] = result.get("closed", False) or "error" in result
    sock.close()


def summary(values: list[float]) -> str:
    if not values:
        return "no requests"
    ms = [v * 1000 for v in values]
    return (
        f"{len(ms)} requests, p50 {percentile(ms, 50):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
        f"max {max(ms):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=200)
    parser.add_argument("--light", type=int, default=4, help="light clients")
    parser.add_argument("--baseline", type=float, default=3.0, help="seconds of quiet")
    parser.add_argument("--chunked", action="store_true", help="chunked bodies, no length")
    args = parser.parse_args()
    with fresh_database(None) as (url, instance):
        env = environment(url, instance)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        cli(env, "init-db")
        with gunicorn(env) as (port, _):
            warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            for _ in range(20):  # both workers up and warm before the clock starts
                warm.request("GET", "/login")
                warm.getresponse().read()
            warm.close()
            stop, samples = threading.Event(), []
            threads = [
                threading.Thread(target=light_client, args=(port, stop, samples), daemon=True)
                for _ in range(args.light)
            ]
            for thread in threads:
                thread.start()
            time.sleep(args.baseline)
            big_start = time.perf_counter()
            results = [{}, {}]
            senders = [
                threading.Thread(target=big_body, args=(port, args.mib, r, args.chunked))
                for r in results
            ]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join()
            big_end = time.perf_counter()
            time.sleep(0.5)
            stop.set()
            for thread in threads:
                thread.join(5)
    baseline = [d for s, d in samples if s < big_start]
    during = [d for s, d in samples if big_start <= s < big_end or s + d > big_start > s]
    print(f"tree: {ROOT}")
    print(f"baseline light GET /login: {summary(baseline)}")
    kind = "chunked" if args.chunked else "Content-Length"
    seconds = big_end - big_start
    print(f"while two {args.mib} MiB {kind} bodies arrive ({seconds:.2f} s): {summary(during)}")
    for n, r in enumerate(results, 1):
        print(
            f"big body {n}: {r.get('status')} after {r.get('answered', 0):.2f} s; connection "
            f"done after {r.get('seconds', 0):.2f} s with {r.get('sent_mib', 0):.0f} MiB sent, "
            f"closed by the server: {r.get('closed')}"
            + (f", {r['error']}" if r.get("error") else "")
        )


if __name__ == "__main__":
    main()
