"""One job of the training queue (core.serving.jobs): its records, status, owner, stop flag and what it keeps."""

import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from enum import Enum

from core.errors import UserError
from core.serving.memory import MemoryBudget

RECORD_BYTES = 1024  # a progress record, roughly, for the byte bound
ABANDON_AFTER_SECONDS = 25  # a reload reconnects in a few seconds; a closed tab never does
# A job no link leads back to (the LR finder: a reload starts a new session that cannot find it) is stopped soon
# after its tab closes; a few seconds still ride out a network blip.
UNLINKED_ABANDON_SECONDS = 3
EXPRESS_COST = 30_000  # lesson-model image passes (core.cnn.cost): a Quick train (up to 3 epochs × 10,000 images) fits


class JobState(str, Enum):
    """A job's status. A str, so `job.status == "done"` keeps working."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"
    DIVERGED = "diverged"

    __str__ = str.__str__


def browser_key(xsrf_cookie: str | None) -> str | None:
    """A browser's identity from Streamlit's XSRF cookie, or None without one: the cookie holds 32 random bytes
    that the server keeps for the browser's life and a reload sends back, masked afresh each time it is set
    ("2|mask|masked|time", hex, the 4-byte mask repeated; version 1 is the bare hex token). Only a hash is kept,
    never the token itself."""
    value = (xsrf_cookie or "").strip("\"'")
    parts = value.split("|")
    try:
        if len(parts) == 4 and parts[0] == "2":
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
            token = bytes(byte ^ mask[i % len(mask)] for i, byte in enumerate(masked)) if mask else b""
        else:
            token = value.encode()
    except ValueError:
        return None
    return hashlib.sha256(token).hexdigest() if len(token) >= 16 else None


class Job:
    """One training run: its records so far, status, and a stop flag."""

    def __init__(
        self,
        run: Callable[[Callable[[], bool]], Iterator[dict]],
        payload=None,
        owner: str = "",
        cost: float | None = None,
        nbytes: int = 0,
        owner_browser: str | None = None,
        on_finish: Callable[[], int] | None = None,
        linked: bool = True,
    ):
        self.id = secrets.token_urlsafe(12)
        self.owner = owner  # the session that started it
        self.owner_browser = owner_browser  # its browser (see browser_key): a reload there is still the owner
        self.watchers = {owner} if owner else set()  # sessions that looked at it: the owner, or a reload via ?run=
        self.run = run
        self.payload = payload  # the caller's: the queue never looks inside
        self.cost = cost  # estimated lesson-model image passes; None: unknown (never express)
        self.nbytes = nbytes  # what it keeps when finished (its model), for the bound on finished jobs
        # Called once when it ends: lets go of what its results need not keep, returns the bytes they still hold.
        self.on_finish = on_finish
        self.budget: MemoryBudget | None = None  # the queue's, from submit on
        self.clock: Callable[[], float] = time.monotonic  # the queue's, from submit on
        self.seen = self.clock()  # when a page last polled it: see touch()
        self.records: list[dict] = []
        self.status = JobState.QUEUED
        self.error: str | None = None
        self.failure: Exception | None = None  # what ended it, so the page can translate a UserError whole
        self.stop_reason: UserError | None = None  # why the server stopped it, for the page to say
        self.paused = False  # let an express job through; resumes by itself
        self.finished: float | None = None  # on the queue's clock
        self.run_seconds = 0.0  # time it held a trainer slot, not counting pauses
        # linked: a ?run= link leads back to it, so a reload finds it (an LR finder's run has none)
        self.abandon_after = ABANDON_AFTER_SECONDS if linked else UNLINKED_ABANDON_SECONDS
        self._slice_started: float | None = None
        self._stop = threading.Event()

    def touch(self, session: str | None = None) -> None:
        """A page is still looking at it (a reload comes back with a new session id through the ?run= link)."""
        self.seen = self.clock()
        if self.budget is not None:
            self.budget.touch(self.budget_key)  # a result looked at is not the least recently used
        if session and session not in self.watchers and len(self.watchers) < 8:
            self.watchers.add(session)

    def controlled_by(self, session: str, browser: str | None = None) -> bool:
        """Whether that session may stop the run and take its model: the session that started it, or a reload in
        the same browser. Anyone else with its ?run= link only watches. Without a server (AppTest) no job has an
        owner and every page controls it."""
        if not self.owner or session == self.owner:
            return True
        return browser is not None and browser == self.owner_browser

    def stop(self, reason: UserError | None = None) -> None:
        if reason is not None and not self._stop.is_set():
            self.stop_reason = reason
        self._stop.set()

    def should_stop(self) -> bool:
        return self._stop.is_set()

    @property
    def express(self) -> bool:
        return self.cost is not None and self.cost <= EXPRESS_COST

    @property
    def active(self) -> bool:
        return self.status in (JobState.QUEUED, JobState.RUNNING)

    @property
    def last(self) -> dict | None:
        return self.records[-1] if self.records else None

    @property
    def budget_key(self) -> str:
        return f"job:{self.id}"

    @property
    def kept_bytes(self) -> int:
        return self.nbytes + RECORD_BYTES * len(self.records)
