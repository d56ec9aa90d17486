"""One small background-job interface, Flask-free, with two backends.

- thread (default): a single daemon worker thread in this process; nothing to install.
- rq: a Redis queue shared by several web processes, run by separate ``rq worker`` processes.

Usage::

    queue = get_queue(app.config.get("ANNOTATOR_REDIS_URL"))   # None -> thread backend
    job_id = queue.submit("annotator.some.module.train", project_id=3)
    queue.status(job_id)  # {"state": "running", "progress": 0.4, "result": None, "error": None}

The module-level :func:`submit` / :func:`status` use the default queue set by :func:`configure`
(the thread backend unless configured). Job functions are referenced by dotted path (only below
``annotator.`` by default; never build the path from user input) and report progress with
:func:`report_progress`.
"""

from __future__ import annotations

import threading
from typing import Any

from .base import (
    FAILED,
    FINISHED,
    QUEUED,
    RUNNING,
    STATES,
    UnknownJob,
    progress_callback,
    report_progress,
    resolve,
)
from .thread import ThreadQueue

__all__ = [
    "FAILED",
    "FINISHED",
    "QUEUED",
    "RUNNING",
    "STATES",
    "ThreadQueue",
    "UnknownJob",
    "configure",
    "get_queue",
    "progress_callback",
    "report_progress",
    "resolve",
    "status",
    "submit",
]

_lock = threading.Lock()
_thread_queue: ThreadQueue | None = None
_rq_queues: dict[tuple[str, str], Any] = {}
_default: Any = None


def get_queue(redis_url: str | None = None, name: str = "annotator"):
    """The RQ queue ``name`` at ``redis_url``, or the process-wide thread queue when it is empty."""
    global _thread_queue
    with _lock:
        if not redis_url:
            if _thread_queue is None:
                _thread_queue = ThreadQueue()
            return _thread_queue
        key = (redis_url, name)
        if key not in _rq_queues:
            from .rq_backend import RQQueue

            _rq_queues[key] = RQQueue(redis_url, name)
        return _rq_queues[key]


def configure(redis_url: str | None = None, name: str = "annotator"):
    """Choose the queue the module-level :func:`submit` / :func:`status` use; returns it."""
    global _default
    _default = get_queue(redis_url, name)
    return _default


def _queue():
    return _default if _default is not None else get_queue()


def submit(func_path: str, *args: Any, **kwargs: Any) -> str:
    """Queue ``func_path(*args, **kwargs)`` on the default queue; return the job id."""
    return _queue().submit(func_path, *args, **kwargs)


def status(job_id: str) -> dict[str, Any]:
    """``{"state", "progress", "result", "error"}`` of a job on the default queue."""
    return _queue().status(job_id)
