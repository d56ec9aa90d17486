"""The application factory behind ``annotator.create_app``."""

from __future__ import annotations

import os

from flask import Flask

from annotator import config


class InsecureSecretKey(RuntimeError):
    """Raised when the app would run in production with the default secret key."""


def build_app(test_config: dict | None = None, *, web_server: bool = False) -> Flask:
    """The app. ``web_server`` (``wsgi.py``): leave out what only commands use (Flask-Migrate
    and Alembic, ~11 MB a worker); ``annotator init-db`` and ``flask db`` build it in full."""
    instance = config.instance_path()
    if test_config and test_config.get("INSTANCE_PATH"):
        instance = test_config["INSTANCE_PATH"]
    app = Flask(
        "annotator",
        instance_path=instance,
        instance_relative_config=True,
        template_folder=str(config.TEMPLATES),
        static_folder=str(config.STATIC),
        static_url_path="/static/" + config.static_build(),
    )
    app.config.from_mapping(config.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config.from_environment())
    else:
        app.config.update(config.from_environment())
        app.config.update(test_config)
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)  # secrets and data: owner only
    new_sqlite = _new_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    _refuse_default_secret(app)
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]

    from annotator import converters, json_provider, request_guard
    from annotator.auth import cookie_session
    from annotator.services.annotation import read_connection

    request_guard.init_app(app)  # first: before any other hook reads the request
    converters.init_app(app)
    json_provider.init_app(app)
    engine_options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(
        app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    engine_options.setdefault("json_deserializer", json_provider.json_column_loads)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A gevent worker serves many requests at once, each on its own connection while it
        # waits for PostgreSQL; connections beyond the pool's size are closed on return, so a
        # pool smaller than the worker's usual concurrency opens a new one (a new backend
        # process) again and again. ANNOTATOR_DB_POOL_SIZE per worker (+ as many again).
        size = int(app.config["DB_POOL_SIZE"])
        engine_options.setdefault("pool_size", size)
        engine_options.setdefault("max_overflow", size)
    cookie_session.init_app(app)
    read_connection.init_app(app)
    _init_extensions(app, new_sqlite)
    if not web_server:
        init_migrate(app)
    _register_blueprints(app)

    from annotator import cli, errors, navigation, security

    errors.init_app(app)
    _add_favicon(app)
    navigation.init_app(app)
    security.init_app(app)
    security.trust_proxies(app)
    cli.init_app(app)
    return app


def _add_favicon(app: Flask) -> None:
    """``/favicon.ico`` for clients that ask for it whatever the page's ``<link rel=icon>``."""

    def favicon():
        return app.send_static_file("favicon.ico")

    app.add_url_rule("/favicon.ico", "favicon", favicon)


def _new_sqlite_file(url: str) -> str | None:
    """The path of a SQLite database file that does not exist yet, or None."""
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    path = url[len("sqlite:///") :].split("?", 1)[0]
    return path if path and not os.path.exists(path) else None


def _make_private_on_creation(engine, path: str) -> None:
    """Once SQLite has created the file, make it readable by its owner only (its -wal and
    -shm files take the same mode); an existing database keeps its mode."""
    from sqlalchemy import event

    done = []

    @event.listens_for(engine, "connect")
    def private(dbapi_connection, connection_record):
        if not done and os.path.exists(path):
            done.append(True)
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)


def _refuse_default_secret(app: Flask) -> None:
    if app.config["SECRET_KEY"] != config.DEFAULT_SECRET_KEY:
        return
    if app.debug or app.testing or app.config.get("ALLOW_DEFAULT_SECRET"):
        return
    raise InsecureSecretKey(
        "Refusing to start with the default secret key: set ANNOTATOR_SECRET_KEY "
        "(or SECRET_KEY in instance/config.py)."
    )


def _init_extensions(app: Flask, new_sqlite: str | None = None) -> None:
    from annotator import models, sqlite_writers  # noqa: F401  (models: register the tables)
    from annotator.extensions import csrf, db, limiter, login_manager

    db.init_app(app)
    with app.app_context():
        sqlite_writers.install(db.engine)
        if new_sqlite:
            _make_private_on_creation(db.engine, new_sqlite)
    csrf.init_app(app)
    limiter.init_app(app)
    _limit_decorated_routes_only(app, limiter)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from annotator.auth import requests as auth_requests

    auth_requests.init_app(app)

    from annotator.auth.session_user import load_session_user

    login_manager.user_loader(load_session_user)


def init_migrate(app: Flask) -> None:
    """Flask-Migrate (the migrations and the ``flask db`` commands) on ``app``."""
    from flask_migrate import Migrate

    from annotator.extensions import db

    Migrate(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))


def _limit_decorated_routes_only(app: Flask, limiter) -> None:
    """The app sets no default or blueprint-wide limits, and a ``@limiter.limit`` route checks
    its own limits when called; so Flask-Limiter's check before every request only costs time
    on the hot API calls. Drop it (the login rate-limit tests guard the decorated routes)."""
    hooks = app.before_request_funcs.get(None, [])
    app_wide = app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION")
    if limiter._check_request_limit in hooks and not app_wide:
        hooks.remove(limiter._check_request_limit)


def _register_blueprints(app: Flask) -> None:
    from annotator.account.routes import bp as account_bp
    from annotator.analysis_views.routes import bp as analysis_bp
    from annotator.annotate.routes import bp as annotate_bp
    from annotator.api import bp as api_bp
    from annotator.auth.routes import bp as auth_bp
    from annotator.curation import api as curation_api  # noqa: F401  (adds routes to api_bp)
    from annotator.curation.routes import bp as curation_bp
    from annotator.exports.routes import bp as exports_bp
    from annotator.home.routes import bp as home_bp
    from annotator.imports.routes import bp as imports_bp
    from annotator.modeling.routes import bp as modeling_bp
    from annotator.projects import (
        guidelines_routes,  # noqa: F401  (adds routes to projects_bp)
        history_routes,  # noqa: F401  (adds routes to projects_bp)
        schema_routes,  # noqa: F401  (adds routes to projects_bp)
    )
    from annotator.projects.routes import bp as projects_bp
    from annotator.quality.routes import bp as quality_bp
    from annotator.stats.routes import bp as stats_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(projects_bp)
    app.register_blueprint(annotate_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(modeling_bp)
    app.register_blueprint(curation_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(quality_bp)
