"""RQ backend: jobs go to a Redis queue and separate ``rq worker`` processes run them.

Several web processes can share one queue. Start workers with, e.g.::

    rq worker --url redis://127.0.0.1:6379/0 annotator

Workers import job functions by dotted path, so they need the ``annotator`` package installed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from .base import (
    DEFAULT_ALLOWED_PREFIXES,
    FAILED,
    FINISHED,
    QUEUED,
    RUNNING,
    UnknownJob,
    job_status,
    normalise_path,
    resolve,
)

_STATE = {
    JobStatus.STARTED: RUNNING,
    JobStatus.FINISHED: FINISHED,
    JobStatus.FAILED: FAILED,
    JobStatus.STOPPED: FAILED,
    JobStatus.CANCELED: FAILED,
}


class RQQueue:
    """Submit to and inspect an RQ queue at ``redis_url`` (queue ``name``).

    ``job_timeout`` (s) bounds one job's run; results are kept ``result_ttl`` seconds,
    failures ``failure_ttl`` seconds.
    """

    backend = "rq"

    def __init__(
        self,
        redis_url: str,
        name: str = "annotator",
        allowed_prefixes: Iterable[str] = DEFAULT_ALLOWED_PREFIXES,
        job_timeout: int = 3600,
        result_ttl: int = 86400,
        failure_ttl: int = 7 * 86400,
    ) -> None:
        self.connection = Redis.from_url(redis_url)
        self.queue = Queue(name, connection=self.connection)
        self.allowed_prefixes = tuple(allowed_prefixes)
        self.job_timeout, self.result_ttl, self.failure_ttl = job_timeout, result_ttl, failure_ttl

    @property
    def name(self) -> str:
        return self.queue.name

    def submit(self, func_path: str, *args: Any, **kwargs: Any) -> str:
        """Enqueue ``func_path(*args, **kwargs)`` (arguments must pickle); return the job id."""
        resolve(func_path, self.allowed_prefixes)  # fail here, not later in a worker
        job = self.queue.enqueue_call(
            normalise_path(func_path),
            args=args,
            kwargs=kwargs,
            timeout=self.job_timeout,
            result_ttl=self.result_ttl,
            failure_ttl=self.failure_ttl,
            meta={"progress": 0.0},
        )
        return job.id

    def status(self, job_id: str) -> dict[str, Any]:
        """The job's status dictionary; :class:`UnknownJob` if Redis has no such job."""
        try:
            job = Job.fetch(job_id, connection=self.connection)
        except NoSuchJobError:
            raise UnknownJob(job_id) from None
        state = _STATE.get(job.get_status(refresh=True), QUEUED)
        progress = float(job.get_meta(refresh=True).get("progress", 0.0))
        if state == FINISHED:
            return job_status(FINISHED, 1.0, job.return_value())
        if state == FAILED:
            return job_status(FAILED, progress, None, _error(job))
        return job_status(state, progress)


def _error(job: Job) -> str:
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or "job failed"
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "job failed"
