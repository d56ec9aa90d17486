"""The JSON API under /api/v1 (session with CSRF header, or a read-only Bearer token)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from annotator.api import annotate, openapi, read, suggestions  # noqa: E402,F401  (routes)
