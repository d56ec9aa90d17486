import time

import pytest

from annotator import jobs
from annotator.jobs import ThreadQueue, UnknownJob
from tests.unit.jobs import tasks

ALLOWED = ("tests.unit.jobs.",)


def wait(queue, job_id, states=("finished", "failed"), timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = queue.status(job_id)
        if info["state"] in states:
            return info
        time.sleep(0.01)
    raise AssertionError(f"job stuck in {info['state']}")


def test_result_and_kwargs():
    q = ThreadQueue(ALLOWED)
    job_id = q.submit("tests.unit.jobs.tasks.add", 2, 3, scale=10)
    assert wait(q, job_id) == {"state": "finished", "progress": 1.0, "result": 50, "error": None}


def test_colon_path_and_fifo_order():
    q = ThreadQueue(ALLOWED)
    ids = [q.submit("tests.unit.jobs.tasks:add", i, 0) for i in range(5)]
    q.join(timeout=10)
    assert [q.status(i)["result"] for i in ids] == list(range(5))


def test_failure_is_reported_and_worker_survives():
    q = ThreadQueue(ALLOWED)
    bad = q.submit("tests.unit.jobs.tasks.boom")
    good = q.submit("tests.unit.jobs.tasks.add", 1, 1)
    q.join(timeout=10)
    info = q.status(bad)
    assert info["state"] == "failed" and "RuntimeError: broken on purpose" in info["error"]
    assert q.status(good)["result"] == 2


def test_progress_while_running():
    q = ThreadQueue(ALLOWED)
    tasks.gate.clear()
    job_id = q.submit("tests.unit.jobs.tasks.wait_at_half")
    queued = q.submit("tests.unit.jobs.tasks.add", 0, 0)
    deadline = time.monotonic() + 10
    while q.status(job_id)["progress"] < 0.5 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert q.status(job_id)["state"] == "running"
    assert q.status(job_id)["progress"] == 0.5
    assert q.status(queued)["state"] == "queued"
    tasks.gate.set()
    assert wait(q, job_id)["result"] == "done"


def test_progress_callback_reaches_one():
    q = ThreadQueue(ALLOWED)
    assert wait(q, q.submit("tests.unit.jobs.tasks.steps", 4))["progress"] == 1.0


def test_rejects_paths_outside_allowed_and_unknown_ids():
    q = ThreadQueue(ALLOWED)
    with pytest.raises(ValueError):
        q.submit("os.system", "true")
    with pytest.raises(ValueError):
        ThreadQueue().submit("tests.unit.jobs.tasks.add", 1, 2)  # default: annotator.* only
    with pytest.raises((ValueError, ImportError)):
        q.submit("tests.unit.jobs.tasks.missing")
    with pytest.raises(UnknownJob):
        q.status("nope")


def test_report_progress_outside_a_job_is_a_noop():
    jobs.report_progress(0.3)


def test_old_jobs_are_forgotten():
    q = ThreadQueue(ALLOWED, keep=2)
    ids = [q.submit("tests.unit.jobs.tasks.add", i, 0) for i in range(4)]
    q.join(timeout=10)
    with pytest.raises(UnknownJob):
        q.status(ids[0])
    assert q.status(ids[-1])["result"] == 3


def test_module_level_default_is_thread_backend():
    assert jobs.get_queue() is jobs.get_queue(None)
    assert jobs.configure(None).backend == "thread"
    job_id = jobs.submit("annotator.jobs.base.clamp", 3)
    jobs.get_queue().join(timeout=10)
    assert jobs.status(job_id)["result"] == 1.0


GEVENT_SCRIPT = """
from gevent import monkey

monkey.patch_all()

import sys
import time

import gevent

sys.path.insert(0, sys.argv[1])
from annotator.jobs import ThreadQueue

queue = ThreadQueue(("tests.unit.jobs.",))
ticks = []


def ticker():  # stands for the requests a gevent worker serves beside the job
    while True:
        ticks.append(time.perf_counter())
        gevent.sleep(0.001)


background = gevent.spawn(ticker)
job = queue.submit("tests.unit.jobs.tasks.busy_steps", 5, 0.05)
queue.join(timeout=20)
background.kill()
start, end = queue.status(job)["result"]
print(sum(start < t < end for t in ticks))
"""


def test_under_gevent_a_cpu_bound_job_lets_requests_run_at_each_progress_report(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "gevent_job.py"
    script.write_text(GEVENT_SCRIPT)
    root = str(Path(__file__).resolve().parents[3])
    result = subprocess.run(
        [sys.executable, str(script), root], capture_output=True, text=True, timeout=60, cwd=root
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 4  # the other greenlet ran between the job's steps
