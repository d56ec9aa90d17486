"""Talking to an external model server (the Label Studio ML backend protocol) over HTTP.

The protocol itself (bodies, answers, offsets) is :mod:`annotator.formats.mlbackend`; here are
only the requests, each bounded by ``MODEL_SERVER_TIMEOUT`` seconds (gevent makes the wait
cooperative, and the annotate page loads suggestions after the article, so a slow server never
holds the page). Any failure becomes a :class:`ModelServerError` saying what went wrong.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from annotator.services.errors import ServiceError

MAX_ANSWER_BYTES = 20 * 1024 * 1024
# Where a model server may be besides the public internet (``MODEL_SERVER_NETWORKS``): this
# machine, where researchers run the Label Studio ML backend. Private, link-local (a cloud's
# metadata service) and reserved addresses are refused unless a site admin lists them.
DEFAULT_NETWORKS = ("127.0.0.0/8", "::1/128")


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


def allowed_networks(setting=None) -> list:
    """The networks of ``MODEL_SERVER_NETWORKS`` (a list, or a comma-separated string)."""
    if setting is None:
        setting = current_app.config.get("MODEL_SERVER_NETWORKS", DEFAULT_NETWORKS)
    if isinstance(setting, str):
        setting = [part.strip() for part in setting.split(",") if part.strip()]
    try:
        return [ipaddress.ip_network(item, strict=False) for item in setting]
    except ValueError as exc:
        raise ModelServerError(f"MODEL_SERVER_NETWORKS is not a list of networks: {exc}.") from None


def check_address(url: str) -> None:
    """ServiceError unless every address ``url``'s host resolves to is public or in
    ``MODEL_SERVER_NETWORKS``: a lead must not make the server ask its own network's services
    (server-side request forgery). Checked before every request, so a name that later
    resolves elsewhere is caught at its next use."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise ModelServerError(f"The model server host {host} cannot be resolved.") from None
    networks = allowed_networks()
    for address in sorted({info[4][0] for info in infos}):
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if ip.is_global or any(ip in network for network in networks):
            continue
        raise ServiceError(
            f"The model server URL names {host} ({ip}), a private, link-local or reserved "
            "address, where model servers may not be here. A site admin can allow its "
            "network with ANNOTATOR_MODEL_SERVER_NETWORKS."
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed (it could lead anywhere, past :func:`check_address`)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def call(base_url: str, method: str, path: str, body: Any = None) -> Any:
    """``method base_url+path`` with a JSON ``body``; the decoded JSON answer."""
    timeout = float(current_app.config.get("MODEL_SERVER_TIMEOUT", 5.0))
    check_address(base_url)
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        base_url + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    where = f"The model server at {base_url}"
    try:
        with _OPENER.open(request, timeout=timeout) as response:  # http(s) only (check_url)
            raw = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise ModelServerError(
                f"{where} answered {path} with a redirect (HTTP {exc.code}), which is not "
                "followed: register the URL it points to."
            ) from None
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
