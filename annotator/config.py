"""Configuration: defaults, then instance/config.py, then ANNOTATOR_* environment variables."""

from __future__ import annotations

import functools
import hashlib
import os
from datetime import timedelta
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-insecure-change-me"

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"


@functools.cache
def static_build(folder: str = str(STATIC)) -> str:
    """A short hash of every file under the static folder (names and contents): the static
    URLs carry it (``/static/<hash>/js/...``), so browsers may keep each file for a year and
    any change to any file gives every file a new URL."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def instance_path() -> str:
    """``ANNOTATOR_INSTANCE_PATH`` or the top-level ``instance/`` folder."""
    return os.environ.get("ANNOTATOR_INSTANCE_PATH") or str(ROOT / "instance")


def defaults(instance: str) -> dict:
    return {
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance, "annotator.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "DB_POOL_SIZE": 16,  # PostgreSQL connections kept per worker
        "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,  # the article upload
        "MAX_REQUEST_BYTES": 2 * 1024 * 1024,  # every other request body
        "IMPORT_MAX_RECORDS": 100_000,
        "IMPORT_MAX_TEXT_CHARS": 1_000_000,
        "ALLOW_REGISTRATION": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        # A session cookie is refused (server-side, by its signed timestamp) this long after it
        # was last written; Flask's default is 31 days.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "10 per minute",
        "REDIS_URL": None,
        # "auto": the thread backend fits models in a child process (see annotator.background);
        # "thread": in its worker thread (as RQ workers do, being processes already).
        "TRAINING_PROCESS": "auto",
        # Seconds an external model server (Label Studio ML backend) may take to answer.
        "MODEL_SERVER_TIMEOUT": 5.0,
        # Networks a model server may be in besides public addresses (default: this machine).
        "MODEL_SERVER_NETWORKS": ["127.0.0.0/8", "::1/128"],
        # The RQ queue training runs go to (``rq worker --url $ANNOTATOR_REDIS_URL <name>``).
        "JOB_QUEUE": "annotator",
        # Reverse proxies (addresses or networks) whose X-Forwarded-For is believed.
        "TRUSTED_PROXIES": [],
    }


ENV_KEYS = {
    "ANNOTATOR_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "ANNOTATOR_SECRET_KEY": "SECRET_KEY",
    "ANNOTATOR_REDIS_URL": "REDIS_URL",
    "ANNOTATOR_JOB_QUEUE": "JOB_QUEUE",
    "ANNOTATOR_DB_POOL_SIZE": "DB_POOL_SIZE",
    "ANNOTATOR_ALLOW_REGISTRATION": "ALLOW_REGISTRATION",
    "ANNOTATOR_SECURE_COOKIES": "SESSION_COOKIE_SECURE",
    "ANNOTATOR_LOGIN_RATE_LIMIT": "LOGIN_RATE_LIMIT",
    "ANNOTATOR_SESSION_HOURS": "PERMANENT_SESSION_LIFETIME",
    "ANNOTATOR_TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "ANNOTATOR_MAX_REQUEST_BYTES": "MAX_REQUEST_BYTES",
    "ANNOTATOR_MAX_UPLOAD_BYTES": "MAX_CONTENT_LENGTH",
    "ANNOTATOR_TRAINING_PROCESS": "TRAINING_PROCESS",
    "ANNOTATOR_MODEL_SERVER_TIMEOUT": "MODEL_SERVER_TIMEOUT",
    "ANNOTATOR_MODEL_SERVER_NETWORKS": "MODEL_SERVER_NETWORKS",
}


def from_environment() -> dict:
    """Settings from ``ANNOTATOR_*`` environment variables."""
    out = {}
    for env, key in ENV_KEYS.items():
        value = os.environ.get(env)
        if value is None:
            continue
        if key in ("ALLOW_REGISTRATION", "SESSION_COOKIE_SECURE"):
            out[key] = value.lower() in ("1", "true", "yes", "on")
        elif key in ("MAX_REQUEST_BYTES", "MAX_CONTENT_LENGTH"):
            out[key] = int(value)
        elif key == "MODEL_SERVER_TIMEOUT":
            out[key] = float(value)
        elif key == "PERMANENT_SESSION_LIFETIME":
            out[key] = timedelta(hours=float(value))
        else:
            out[key] = value
    url = out.get("SQLALCHEMY_DATABASE_URI", "")
    if url.startswith("postgres://"):
        out["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        out["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url[len("postgresql://") :]
    return out
