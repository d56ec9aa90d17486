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
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {keys: serializer}  # only the current key set is kept
        return serializer


def init_app(app: Flask) -> None:
    app.session_interface = CachedSerializerSessionInterface()
