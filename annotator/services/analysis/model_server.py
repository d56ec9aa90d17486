"""Talking to an external model server (the Label Studio ML backend protocol) over HTTP.

The protocol itself (bodies, answers, offsets) is :mod:`annotator.formats.mlbackend`; here are
only the requests, each bounded by ``MODEL_SERVER_TIMEOUT`` seconds (gevent makes the wait
cooperative, and the annotate page loads suggestions after the article, so a slow server never
holds the page). Any failure becomes a :class:`ModelServerError` saying what went wrong.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from annotator.services.errors import ServiceError

MAX_ANSWER_BYTES = 20 * 1024 * 1024


class ModelServerError(ServiceError):
    """The model server is down, slow, or answered something else than the protocol."""

    status = 502


def check_url(url: str) -> str:
    """``url`` without a trailing slash; ServiceError unless it is a plain http(s) URL."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServiceError(
            "The model server URL must start with http:// or https:// and name a host."
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ServiceError("Give the model server URL without credentials, query or fragment.")
    if len(url) > 500:
        raise ServiceError("The model server URL is too long (at most 500 characters).")
    return url.rstrip("/")


def call(base_url: str, method: str, path: str, body: Any = None) -> Any:
    """``method base_url+path`` with a JSON ``body``; the decoded JSON answer."""
    timeout = float(current_app.config.get("MODEL_SERVER_TIMEOUT", 5.0))
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        base_url + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    where = f"The model server at {base_url}"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only (check_url)
            raw = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip()
        raise ModelServerError(
            f"{where} answered {path} with HTTP {exc.code}{': ' + detail if detail else ''}."
        ) from None
    except TimeoutError:
        raise ModelServerError(f"{where} did not answer {path} within {timeout:g} s.") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise ModelServerError(f"{where} did not answer {path} within {timeout:g} s.") from None
        raise ModelServerError(f"{where} cannot be reached ({reason}).") from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise ModelServerError(f"{where} sent more than {MAX_ANSWER_BYTES} bytes for {path}.")
    try:
        return json.loads(raw)
    except ValueError:
        raise ModelServerError(
            f"{where} answered {path} with something that is not JSON."
        ) from None
