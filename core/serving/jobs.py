"""Background training jobs: each runs in its own thread, a bounded number at once, the rest wait in line.

A job outlives the Streamlit script run that started it, so widget clicks, page switches and reloads
neither stop nor lose it; the page keeps only the job's id and polls its records.

The queue is built for a public server where some visitors mean harm:
- one waiting or running job per session, and a job whose session is gone (closed, not back through its ?run=
  link within ABANDON_AFTER_SECONDS) is stopped;
- on a public deployment one job may run at most MAX_RUN_SECONDS (what a job may ask for is its caller's rule:
  core.cnn.cost for CNN runs);
- small jobs (a Quick train) go in an express lane: a running big job pauses at its next batch and lets them
  through, so thirty queued max-size jobs cannot keep a new visitor waiting. Only big jobs pause (and a small one
  for a newcomer's first job, at most `max_running` at once); a paused job resumes before any other big job starts,
  so at most `max_running` big jobs hold an optimizer state at once;
- finished jobs are kept for their session (and its link) bounded by age and count, and their bytes (model,
  records, an LR finder's results) count in the process's one memory budget (core.serving.memory), which drops other
  sessions' least recently used ones first; the freed memory goes back to the system when a job ends.

The queue knows nothing of what a job computes: it is handed a cost (EXPRESS_COST's units) and a finish hook that
lets go of what the results need not keep and says how many bytes they still hold. Time comes from an injected
clock (the Server's), so the tests run it on a fake one.
"""

import logging
import os
import threading
import time
from collections.abc import Callable

from core.errors import UserError
from core.serving.deployment import local_mode
from core.serving.device import usable_cores
from core.serving.job import (  # noqa: F401  (the queue's public names: pages and tests import them from here)
    ABANDON_AFTER_SECONDS,
    EXPRESS_COST,
    Job,
    JobState,
    browser_key,
)
from core.serving.memory import MemoryBudget, MemoryFull, release_freed_memory

log = logging.getLogger(__name__)

KEEP_FINISHED_SECONDS = 3600
MAX_FINISHED = 60
MAX_WAITING = 32  # in each lane
MAX_RUN_SECONDS = 600
# Fair turns in the express lane: 32 sessions re-queueing LR-finder runs there made a new visitor's Quick train
# finish 189 s after the click, and it was refused ("busy: 32 waiting") 19 times in 20. The lane is ordered by the
# trainer time each session had lately, so a newcomer's first job goes next; a newcomer is admitted past
# MAX_WAITING (up to MAX_NEWCOMERS more), so "busy" is said only to a session that has had its turn.
SERVED_HALF_LIFE = 300.0
MAX_SERVED_REMEMBERED = 1000
MAX_NEWCOMERS = 32


class QueueFull(UserError):
    """Too many runs are waiting already."""


class AlreadyTraining(UserError):
    """The session has a run waiting or running already."""


