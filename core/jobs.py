"""Background training jobs: each runs in its own thread, a bounded number at once, the rest wait in line.

A job outlives the Streamlit script run that started it, so widget clicks, page switches and reloads
neither stop nor lose it; the page keeps only the job's id and polls its records.
"""
import logging
import os
import secrets
import threading
import time
from collections import deque
from typing import Callable, Iterator

from core.device import usable_cores

log = logging.getLogger(__name__)

KEEP_FINISHED_SECONDS = 3600
MAX_JOBS = 200
MAX_WAITING = 32


class QueueFull(RuntimeError):
    """Too many runs are waiting already."""


def default_max_running() -> int:
    """NN_PLAYGROUND_MAX_JOBS, else one job per two cores (at least one)."""
    configured = os.environ.get("NN_PLAYGROUND_MAX_JOBS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, usable_cores() // 2)


class Job:
    """One training run: its records so far, status, and a stop flag."""

    def __init__(self, run: Callable[[Callable[[], bool]], Iterator[dict]], payload=None, owner: str = ""):
        self.id = secrets.token_urlsafe(12)
        self.owner = owner  # the session that started it
        self.seen = time.time()  # when its page last polled it: see touch()
        self.run = run
        self.payload = payload
        self.records: list[dict] = []
        self.status = "queued"
        self.error: str | None = None
        self.created = time.time()
        self.finished: float | None = None
        self._stop = threading.Event()

    def touch(self) -> None:
        """Its session is still looking at it."""
        self.seen = time.time()

    def stop(self) -> None:
        self._stop.set()

    def should_stop(self) -> bool:
        return self._stop.is_set()

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def last(self) -> dict | None:
        return self.records[-1] if self.records else None


class JobQueue:
    """Runs jobs in threads, at most `max_running` at a time, first come first served."""

    def __init__(self, max_running: int | None = None):
        self.max_running = max_running or default_max_running()
        self._cond = threading.Condition()
        self._waiting: deque[Job] = deque()
        self._running: set[Job] = set()
        self._jobs: dict[str, Job] = {}

    def submit(self, job: Job) -> Job:
        with self._cond:
            if len(self._waiting) >= MAX_WAITING:
                raise QueueFull(f"{len(self._waiting)} training runs are already waiting; please try again in a few minutes.")
            self._forget_old()
            self._jobs[job.id] = job
            self._waiting.append(job)
        threading.Thread(target=self._work, args=(job,), name=f"train-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str | None) -> Job | None:
        with self._cond:
            return self._jobs.get(job_id) if job_id else None

    def position(self, job: Job) -> int:
        """1 for the next job to start, 2 behind it, …; 0 when not waiting."""
        with self._cond:
            return self._waiting.index(job) + 1 if job in self._waiting else 0

    def counts(self) -> tuple[int, int]:
        with self._cond:
            return len(self._running), len(self._waiting)

    def _forget_old(self) -> None:
        now = time.time()
        for job_id, job in list(self._jobs.items()):
            if job.finished and (now - job.finished > KEEP_FINISHED_SECONDS or len(self._jobs) > MAX_JOBS):
                del self._jobs[job_id]

    def _wait_for_slot(self, job: Job) -> bool:
        with self._cond:
            while not job.should_stop() and (self._waiting[0] is not job or len(self._running) >= self.max_running):
                self._cond.wait(timeout=0.25)
            self._waiting.remove(job)
            if job.should_stop():
                self._cond.notify_all()
                return False
            self._running.add(job)
            job.status = "running"
            return True

    def _work(self, job: Job) -> None:
        if not self._wait_for_slot(job):
            job.status, job.finished = "stopped", time.time()
            return
        try:
            for record in job.run(job.should_stop):
                job.records.append(record)
            last = job.last or {}
            job.status = "diverged" if last.get("diverged") else "stopped" if last.get("stopped") else "done"
        except Exception as exc:  # the page shows the message; the traceback goes to the server log
            log.exception("training job %s failed", job.id)
            job.error = str(exc) or type(exc).__name__
            job.status = "failed"
        finally:
            job.finished = time.time()
            with self._cond:
                self._running.discard(job)
                self._cond.notify_all()


QUEUE = JobQueue()
