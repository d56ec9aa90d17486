"""Training baseline models from a project's annotations, in the background or from the CLI.

rows -> records (``queries``) -> ``annotator.classifier.train_model`` -> a model file under
``<instance>/models/`` plus a ModelRun row. Model files are only ever loaded from that folder
(never from uploads), and their hash is checked against the sidecar first.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from annotator.extensions import db
from annotator.models import Document, DocumentCuration, ModelRun, Project, User
from annotator.models.base import utcnow
from annotator.queries import iter_documents
from annotator.services.errors import ServiceError
from annotator.version import __version__

LEVELS = ("sentence", "span")


def models_dir() -> Path:
    folder = Path(current_app.instance_path) / "models"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def create_run(project: Project, user: User | None, level: str, folds: int) -> ModelRun:
    if level not in LEVELS:
        raise ServiceError(f"Level must be one of {', '.join(LEVELS)}.")
    if not 2 <= folds <= 10:
        raise ServiceError("Folds must be between 2 and 10.")
    run = ModelRun(
        project_id=project.id,
        created_by=user.id if user else None,
        level=level,
        folds=folds,
        status="queued",
        code_version=__version__,
    )
    db.session.add(run)
    db.session.flush()
    return run


def execute_run(run_id: int, progress=None) -> ModelRun:
    """Train and evaluate; record metrics, data snapshot and model file on the run."""
    from annotator.classifier import save_model, train_model

    run = db.session.get(ModelRun, run_id)
    run.status, run.progress = "running", 0.0
    db.session.commit()

    def report(done: int, total: int) -> None:
        run.progress = round(done / max(total, 1), 3)
        db.session.commit()
        if progress:
            progress(done, total)

    try:
        documents = list(iter_documents(run.project_id))
        curated = curated_ids(run.project_id)
        model, metadata = train_model(
            documents, kind=run.level, curated_ids=curated, n_splits=run.folds, progress=report
        )
        path = models_dir() / f"project-{run.project_id}-run-{run.id}.joblib"
        save_model(path, model, metadata)
    except ValueError as exc:  # nothing to train on, a single class, ...
        return fail_run(run_id, str(exc))
    # Active learning: how uncertain this model is about every article of the project.
    run.uncertainty = project_uncertainty(run.project_id, model)
    run.status, run.progress, run.finished_at = "finished", 1.0, utcnow()
    run.params = _jsonable(metadata.get("params", {}))
    run.sources = metadata.get("sources", {})
    run.metrics = metadata.get("metrics")
    run.training_hash = metadata.get("training_hash", "")
    run.model_path = path.name
    db.session.commit()
    return run


def fail_run(run_id: int, error: str) -> ModelRun:
    """Record that a run failed (committed)."""
    db.session.rollback()
    run = db.session.get(ModelRun, run_id)
    if run.status != "finished":
        run.status, run.error, run.finished_at = "failed", error, utcnow()
    db.session.commit()
    return run


def project_uncertainty(project_id: int, model) -> dict[str, float]:
    """``{document id: uncertainty}`` of every article of the project under ``model``."""
    from annotator.classifier import uncertainties

    rows = db.session.execute(
        select(Document.id, Document.text).where(Document.project_id == project_id)
    ).all()
    return uncertainties(model, rows)


def curated_ids(project_id: int) -> list[str]:
    """External ids of documents whose curation is finished (gold is the training truth)."""
    rows = db.session.execute(
        select(Document.external_id)
        .join(DocumentCuration, DocumentCuration.document_id == Document.id)
        .where(Document.project_id == project_id, DocumentCuration.status == "curated")
    )
    return list(rows.scalars())


def _jsonable(params: dict) -> dict:
    return {
        k: v if isinstance(v, str | int | float | bool | type(None)) else repr(v)
        for k, v in params.items()
    }


def start_run(project: Project, user: User, level: str, folds: int) -> ModelRun:
    """Queue a training run in the background (thread, or RQ when ANNOTATOR_REDIS_URL is set)."""
    from annotator.jobs import get_queue

    run = create_run(project, user, level, folds)
    db.session.commit()
    queue = get_queue(
        current_app.config.get("REDIS_URL"), current_app.config.get("JOB_QUEUE", "annotator")
    )
    database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    run.job_id = queue.submit(
        "annotator.background.training_job",
        run.id,
        database_url,
        current_app.instance_path,
        isolate=isolate_fits(queue.backend, database_url),
    )
    db.session.commit()
    return run


def isolate_fits(backend: str, database_url: str) -> bool:
    """Whether a thread-backend job fits in a child process (``TRAINING_PROCESS``: "auto",
    the default, or "thread"). RQ workers are processes already; an in-memory SQLite database
    cannot be shared with a child."""
    if backend != "thread" or current_app.config.get("TRAINING_PROCESS", "auto") == "thread":
        return False
    memory = database_url.startswith("sqlite") and (
        database_url.rstrip("/").endswith(":memory:") or database_url in ("sqlite://", "sqlite:")
    )
    return not memory


def latest_run(project: Project) -> ModelRun | None:
    """The project's newest finished run."""
    return db.session.execute(
        select(ModelRun)
        .where(ModelRun.project_id == project.id, ModelRun.status == "finished")
        .order_by(ModelRun.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def latest_model(project: Project):
    """(model, metadata) of the project's newest finished run, or None."""
    from annotator.classifier import load_model

    run = db.session.execute(
        select(ModelRun)
        .where(ModelRun.project_id == project.id, ModelRun.status == "finished")
        .order_by(ModelRun.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if run is None or not run.model_path:
        return None
    path = models_dir() / os.path.basename(run.model_path)
    return load_model(path, root=models_dir())


INTERRUPTED = (
    "Interrupted: the server restarted while this run was queued or running; start it again."
)


def fail_interrupted_runs() -> int:
    """Mark runs left queued or running by a stopped process as failed (committed); returns how
    many. Only for the thread backend, whose jobs die with their process: call it at start-up
    before any worker can start a run (gunicorn.conf.py's ``on_starting``)."""
    result = db.session.execute(
        update(ModelRun)
        .where(ModelRun.status.in_(("queued", "running")))
        .values(status="failed", error=INTERRUPTED, finished_at=utcnow())
    )
    db.session.commit()
    return result.rowcount or 0
