"""Security headers on every response; client addresses behind trusted reverse proxies."""

from __future__ import annotations

import ipaddress

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

NO_STORE_PREFIXES = ("/settings/", "/users")
# Static URLs carry a hash of the static files (``config.static_build``): a URL's content never
# changes, so browsers keep it without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"


def init_app(app) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith(NO_STORE_PREFIXES):  # a new token is shown there once
            response.headers["Cache-Control"] = "no-store"
        elif request.endpoint == "static" and response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
        return response


class TrustedProxyFix:
    """werkzeug's ``ProxyFix`` (one hop of ``X-Forwarded-For`` / ``-Proto``) applied only to
    requests whose peer is one of the configured proxies; anyone else's forwarding headers
    are ignored, so a client cannot choose the address the rate limiter sees."""

    def __init__(self, app, proxies: list[str]):
        self.app = app
        self.fixed = ProxyFix(app, x_for=1, x_proto=1)
        self.networks = [ipaddress.ip_network(p.strip(), strict=False) for p in proxies]

    def _trusted(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self._trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO"):
            environ.pop(header, None)
        return self.app(environ, start_response)


def trust_proxies(app) -> None:
    proxies = app.config.get("TRUSTED_PROXIES") or []
    if isinstance(proxies, str):
        proxies = [p for p in proxies.split(",") if p.strip()]
    if proxies:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, proxies)


def warn_about_rate_limit_storage(app) -> None:
    """Say loudly when login limits live in each worker's memory (limit x workers)."""
    uri = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    if app.testing or app.debug or not app.config.get("RATELIMIT_ENABLED", True):
        return
    if uri.startswith("memory://"):
        app.logger.warning(
            "LOGIN RATE LIMITS ARE PER WORKER: they are kept in this process's memory, so the "
            "effective limit is %s times the number of workers and restarts forget it. Set "
            "ANNOTATOR_REDIS_URL to share them.",
            app.config.get("LOGIN_RATE_LIMIT"),
        )
