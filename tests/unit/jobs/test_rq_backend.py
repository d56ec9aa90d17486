"""RQ backend against the real Redis at 127.0.0.1:6379 (skipped if it is not running)."""

import uuid

import pytest

redis = pytest.importorskip("redis")
rq = pytest.importorskip("rq")

from annotator.jobs import UnknownJob, get_queue  # noqa: E402
from annotator.jobs.rq_backend import RQQueue  # noqa: E402

URL = "redis://127.0.0.1:6379/0"
ALLOWED = ("tests.unit.jobs.", "annotator.")


@pytest.fixture
def queue():
    conn = redis.Redis.from_url(URL)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    q = RQQueue(URL, name=f"annotator-test-{uuid.uuid4().hex}", allowed_prefixes=ALLOWED)
    q.submitted = []
    submit = q.submit

    def recording_submit(*args, **kwargs):
        job_id = submit(*args, **kwargs)
        q.submitted.append(job_id)
        return job_id

    q.submit = recording_submit
    yield q
    q.queue.delete(delete_jobs=True)
    keys = set(conn.scan_iter(f"*{q.name}*"))
    for job_id in q.submitted:
        keys.update(conn.scan_iter(f"*{job_id}*"))
    if keys:
        conn.delete(*keys)


def run_worker(q):
    from rq import SimpleWorker

    worker = SimpleWorker([q.queue], connection=q.connection, name=f"{q.name}-worker")
    try:
        worker.work(burst=True, logging_level="WARNING")
    finally:
        conn = q.connection
        conn.delete(worker.key)
        conn.srem("rq:workers", worker.key)
        conn.srem(f"rq:workers:{q.name}", worker.key)


def test_queued_then_finished_with_result(queue):
    job_id = queue.submit("tests.unit.jobs.tasks.add", 2, 3, scale=10)
    assert queue.status(job_id) == {
        "state": "queued",
        "progress": 0.0,
        "result": None,
        "error": None,
    }
    run_worker(queue)
    assert queue.status(job_id) == {
        "state": "finished",
        "progress": 1.0,
        "result": 50,
        "error": None,
    }


def test_failure_and_progress_meta(queue):
    bad = queue.submit("tests.unit.jobs.tasks.boom")
    steps = queue.submit("tests.unit.jobs.tasks.steps", 4)
    run_worker(queue)
    info = queue.status(bad)
    assert info["state"] == "failed" and "broken on purpose" in info["error"]
    assert queue.status(steps)["result"] == 4
    from rq.job import Job

    assert Job.fetch(steps, connection=queue.connection).get_meta()["progress"] == 1.0


def test_rejects_outside_paths_and_unknown_ids(queue):
    with pytest.raises(ValueError):
        queue.submit("os.system", "true")
    with pytest.raises(UnknownJob):
        queue.status(uuid.uuid4().hex)


def test_get_queue_by_url_shares_one_queue_object():
    a = get_queue(URL, name="annotator-test-shared")
    assert a is get_queue(URL, name="annotator-test-shared")
    assert a.backend == "rq" and get_queue(None).backend == "thread"
