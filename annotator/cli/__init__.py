"""The ``annotator`` command line: thin wrappers over services, one module per command group.

Also available as ``flask --app annotator <command>``. Errors exit 1 with one line on stderr.
The app registers these commands (``init_app``); the console script that builds the app is
``annotator.__main__``, so this package never imports the app.
"""

from __future__ import annotations

import importlib
import os
import secrets
from pathlib import Path

# One module per command group, each with a COMMANDS list; ``base`` holds what they share.
GROUPS = (
    "database",
    "accounts",
    "projects",
    "transfer",
    "analysis",
    "curation",
    "demo",
    "outlets",
    "history",
    "quality",
)


def init_app(app) -> None:
    """Register every group's commands (the modules load here, not when the package loads)."""
    for group in GROUPS:
        for cmd in importlib.import_module(f"annotator.cli.{group}").COMMANDS:
            app.cli.add_command(cmd)


def ensure_instance_secret() -> None:
    """Give a fresh instance folder a random secret key so the CLI works out of the box."""
    from annotator.config import instance_path

    if os.environ.get("ANNOTATOR_SECRET_KEY"):
        return
    folder = Path(instance_path())
    config = folder / "config.py"
    if config.exists():
        return
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = f"# Generated on first use; keep it secret.\nSECRET_KEY = {secrets.token_hex(32)!r}\n"
    descriptor = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # owner only
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
