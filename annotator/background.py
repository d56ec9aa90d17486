"""Entry points of background jobs (thread backend or RQ workers), by dotted path.

Each builds its own app (and database connections) in the worker and then calls a service; like
``wsgi.py`` it sits above the app, so services never import the app to run in the background.
"""

from __future__ import annotations

from annotator.app import build_app
from annotator.extensions import db
from annotator.jobs import progress_callback
from annotator.services.analysis.training import execute_run


def training_job(run_id: int, database_url: str, instance_path: str) -> dict:
    """The background entry point: its own app (and database connections) in the worker."""
    app = build_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": instance_path,
            "ALLOW_DEFAULT_SECRET": True,
        }
    )
    with app.app_context():
        run = execute_run(run_id, progress=progress_callback())
        result = {"run": run.id, "status": run.status, "error": run.error}
        db.session.remove()
        db.engine.dispose()
    return result
