"""The JSON API under /api/v1 (session with CSRF header, or a read-only Bearer token)."""

from annotator.api import (  # noqa: F401  (routes)
    analysis,
    annotate,
    audit,
    comments,
    docs,
    openapi,
    read,
    suggestions,
)
from annotator.api.blueprint import bp

__all__ = ["bp"]
