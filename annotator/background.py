"""Entry points of background jobs (thread backend or RQ workers), by dotted path.

Each builds its own app (and database connections) in the worker and then calls a service; like
``wsgi.py`` it sits above the app, so services never import the app to run in the background.

A fit is CPU-bound. Under gunicorn's gevent workers the thread backend's worker thread is a
greenlet of the web process, so a fit run there would hold the worker (and every request on it)
for as long as scikit-learn computes between two yields. With ``isolate`` the job therefore
runs the fit in a child process (``python -m annotator.background``, niced) and only waits for
it, reading its progress lines; RQ workers are separate processes already.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from annotator.app import build_app
from annotator.extensions import db
from annotator.jobs import progress_callback
from annotator.services.analysis.training import execute_run, fail_run

DATABASE_ENV = "ANNOTATOR_TRAINING_DATABASE_URL"  # not on the command line: ps shows that
PROGRESS = "progress "


def _app(database_url: str, instance_path: str):
    return build_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": instance_path,
            "ALLOW_DEFAULT_SECRET": True,
        }
    )


def training_job(run_id: int, database_url: str, instance_path: str, isolate: bool = False) -> dict:
    """The background entry point: its own app (and database connections) in the worker; with
    ``isolate``, the fit itself in a child process (see the module)."""
    if isolate:
        return _in_child(run_id, database_url, instance_path)
    app = _app(database_url, instance_path)
    with app.app_context():
        run = execute_run(run_id, progress=progress_callback())
        result = {"run": run.id, "status": run.status, "error": run.error}
        db.session.remove()
        db.engine.dispose()
    return result


def _in_child(run_id: int, database_url: str, instance_path: str) -> dict:
    progress = progress_callback()
    env = {**os.environ, DATABASE_ENV: database_url}
    # stderr to a file: warnings there must never fill a pipe nobody reads while we read stdout
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        child = subprocess.Popen(  # gevent patches subprocess: waiting here yields to requests
            [sys.executable, "-m", "annotator.background", str(run_id), instance_path],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            text=True,
        )
        for line in child.stdout:
            if line.startswith(PROGRESS):
                done, total = (int(x) for x in line[len(PROGRESS) :].split())
                progress(done, total)
        code = child.wait()
        errors.seek(0)
        stderr = errors.read()[-5000:]
    app = _app(database_url, instance_path)
    with app.app_context():
        if code != 0:  # killed or crashed before it could record the failure itself
            tail = [line for line in stderr.strip().splitlines() if line.strip()]
            reason = tail[-1] if tail else f"exit status {code}"
            fail_run(run_id, f"The training process ended with an error: {reason}")
        from annotator.models import ModelRun

        run = db.session.get(ModelRun, run_id)
        result = {"run": run.id, "status": run.status, "error": run.error}
        db.session.remove()
        db.engine.dispose()
    return result


def main(argv: list[str]) -> int:
    """The child process: ``python -m annotator.background RUN_ID INSTANCE_PATH``."""
    run_id, instance_path = int(argv[0]), argv[1]
    try:
        os.nice(10)  # the web process's requests come first
    except OSError:  # pragma: no cover - not permitted on some systems
        pass

    def report(done: int, total: int) -> None:
        print(f"{PROGRESS}{done} {total}", flush=True)

    app = _app(os.environ[DATABASE_ENV], instance_path)
    with app.app_context():
        execute_run(run_id, progress=report)
        db.session.remove()
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
