"""Shared pieces of the job backends: function resolution, states, progress reporting."""

from __future__ import annotations

import contextvars
import importlib
from collections.abc import Callable, Iterable
from typing import Any

QUEUED, RUNNING, FINISHED, FAILED = "queued", "running", "finished", "failed"
STATES = (QUEUED, RUNNING, FINISHED, FAILED)

#: Only functions below these dotted prefixes may be submitted (paths come from code, not users).
DEFAULT_ALLOWED_PREFIXES: tuple[str, ...] = ("annotator.",)

# Set by the thread backend's worker while a job runs: a callable taking the progress fraction.
_thread_reporter: contextvars.ContextVar[Callable[[float], None] | None] = contextvars.ContextVar(
    "annotator_job_reporter", default=None
)


class UnknownJob(KeyError):
    """No job with this id (never submitted, expired, or submitted to another backend)."""


def resolve(func_path: str, allowed_prefixes: Iterable[str] = DEFAULT_ALLOWED_PREFIXES) -> Callable:
    """Import ``package.module.function`` (or ``package.module:function``) and return the function.

    Raises ``ValueError`` for a path outside ``allowed_prefixes`` or that does not name a callable.
    """
    path = func_path.replace(":", ".")
    if not any(path.startswith(prefix) for prefix in allowed_prefixes):
        raise ValueError(f"job function {func_path!r} is outside the allowed packages")
    module_name, _, attr = path.rpartition(".")
    if not module_name:
        raise ValueError(f"job function {func_path!r} is not a dotted path")
    func = getattr(importlib.import_module(module_name), attr, None)
    if not callable(func):
        raise ValueError(f"job function {func_path!r} is not callable")
    return func


def normalise_path(func_path: str) -> str:
    """``a.b:c`` -> ``a.b.c`` (the form RQ imports)."""
    return func_path.replace(":", ".")


def clamp(fraction: float) -> float:
    return min(1.0, max(0.0, float(fraction)))


def report_progress(fraction: float) -> None:
    """Record the running job's progress (0..1). Works in both backends; a no-op outside a job."""
    reporter = _thread_reporter.get()
    if reporter is not None:
        reporter(clamp(fraction))
        return
    try:
        from rq import get_current_job
    except ImportError:  # pragma: no cover - rq is a dependency, but the thread backend needs none
        return
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = clamp(fraction)
        job.save_meta()


def progress_callback() -> Callable[[int, int], None]:
    """A ``progress(done, total)`` hook (the classifier's) calling :func:`report_progress`."""

    def progress(done: int, total: int) -> None:
        report_progress(done / total if total else 1.0)

    return progress


def job_status(state: str, progress: float, result: Any = None, error: str | None = None) -> dict:
    """The status dictionary both backends return."""
    return {"state": state, "progress": progress, "result": result, "error": error}
