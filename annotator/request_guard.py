"""Checks every request before any view (or the CSRF check) reads it:

- a body larger than its route's limit is refused from its ``Content-Length`` header, unread,
  with ``Connection: close`` (the server then drops the rest instead of draining it); a
  chunked body is cut off at the same limit while it is read. The limit is
  ``MAX_CONTENT_LENGTH`` (50 MiB) for the upload routes (``UPLOAD_ENDPOINTS``) and
  ``MAX_REQUEST_BYTES`` (2 MiB) for every other route, the login form included;
- a JSON body is parsed once, strictly (orjson: no lone surrogates, no NaN, at most 1,024
  levels), and every string in it — keys included — is checked for NUL and lone surrogates;
  then it is cached, so ``request.get_json()`` returns the checked value;
- form fields and query arguments may not hold NUL (invalid UTF-8 never decodes to a
  surrogate in them).

Each failure is a 400 (413 for size) with a message naming the field, before anything is
written: nothing unstorable reaches the database, whichever endpoint it was sent to.
"""

from __future__ import annotations

import orjson
from flask import Flask, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from annotator.text_safety import bad_char, find_unstorable

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
UPLOAD_ENDPOINTS = frozenset({"projects.import_articles"})


class BodyTooLarge(RequestEntityTooLarge):
    """413 whose response closes the connection (so nothing drains the unread body)."""

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("Connection", "close")]


def _check_size(app: Flask) -> None:
    if request.endpoint in UPLOAD_ENDPOINTS:
        limit = app.config.get("MAX_CONTENT_LENGTH")
    else:
        limit = app.config.get("MAX_REQUEST_BYTES") or app.config.get("MAX_CONTENT_LENGTH")
    request.max_content_length = limit  # also caps a chunked body while it is read
    length = request.content_length
    if limit is not None and length is not None and length > limit:
        raise BodyTooLarge(f"The request body has {length:,} bytes; the limit is {limit:,} bytes.")
    if _chunked() and request.endpoint not in UPLOAD_ENDPOINTS and limit is not None:
        # Read it now, at most ``limit`` bytes (the parsers reuse what was read): beyond, 413.
        data = request.environ["wsgi.input"].read(limit + 1)  # the server's de-chunked body
        if len(data) > limit:
            raise BodyTooLarge(f"The request body is larger than the limit of {limit:,} bytes.")
        request._cached_data = data


def _chunked() -> bool:
    """A chunked body (no Content-Length): its size is only known once read. A request with
    neither has no body; reading one would wait for the client."""
    encoding = request.environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    return request.content_length is None and "chunked" in encoding


def _check_json() -> None:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "surrogate" in exc.msg:
            raise BadRequest(
                "The request body cannot be stored: it holds a lone surrogate escape "
                f"(\\ud800-\\udfff without its pair), which is not text ({exc})."
            ) from None
        raise BadRequest(f"The request body is not valid JSON: {exc}.") from None
    problem = find_unstorable(data)
    if problem is not None:
        raise BadRequest(f"The request body cannot be stored: {problem}.")
    request._cached_json = (data, data)  # get_json() (silent or not) answers the checked value


def _check_fields(fields, where: str) -> None:
    for key, value in fields.items(multi=True):
        problem = bad_char(key) or bad_char(value)
        if problem is not None:
            raise BadRequest(f"The {where} field {key!r} cannot be stored: it contains {problem}.")


def check_request(app: Flask) -> None:
    _check_size(app)
    if request.args:
        _check_fields(request.args, "query")
    if request.method in SAFE_METHODS:
        return
    if request.is_json:
        _check_json()
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_fields(request.form, "form")
        for key, upload in request.files.items(multi=True):
            if upload.filename and (problem := bad_char(upload.filename)):
                raise BadRequest(f"The file name in {key!r} contains {problem}.")


def init_app(app: Flask) -> None:
    app.before_request(lambda: check_request(app))

    @app.after_request
    def close_after_413(response):
        if response.status_code == 413 or (response.status_code >= 400 and _chunked()):
            _stop_reading(request.environ)
            response.headers["Connection"] = "close"
        return response


CLOSE_KEY = "annotator.close_connection"


def _stop_reading(environ) -> None:
    """Ask the server to read no more of this request's body. gunicorn would otherwise read
    (and throw away) all of it to reach the next request on the connection, holding its
    worker — and, under gevent, every other client of that worker — for as long as the upload
    takes; it ignores a ``Connection: close`` from the app. ``gunicorn.conf.py``'s
    ``post_request`` closes the socket once the 413 is sent when it sees this key."""
    environ[CLOSE_KEY] = True
