"""The JSON API under /api/v1 (session with CSRF header, or a read-only Bearer token)."""

from annotator.api import analysis, annotate, openapi, read, suggestions  # noqa: F401  (routes)
from annotator.api.blueprint import bp

__all__ = ["bp"]
