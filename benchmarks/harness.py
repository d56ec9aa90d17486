"""Shared pieces of the server benchmarks: a fresh database, the CLI, gunicorn, and a small
keep-alive HTTP client that logs in like a browser (session cookie + CSRF token)."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
SECRET = "benchmark-secret-key"

WORDS = (
    "government minister said officials policy economy crisis voters election reform "
    "budget health security border trade climate energy court ruling protest leaders "
    "report critics support opposition plan million percent campaign rally claims "
    "agency spokesperson families workers industry prices schools police"
).split()
EXTRAS = ("“unprecedented”", "‘reckless’", "🤝", "🎉", "café", "naïve", "—", "Zürich")


def article(rng: random.Random, n: int, chars: int = 3000) -> dict:
    """A synthetic news-like article of about ``chars`` characters (curly quotes, emoji)."""
    sentences, size = [], 0
    while size < chars:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(EXTRAS))
        sentence = " ".join(words).capitalize() + "."
        sentences.append(sentence)
        size += len(sentence) + 1
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return {
        "id": f"bench-{n}",
        "title": f"Synthetic article {n}",
        "outlet": rng.choice(["Courier", "Ledger", "Wire", "Times"]),
        "date": "2026-01-01",
        "text": "\n\n".join(paragraphs),
    }


def free_port() -> int:
    """A free port: the first one free in ``ANNOTATOR_BENCH_PORTS`` (e.g. ``5750-5769``, where
    several people share one machine and each has a range), else one the system picks."""
    first, _, last = os.environ.get("ANNOTATOR_BENCH_PORTS", "").partition("-")
    candidates = range(int(first), int(last or first) + 1) if first else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in ANNOTATOR_BENCH_PORTS={first}-{last}")


@contextmanager
def fresh_database(url: str | None):
    """Yield (database_url, instance_dir); SQLite in a temp dir by default, or a new
    PostgreSQL database created beside the one ``url`` names (dropped afterwards)."""
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as instance:
        if not url or url.startswith("sqlite"):
            yield f"sqlite:///{instance}/bench.sqlite", instance
            return
        import psycopg

        # ANNOTATOR_BENCH_DATABASE_PREFIX: where several people share one PostgreSQL server
        prefix = os.environ.get("ANNOTATOR_BENCH_DATABASE_PREFIX", "annotator_bench_")
        name = prefix + uuid.uuid4().hex[:8]
        parsed = urlparse(url.replace("+psycopg", ""))
        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield parsed._replace(path=f"/{name}").geturl(), instance
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database_url: str, instance: str) -> dict:
    env = dict(os.environ)
    env.update(
        ANNOTATOR_DATABASE_URL=database_url,
        ANNOTATOR_INSTANCE_PATH=instance,
        ANNOTATOR_SECRET_KEY=SECRET,
        PYTHONUNBUFFERED="1",
        ANNOTATOR_LOGIN_RATE_LIMIT="10000 per minute",
    )
    return env


def cli(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"annotator {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


@contextmanager
def gunicorn(
    env: dict,
    workers: int | None = None,
    threads: int | None = None,
    worker_class: str | None = None,
):
    """``gunicorn wsgi:app`` as production runs it: gunicorn.conf.py's settings (a gevent
    worker per core) unless ``workers`` / ``threads`` / ``worker_class`` override them."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--keep-alive",
        "30",
    ]
    if workers:
        cmd += ["-w", str(workers)]
    if threads:
        cmd += ["--threads", str(threads)]
    if worker_class:
        cmd += ["--worker-class", worker_class]
    proc = subprocess.Popen([*cmd, "wsgi:app"], env=env, cwd=ROOT, start_new_session=True)
    try:
        wait_for_port(port)
        yield port, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port}")