def default_max_running() -> int:
    """NN_PLAYGROUND_MAX_JOBS, else one job per two cores (at least one)."""
    configured = os.environ.get("NN_PLAYGROUND_MAX_JOBS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, usable_cores() // 2)


class JobQueue:
    """Runs jobs in threads, at most `max_running` at a time: express jobs first, then paused ones, then the rest
    by estimated cost (smallest first, first come first served among equals)."""

    def __init__(
        self,
        max_running: int | None = None,
        budget: MemoryBudget | None = None,
        clock: Callable[[], float] = time.monotonic,
        session_alive: Callable[[str], bool | None] | None = None,
    ):
        self.max_running = max_running or default_max_running()
        self.budget = budget if budget is not None else MemoryBudget(clock=clock)
        self.clock = clock  # times turns, fair shares, abandoned and finished jobs (a fake one in tests)
        # Whether that session's browser is connected; None (or a None answer): the runtime cannot tell (AppTest)
        self.session_alive = session_alive
        self._cond = threading.Condition()
        self._express: list[Job] = []
        self._paused: list[Job] = []
        self._waiting: list[Job] = []
        self._running: set[Job] = set()
        self._jobs: dict[str, Job] = {}
        self._served: dict[str, tuple[float, float]] = {}  # owner → (trainer seconds, when counted), decaying

    def _served_seconds(self, owner: str) -> float:
        """The trainer time this session had lately (halving every SERVED_HALF_LIFE s); 0 for a newcomer."""
        seconds, then = self._served.get(owner, (0.0, 0.0))
        return seconds * 0.5 ** ((self.clock() - then) / SERVED_HALF_LIFE) if owner else 0.0

    def _charge(self, owner: str, seconds: float) -> None:
        if not owner:
            return
        if len(self._served) >= MAX_SERVED_REMEMBERED:
            self._served = {o: v for o, v in self._served.items() if self._served_seconds(o) > 0.1}
        self._served[owner] = (self._served_seconds(owner) + max(seconds, 0.01), self.clock())

    def submit(self, job: Job) -> Job:
        job.budget, job.clock, job.seen = self.budget, self.clock, self.clock()
        with self._cond:
            self._check_admission(job)
            self._forget_old()
            self._jobs[job.id] = job
            (self._express if job.express else self._waiting).append(job)
            self._waiting.sort(key=lambda j: j.cost or 0.0)  # stable: equal costs keep their order
            self._express.sort(key=lambda j: self._served_seconds(j.owner))  # newcomers first, then the least served
            self._dispatch()
        threading.Thread(target=self._work, args=(job,), name=f"train-{job.id}", daemon=True).start()
        return job

    def _check_admission(self, job: Job) -> None:
        if job.owner and any(j.owner == job.owner and j.active for j in self._jobs.values()):
            raise AlreadyTraining(
                "You already have a training run waiting or running. Stop it first, or wait until it ends."
            )
        waiting = len(self._express if job.express else self._waiting)  # a lane each: big runs cannot fill the other
        newcomer = job.owner and job.express and self._served_seconds(job.owner) == 0.0
        if waiting >= MAX_WAITING and not (newcomer and waiting < MAX_WAITING + MAX_NEWCOMERS):
            raise QueueFull(
                "The server is busy: {waiting} training runs are already waiting. Please try again in a few minutes.",
                waiting=waiting,
            )

    def get(self, job_id: str | None) -> Job | None:
        with self._cond:
            return self._jobs.get(job_id) if job_id else None

    def position(self, job: Job) -> int:
        """1 for the next job to start, 2 behind it, …; 0 when not waiting."""
        with self._cond:
            line = self._line()
            return line.index(job) + 1 if job in line else 0

    def counts(self) -> tuple[int, int]:
        with self._cond:
            return len(self._running), len(self._express) + len(self._waiting)

    def _line(self) -> list[Job]:
        return self._express + self._paused + self._waiting

    def _forget_old(self) -> None:
        """Drop finished jobs past their age, then the oldest ones beyond the count bound (bytes: the budget)."""
        now = self.clock()
        finished = sorted((j for j in self._jobs.values() if j.finished), key=lambda j: j.finished)
        count = len(finished)
        for job in finished:  # oldest first: once one may stay, all newer ones may
            if now - job.finished <= KEEP_FINISHED_SECONDS and count <= MAX_FINISHED:
                break
            self._forget(job)
            count -= 1

    def _forget(self, job: Job) -> None:
        """Under the lock: a finished job and its results go (its model is freed with it)."""
        self._jobs.pop(job.id, None)
        self.budget.forget(job.budget_key)

    def _count_finished(self, job: Job) -> None:
        """A finished job's results join the memory budget, other sessions' least recently used things making room;
        when even that cannot make room, the results go at once."""

        def drop():
            with self._cond:
                self._jobs.pop(job.id, None)

        try:
            self.budget.keep(job.budget_key, job.owner, job.kept_bytes, "job", drop)
        except MemoryFull:
            drop()

    def _dispatch(self) -> None:
        """Hand free trainer slots to the head of the line (under the lock)."""
        while len(self._running) < self.max_running and self._line():
            job = self._line()[0]
            for lane in (self._express, self._paused, self._waiting):
                if job in lane:
                    lane.remove(job)
            if self._stop_if_unwanted(job):
                continue  # its thread sees the stop and ends it
            self._running.add(job)
            job.paused = False
            job.status = JobState.RUNNING
            job._slice_started = self.clock()
        self._cond.notify_all()

    def _end_slice(self, job: Job) -> None:
        if job._slice_started is not None:
            job.run_seconds += self.clock() - job._slice_started
            self._charge(job.owner, self.clock() - job._slice_started)
            job._slice_started = None

    def _gone(self, job: Job) -> bool:
        """Its session closed and no page came back to it (through its ?run= link) for a while."""
        if not job.owner or self.clock() - job.seen < job.abandon_after or self.session_alive is None:
            return False
        # None: the runtime cannot tell (no server, as under AppTest), so the job is kept
        return all(self.session_alive(session) is False for session in list(job.watchers))

    def _over_budget(self, job: Job) -> bool:
        ran = job.run_seconds + (self.clock() - job._slice_started if job._slice_started is not None else 0.0)
        return not local_mode() and ran > MAX_RUN_SECONDS

    def _stop_if_unwanted(self, job: Job) -> bool:
        if not job.should_stop() and self._gone(job):
            job.stop(UserError("Stopped: its page was closed."))
        return job.should_stop()

    def _wait_for_slot(self, job: Job) -> bool:
        """Wait in line until dispatched (True) or stopped (False)."""
        with self._cond:
            while job not in self._running:
                if self._stop_if_unwanted(job):
                    for lane in (self._express, self._paused, self._waiting):
                        if job in lane:
                            lane.remove(job)
                    return False
                self._cond.wait(timeout=0.25)
            return True

    def checkpoint(self, job: Job) -> bool:
        """Called by a running job between batches: True when it must stop. Pauses here while express jobs go."""
        with self._cond:
            if self._stop_if_unwanted(job):
                return True
            if self._over_budget(job):
                job.stop(
                    UserError(
                        "Stopped after {minutes} minutes: on this public server that is the longest a run may train.",
                        minutes=MAX_RUN_SECONDS // 60,
                    )
                )
                return True
            if job in self._running and self._express and (not job.express or self._newcomer_first(job)):
                self._running.discard(job)
                self._end_slice(job)
                job.paused = True
                self._paused.append(job)
                self._dispatch()
                return not self._wait_for_slot(job)
            return False

    def _newcomer_first(self, job: Job) -> bool:
        """Under the lock: whether a running small job pauses for a newcomer's first one at the head of the small-job
        lane. Small jobs last up to ~15 s (EXPRESS_COST), so waiting for one to end could break the promise that a
        newcomer's first job starts within 15 s. At most `max_running` small jobs wait paused (each holds its model
        and optimizer state: up to ~40 MB for an LR finder on the largest model)."""
        head = self._express[0]
        paused_small = sum(1 for j in self._paused if j.express)
        return (
            self._served_seconds(head.owner) == 0.0
            and bool(head.owner)
            and self._served_seconds(job.owner) > 0.0
            and paused_small < self.max_running
        )

    def _work(self, job: Job) -> None:
        if not self._wait_for_slot(job):
            job.status, job.finished = JobState.STOPPED, self.clock()
            return
        outcome = JobState.FAILED
        try:
            for record in job.run(lambda: self.checkpoint(job)):
                job.records.append(record)
            outcome = _outcome(job)
        except Exception as exc:  # the page shows the message; the traceback goes to the server log
            log.exception("training job %s failed", job.id)
            job.error = str(exc) or type(exc).__name__
            job.failure = exc
        finally:
            self._finish(job, outcome)
            _release_memory_after(threading.current_thread())

    def _finish(self, job: Job, outcome: JobState) -> None:
        """Keep what the results need, then free its slot and hand it on. The job reads as ended only once the next
        one is dispatched (the same locked step): whoever sees it ended sees the line as it now is."""
        if job.on_finish is not None:
            try:
                job.nbytes = max(job.nbytes, job.on_finish())
            except Exception:  # a failing hook must not keep the trainer slot
                log.exception("finish hook of job %s failed", job.id)
        job.finished = self.clock()
        self._count_finished(job)
        with self._cond:
            self._running.discard(job)
            for lane in (self._express, self._paused, self._waiting):
                if job in lane:
                    lane.remove(job)
            self._end_slice(job)
            self._forget_old()
            self._dispatch()
            job.status = outcome


def _outcome(job: Job) -> JobState:
    """How a run that went through to its last record ended."""
    last = job.last
    if getattr(last, "diverged", False):
        return JobState.DIVERGED
    if getattr(last, "stopped", False) or job.should_stop():
        return JobState.STOPPED
    return JobState.DONE


def _release_memory_after(thread: threading.Thread) -> None:
    """Return freed memory to the system once the job's thread has ended: its thread-local buffers (oneDNN's
    scratchpads among them) are freed only then. Trimming before that left 200 MB more after 30 runs."""

    def trim():
        thread.join()
        release_freed_memory()

    threading.Thread(target=trim, name="trim-after-job", daemon=True).start()
