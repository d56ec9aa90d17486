"""Flask's signed-cookie sessions with the signing serializer built once per key set.

Flask builds a new ``URLSafeTimedSerializer`` for every session it opens or saves (and
itsdangerous probes it by serialising an empty dict), about a tenth of an article read. The
cookies are the same bytes; a change of ``SECRET_KEY`` or ``SECRET_KEY_FALLBACKS`` builds a new
serializer.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    _cached: tuple[tuple, URLSafeTimedSerializer | None] = ((), None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached_keys, serializer = self._cached
        if serializer is None or cached_keys != keys:
            serializer = super().get_signing_serializer(app)
            self._cached = (keys, serializer)  # one assignment: safe across threads
        return serializer


def init_app(app: Flask) -> None:
    app.session_interface = CachedSerializerSessionInterface()
