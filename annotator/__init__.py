"""annotator: a media-bias annotation tool.

``create_app`` imports Flask inside the function so that the pure packages
(``annotator.agreement``, ``annotator.formats``, ``annotator.classifier``) load without Flask.
"""

from __future__ import annotations

from annotator.version import __version__

__all__ = ["__version__", "create_app"]


def create_app(test_config=None):
    """Build the Flask application (see ``annotator.app``)."""
    from annotator.app import build_app

    return build_app(test_config)