class Client:
    """One browser-like session on a keep-alive HTTP/1.1 connection.

    A minimal client on a raw socket (request line, headers, Content-Length or chunked
    bodies): http.client parses every response's headers with the email package, which on a
    2-core machine shared with the server would bill the server's figures for the load
    generator's own work. Reconnects once when the server closed the connection."""

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf and method != "GET":
            headers["X-CSRFToken"] = self.csrf
        if body is not None or method in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body or b""))
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()
        )
        message = head.encode("latin-1") + b"\r\n" + (body or b"")
        for attempt in range(2):
            try:
                if self.sock is None:
                    self._connect()
                self.sock.sendall(message)
                status, response_headers, data = self._response()
                break
            except OSError:
                self.close()
                if attempt:
                    raise
        for name, value in response_headers:
            if name == "set-cookie":
                cookie, _, rest = value.partition("=")
                self.cookies[cookie.strip()] = rest.split(";", 1)[0]
        return status, data

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def _connect(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def _fill(self) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _until(self, marker: bytes) -> bytes:
        while (i := self.buffer.find(marker)) < 0:
            self._fill()
        line, self.buffer = self.buffer[:i], self.buffer[i + len(marker) :]
        return line

    def _exactly(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self._fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _response(self) -> tuple[int, list[tuple[str, str]], bytes]:
        lines = self._until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip().lower(), value.strip()))
        fields = dict(headers)
        if status in (204, 304) or 100 <= status < 200:
            data = b""
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int(self._until(b"\r\n").split(b";")[0], 16):
                parts.append(self._exactly(size))
                self._until(b"\r\n")
            self._until(b"\r\n")  # no trailers
            data = b"".join(parts)
        elif "content-length" in fields:
            data = self._exactly(int(fields["content-length"]))
        else:  # the body runs to the end of the connection
            while True:
                try:
                    self._fill()
                except ConnectionError:
                    break
            data, self.buffer = self.buffer, b""
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, headers, data

    def login(self, username: str, password: str = PASSWORD) -> None:
        _, page = self.request("GET", "/login")
        self.csrf = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
        form = urlencode({"username": username, "password": password, "csrf_token": self.csrf})
        status, _ = self.request(
            "POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise RuntimeError(f"login as {username} failed ({status})")
        _, page = self.request("GET", "/")
        self.csrf = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()

    def post_json(self, path: str, payload: dict):
        return self.request(
            "POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )


def words_of(text: str) -> list[tuple[int, int]]:
    """Offsets of the text's whitespace-separated words."""
    return [m.span() for m in re.finditer(r"\S+", text)]


def span_payload(
    rng: random.Random, text: str, labels: list[dict], words: list | None = None
) -> dict:
    """A random valid span: whole words, never starting or ending with whitespace."""
    words = words or words_of(text)
    i = rng.randrange(len(words))
    j = min(len(words) - 1, i + rng.randint(0, 6))
    start, end = words[i][0], words[j][1]
    label = rng.choice(labels)
    attributes = {}
    for a in label["attributes"]:
        if a["type"] == "choice":
            attributes[a["name"]] = rng.choice(a["options"])
        elif a["type"] == "boolean":
            attributes[a["name"]] = rng.random() < 0.5
        elif a["type"] in ("text", "link"):
            attributes[a["name"]] = "a speaker"
    return {
        "label_id": label["id"],
        "start": start,
        "end": end,
        "text": text[start:end],
        "attributes": attributes,
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def worker_pids(proc: subprocess.Popen) -> list[int]:
    """The gunicorn master's worker processes (its children), from /proc."""
    path = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    return [int(p) for p in path.read_text().split()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (from /proc/PID/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def memory_mib(pids: list[int]) -> dict:
    """RSS and PSS (proportional set size: shared pages split among their sharers) summed
    over the processes, in MiB, from /proc/PID/smaps_rollup."""
    out = {"rss_mib": 0.0, "pss_mib": 0.0}
    for pid in pids:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                out[f"{name.lower()}_mib"] += int(rest.split()[0]) / 1024
    return out
