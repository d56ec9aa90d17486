"""In-process backend: one daemon worker thread consuming a FIFO queue. Needs nothing installed.

Jobs and their state live in this process only: use it for one web process (development, small
installations); use :mod:`annotator.jobs.rq_backend` when several processes must share the queue.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from .base import (
    DEFAULT_ALLOWED_PREFIXES,
    FAILED,
    FINISHED,
    QUEUED,
    RUNNING,
    UnknownJob,
    _thread_reporter,
    job_status,
    resolve,
)


class ThreadQueue:
    """Run submitted jobs one at a time on a single daemon thread.

    ``keep`` bounds how many finished/failed jobs are remembered (oldest forgotten first).
    """

    backend = "thread"

    def __init__(
        self, allowed_prefixes: Iterable[str] = DEFAULT_ALLOWED_PREFIXES, keep: int = 1000
    ) -> None:
        self.allowed_prefixes = tuple(allowed_prefixes)
        self.keep = keep
        self._jobs: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None

    def submit(self, func_path: str, *args: Any, **kwargs: Any) -> str:
        """Queue ``func_path(*args, **kwargs)``; return the job id."""
        func = resolve(func_path, self.allowed_prefixes)
        job_id = uuid.uuid4().hex
        with self._lock:
            self._jobs[job_id] = job_status(QUEUED, 0.0)
            self._ensure_worker()
        self._queue.put((job_id, func, args, kwargs))
        return job_id

    def status(self, job_id: str) -> dict[str, Any]:
        """A copy of the job's status dictionary; :class:`UnknownJob` if there is none."""
        with self._lock:
            try:
                return dict(self._jobs[job_id])
            except KeyError:
                raise UnknownJob(job_id) from None

    def join(self, timeout: float | None = None) -> None:
        """Block until every queued job has run (tests, CLI); ``timeout`` is ignored if None."""
        if timeout is None:
            self._queue.join()
            return
        done = threading.Event()
        threading.Thread(target=lambda: (self._queue.join(), done.set()), daemon=True).start()
        if not done.wait(timeout):
            raise TimeoutError("jobs still running")

    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="annotator-jobs", daemon=True)
            self._thread.start()

    def _update(self, job_id: str, **fields: Any) -> None:
        with self._lock:
            self._jobs[job_id].update(fields)

    def _progress(self, job_id: str, fraction: float) -> None:
        self._update(job_id, progress=fraction)
        # Under gunicorn's gevent workers this thread is a greenlet sharing the worker with its
        # requests: at each progress report a CPU-bound job lets the waiting ones run. A sleep
        # of 0 would not do (the event loop would not look for ready sockets); 1 ms does, and
        # with real threads costs no more than that.
        time.sleep(0.001)

    def _forget_old(self) -> None:
        with self._lock:
            done = [k for k, v in self._jobs.items() if v["state"] in (FINISHED, FAILED)]
            for key in done[: max(0, len(done) - self.keep)]:
                del self._jobs[key]

    def _work(self) -> None:
        while True:
            job_id, func, args, kwargs = self._queue.get()
            self._update(job_id, state=RUNNING)
            token = _thread_reporter.set(lambda f, j=job_id: self._progress(j, f))
            try:
                result = func(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - a failing job must not kill the worker
                error = "".join(traceback.format_exception_only(exc)).strip()
                self._update(job_id, state=FAILED, error=error)
            else:
                self._update(job_id, state=FINISHED, progress=1.0, result=result)
            finally:
                _thread_reporter.reset(token)
                self._queue.task_done()
                self._forget_old()
