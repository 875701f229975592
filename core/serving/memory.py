"""Process-wide memory policy: how glibc keeps and returns freed memory, and one budget for what sessions keep."""

import ctypes
import gc
import logging
import os
import platform
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import UserError

_malloc_lock = threading.Lock()
_malloc_tuned = False


def keep_freed_memory() -> None:
    """Let glibc reuse freed blocks of up to 32 MB (and keep up to 256 MB free atop its heap) instead of returning
    them to the OS.

    A training step frees and re-allocates ~30 MB of activations and gradients. With glibc's default thresholds
    those pages went back to the kernel after every step and were faulted in again on the next one: ~3,900 minor
    page faults a step, a third of its CPU time (measured on the benchmark machine, see bench/README.md).
    Process-wide and done once (before training threads start: core.serving.process.configure_process calls it
    first thing, each training run again); skipped off glibc and when the user tunes malloc through the environment.
    """
    global _malloc_tuned
    with _malloc_lock:
        if _malloc_tuned:
            return
        _malloc_tuned = True
        if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
            return
        tuned = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_ARENA_MAX", "GLIBC_TUNABLES")
        if any(k in os.environ for k in tuned):
            return
        try:
            mallopt = ctypes.CDLL(None).mallopt
        except (OSError, AttributeError):
            return
        m_trim_threshold, m_mmap_threshold, m_arena_max = -1, -3, -8
        mallopt(m_mmap_threshold, 32 * 2**20)  # glibc's maximum for this setting
        mallopt(m_trim_threshold, 256 * 2**20)
        # Each training job runs in its own thread, and glibc gives threads their own arenas (up to 8 a core):
        # thirty queued runs left their freed blocks spread over 16 arenas, 380 MB that malloc_trim could not
        # return. Two arenas: 30 largest-model runs end 126 MB above the first (the results kept), not 510 MB.
        mallopt(m_arena_max, 2)


