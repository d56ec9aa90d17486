"""Oversized bodies are refused before they are read: from Content-Length (nothing read), a
chunked body after at most the limit, and the server is told to close the connection.
``python benchmarks/body_stall.py [--chunked]`` shows the effect under gunicorn."""

from __future__ import annotations

import io

from annotator.request_guard import CLOSE_KEY

MIB = 1024 * 1024


class Untouchable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body was read")


class Counting(io.RawIOBase):
    def __init__(self, size):
        self.left, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = b"a" * n
        self.left -= n
        self.read_bytes += n
        return n


def _post(client, path, stream, length):
    """POST ``stream`` as the body; the environ the app saw is ``response.seen``."""
    seen = {}
    app = client.application
    inner = app.wsgi_app

    def spy(environ, start_response):
        seen.update(environ=environ)
        return inner(environ, start_response)

    app.wsgi_app = spy
    environ = {"wsgi.input": stream, "CONTENT_TYPE": "application/x-www-form-urlencoded"}
    if length is None:
        environ["wsgi.input_terminated"] = True
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    else:
        environ["CONTENT_LENGTH"] = str(length)
    try:
        response = client.post(path, environ_overrides=environ)
    finally:
        app.wsgi_app = inner
    response.seen = seen["environ"]
    return response


def test_oversized_login_refused_from_its_content_length_unread(app, client):
    response = _post(client, "/login", Untouchable(), 200 * MIB)
    assert response.status_code == 413
    assert response.headers["Connection"] == "close"
    assert response.seen[CLOSE_KEY] is True
    assert "2,097,152" in response.get_data(as_text=True)  # the limit, named


def test_chunked_body_cut_off_at_the_limit(app, client):
    body = Counting(200 * MIB)
    response = _post(client, "/login", body, None)
    assert response.status_code == 413
    assert body.read_bytes <= 2 * MIB + 64 * 1024
    assert response.seen[CLOSE_KEY] is True


def test_limits_are_configurable_and_uploads_keep_theirs(app, client):
    assert app.config["MAX_REQUEST_BYTES"] == 2 * MIB
    assert app.config["MAX_CONTENT_LENGTH"] == 50 * MIB
    app.config["MAX_REQUEST_BYTES"] = 1000
    assert _post(client, "/login", Untouchable(), 1001).status_code == 413
    response = _post(client, "/projects/1/import", Counting(3 * MIB), 3 * MIB)
    assert response.status_code != 413  # the upload route's own limit (50 MiB) applies


def test_gunicorn_closes_the_connection_after_a_refused_body():
    import runpy
    import socket

    conf = runpy.run_path("gunicorn.conf.py")
    left, right = socket.socketpair()
    worker = type("W", (), {"cfg": type("C", (), {"worker_class_str": "sync"})()})()
    conf["post_request"](worker, None, {CLOSE_KEY: True, "gunicorn.socket": left}, None)
    assert left.fileno() == -1 and right.recv(1) == b""
    right.close()
