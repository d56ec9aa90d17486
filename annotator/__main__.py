"""The ``annotator`` command (console script and ``python -m annotator``): builds the app, whose
CLI commands ``annotator.cli`` registers. It sits above the app, like ``wsgi.py``."""

from __future__ import annotations

from flask.cli import FlaskGroup

from annotator.app import build_app
from annotator.cli import ensure_instance_secret


def _cli_app():
    ensure_instance_secret()
    return build_app()


def main() -> None:
    FlaskGroup(create_app=_cli_app, help="annotator: media-bias annotation tool.")(
        prog_name="annotator"
    )


if __name__ == "__main__":
    main()