def release_freed_memory() -> None:
    """Give the free pages that glibc keeps (in every thread's arena) back to the system: malloc_trim(0).

    keep_freed_memory lets each arena keep up to 256 MB between training steps; without this, 30 max-size runs
    left the server 2.6 GB larger for good. Called when a training job ends: the running jobs lose nothing but
    the faults of one step's worth of pages.
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


# What all sessions together may keep between reruns (finished runs' models, run histories, uploaded models):
# the idle server is ~665 MB and training in flight needs ~100-200 MB a running job, so 600 MB kept leaves the
# process under 2.0 GB of the ~2.7 GB a Community Cloud box has.
BUDGET_BYTES = 600 * 2**20
# A session whose browser left is released after this long: a reconnect after a network blip keeps its runs and
# uploads, and a closed tab's memory is back well within the minute the issue asks for (sweep every SWEEP_SECONDS).
GONE_GRACE_SECONDS = 20.0
SWEEP_SECONDS = 5.0
# Streamlit's upload store, per session: the pages have two uploaders (a model of at most 13 MB, an image of at most
# 16 MB), so four files and 32 MB hold both; before, one session PUT 140 files of 16 MB that no uploader referred to
# (+2.2 GB). The oldest files go first.
MAX_UPLOAD_FILES = 4
MAX_UPLOAD_BYTES = 32 * 2**20
# One widget value from the browser: the drawing pad's largest (60 strokes, 3,000 points) is about 60 kB of JSON.
# A 1.86 MB `[[],[],…]` value became 47-49 MB of Python lists once parsed (25× its JSON), kept in session state.
MAX_WIDGET_VALUE_BYTES = 256 * 2**10
JSON_PARSE_FACTOR = 25
WIDGETS_COUNTED_FROM = 64 * 2**10  # smaller widget values are not worth a budget entry


def widget_value_bytes(kind: str | None, nbytes: int) -> int:
    """What a widget value of `nbytes` on the wire keeps once Streamlit has read it (JSON is parsed into objects)."""
    return nbytes * (JSON_PARSE_FACTOR if kind in ("json_value", "json_trigger_value") else 1)


class MemoryFull(UserError):
    """Nothing more may be kept: the rest belongs to the visitor asking, or cannot be dropped."""


@dataclass
class Kept:
    owner: str  # the session that holds it
    nbytes: int
    label: str  # what the owner is told when it is dropped, e.g. "run 3"
    drop: Callable[[], None]  # lets go of the object (called outside the lock)
    used: float = field(default_factory=time.monotonic)
    pinned: bool = False  # in use by its page (the session's current model): counted, never dropped for others


class MemoryBudget:
    """One budget for what every session keeps, checked when something new is kept (admission).

    Over budget, the least recently used things of *other* sessions are dropped first, their owners told on their
    next rerun; only when the rest is the asker's own is the asker refused. What a session held is released when it
    ends (release_owner), or found when the runtime says the session is gone (session_alive, checked at admission).

    A session gone for `grace` seconds is also closed (`close_session`), whatever it kept: Streamlit keeps a closed
    tab's whole session (its state, uploads, widget values) for server.disconnectedSessionTTL (120 s), and frees it
    only when its session store is next looked at, that is when someone else connects. Five sessions that had each
    loaded the largest model five times left the server +432 MB 150 s after their tabs closed, the budget's part
    already released; the next visitor's connection took it back to +65 MB.
    """

    def __init__(
        self,
        limit: int = BUDGET_BYTES,
        clock: Callable[[], float] = time.monotonic,
        grace: float = 0.0,
        session_alive: Callable[[str], bool | None] | None = None,
        close_session: Callable[[str], None] | None = None,
    ):
        self.limit, self.clock, self.grace = limit, clock, grace
        self.session_alive = session_alive  # is that session connected? None where the runtime cannot tell
        self.close_session = close_session  # ends a gone session in the runtime, freeing all it held
        self._lock = threading.Lock()
        self._kept: dict[str, Kept] = {}
        self._dropped: dict[str, list[str]] = {}  # owner → labels dropped since it last looked
        self._gone_since: dict[str, float] = {}  # owner → when it was first seen gone
        self._sessions: set[str] = set()  # every session seen (watch), kept something or not
        self._collect_next_sweep = False
        self._sweeper: threading.Thread | None = None

    @property
    def used(self) -> int:
        with self._lock:
            return sum(k.nbytes for k in self._kept.values())

    def keep(self, key: str, owner: str, nbytes: int, label: str, drop: Callable[[], None]) -> None:
        """Count `nbytes` for `owner` under `key`, making room first; MemoryFull when no room can be made."""
        self.release_gone_sessions()
        with self._lock:
            self._kept.pop(key, None)
            victims = self._make_room(owner, nbytes)
            if victims is None:
                raise MemoryFull(
                    "The server's memory is full with what visitors keep open. Please try again in a few minutes."
                )
            self._kept[key] = Kept(owner, nbytes, label, drop, self.clock())
        for victim in victims:
            victim.drop()
        if victims:
            release_freed_memory()

    def _make_room(self, owner: str, nbytes: int) -> list[Kept] | None:
        """Under the lock: what to drop (LRU of other owners) so `nbytes` fits, or None when it cannot."""
        total = sum(k.nbytes for k in self._kept.values())
        others = sorted(
            (k for k in self._kept.items() if k[1].owner != owner and not k[1].pinned), key=lambda item: item[1].used
        )
        chosen = []
        for key, kept in others:
            if total + nbytes <= self.limit:
                break
            chosen.append(key)
            total -= kept.nbytes
        if total + nbytes > self.limit:
            return None
        victims = [self._kept.pop(key) for key in chosen]
        for victim in victims:
            self._dropped.setdefault(victim.owner, []).append(victim.label)
        return victims

    def touch(self, key: str) -> None:
        with self._lock:
            if key in self._kept:
                self._kept[key].used = self.clock()

    def pin(self, key: str, pinned: bool = True) -> None:
        with self._lock:
            if key in self._kept:
                self._kept[key].pinned = pinned
                self._kept[key].used = self.clock()

    def forget(self, key: str) -> None:
        """The owner let go of it itself (e.g. its history dropped the oldest run)."""
        with self._lock:
            self._kept.pop(key, None)

    def dropped(self, owner: str) -> list[str]:
        """What was dropped from this owner to make room since it last asked (then forgotten)."""
        with self._lock:
            return self._dropped.pop(owner, [])

    def release_owner(self, owner: str) -> int:
        """A session ended: drop all it kept; the bytes released."""
        with self._lock:
            victims = [self._kept.pop(k) for k, v in list(self._kept.items()) if v.owner == owner]
            self._dropped.pop(owner, None)
        for victim in victims:
            victim.drop()
        return sum(v.nbytes for v in victims)

    def owned(self, owner: str) -> int:
        """The bytes counted for one owner."""
        with self._lock:
            return sum(k.nbytes for k in self._kept.values() if k.owner == owner)

    def watch(self, session: str) -> None:
        """A session is running the app: once it is gone for `grace` seconds it is closed, whatever it kept."""
        if self.close_session is not None and session:
            with self._lock:
                self._sessions.add(session)

    def release_gone_sessions(self) -> int:
        """Release what sessions gone for `grace` seconds kept, and close them; the bytes released."""
        if self.session_alive is None:
            return 0
        with self._lock:
            owners = {k.owner for k in self._kept.values() if k.owner} | self._sessions
        now, gone = self.clock(), []
        for owner in owners:
            if self.session_alive(owner) is False:
                since = self._gone_since.setdefault(owner, now)
                if now - since >= self.grace:
                    gone.append(owner)
            else:
                self._gone_since.pop(owner, None)
        released = sum(self.release_owner(o) for o in gone)
        for owner in gone:
            self._gone_since.pop(owner, None)
            with self._lock:
                self._sessions.discard(owner)
            if self.close_session is not None:
                self.close_session(owner)  # the runtime shuts it down on its own thread, soon after
        if released or self._collect_next_sweep:
            gc.collect()  # a closed session's state is a cycle-rich graph; postScriptGC is off (config.toml)
            release_freed_memory()
        self._collect_next_sweep = bool(gone) and self.close_session is not None
        return released

    def start_sweeping(self, every: float = SWEEP_SECONDS) -> None:
        """Look for gone sessions every few seconds in a daemon thread (once per process), so what a closed tab kept
        goes back within `grace` + `every` seconds, even when nobody else asks for memory."""
        with self._lock:
            if self._sweeper is not None:
                return
            self._sweeper = threading.Thread(target=self._sweep, args=(every,), name="memory-sweeper", daemon=True)
        self._sweeper.start()

    def _sweep(self, every: float) -> None:
        while True:
            time.sleep(every)
            try:
                self.release_gone_sessions()
                # Freed pages back to the system every sweep, not only when a job ends: five sessions loading the
                # largest model five times held ~150-200 MB of free heap that a trim returned. A training job loses
                # one step's pages to it every few seconds (keep_freed_memory), well under 1% of its time.
                release_freed_memory()
            except Exception:  # a sweep must never end the sweeper
                logging.getLogger(__name__).exception("memory sweep failed")


def uploads_to_drop(files: list[tuple[str, int]], max_files: int = MAX_UPLOAD_FILES, max_bytes: int = MAX_UPLOAD_BYTES):
    """Which of a session's uploaded files (id, bytes; oldest first) to drop so at most `max_files` and `max_bytes`
    stay: the oldest first, never the newest (it is at most Streamlit's maxUploadSize)."""
    total, count, drop = sum(n for _, n in files), len(files), []
    for file_id, nbytes in files[:-1]:
        if count <= max_files and total <= max_bytes:
            break
        drop.append(file_id)
        total, count = total - nbytes, count - 1
    return drop
