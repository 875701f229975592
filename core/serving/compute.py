"""Fair, bounded CPU for short work done while a visitor waits (XOR training, the 100-seed runs).

Every visitor shares one process with 1–2 CPUs; this gate keeps one visitor's clicks from slowing everyone else:
- one piece of short work at a time in the process, and one per visitor (session);
- a visitor's short work may fill at most OWNER_SHARE of the time (after 2 s of work, 2 s for the others);
- while CNN jobs train, all short work together may fill at most SHARE_WHILE_TRAINING of the time, so three
  visitors clicking XOR as fast as they can slow a training run by at most about 1 / (1 - 0.15) = 1.18×. Work that
  comes in pieces (XOR's training records) pauses between them to keep that share at every moment: a 2.5 s XOR run
  taken whole, then paid for by waiting, slowed a 5 s CNN run by up to 1.95× when it fell inside it;
- nobody waits in line for long: after MAX_WAIT_SECONDS the visitor is told to try again; and each piece is
  charged what it really took, whatever its estimate said.

The gate and the rerun rates live in the Server (core.serving.server), one per process, with its clock.
"""

import math
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from core.errors import UserError
from core.serving.clock import Clock

T = TypeVar("T")

SHARE_WHILE_TRAINING = 0.15
OWNER_SHARE = 0.5
MAX_WAIT_SECONDS = 5.0
MAX_COST_SECONDS = 30.0
MAX_OWNERS_REMEMBERED = 1000
MAX_PAUSE_SECONDS = 2.0


class ServerBusy(UserError):
    """Too much short work is waiting; the visitor should try again shortly."""


class Gate:
    """The fair gate for short work. `training` says whether CNN jobs train now (the Server asks its queue)."""

    def __init__(self, training: Callable[[], bool] = lambda: False, clock: Clock | None = None):
        self.training = training
        self.clock = clock or Clock()
        self.cond = threading.Condition()
        self.busy = False
        self.active: set[str] = set()
        self.global_ready = 0.0  # monotonic time from which short work may start again while training
        self.owner_ready: dict[str, float] = {}

    def ready_at(self, owner: str, training: bool) -> float:
        return max(self.global_ready if training else 0.0, self.owner_ready.get(owner, 0.0))

    def admit(self, owner: str, cost: float) -> None:
        """Wait for this owner's turn, at most MAX_WAIT_SECONDS; then raise ServerBusy.

        A refusal comes only after the full wait, even when it is clear at once: a page that answered "busy" at
        once was reloaded 7 times a second by each of three hammering visitors, and those reruns alone slowed a
        training run 3.7× (bench/hostile.py). Waiting costs no CPU.
        """
        deadline = self.clock() + MAX_WAIT_SECONDS
        with self.cond:
            while (refusal := self._refusal(owner, cost)) is not None:
                if self.clock() >= deadline:
                    raise refusal
                self.clock.wait(self.cond, min(0.25, max(0.01, deadline - self.clock())))
            self.active.add(owner)
            self.busy = True

    def _refusal(self, owner: str, cost: float) -> ServerBusy | None:
        """Why the owner may not start now, or None."""
        if not (cost <= MAX_COST_SECONDS):  # also refuses NaN
            return ServerBusy(
                "That is more work than one click may ask for on this public server (about {cost} s "
                "of computing; at most {limit} s). Choose fewer epochs or seeds.",
                cost=_seconds(cost),
                limit=int(MAX_COST_SECONDS),
            )
        if owner in self.active:
            return ServerBusy("Your previous request is still being computed. Please wait for it to finish.")
        now = self.clock()
        ready = self.ready_at(owner, self.training())
        if self.busy or ready > now:
            return ServerBusy(
                "The server is busy with other visitors' work. Please try again in {seconds} s.",
                seconds=_seconds(max(ready - now, 1.0)),
            )
        return None

    def done(self, owner: str, seconds: float, unpaid: float) -> None:
        """Charge the owner for all the seconds it worked, and everyone for those not yet paid for by pausing."""
        end = self.clock()
        with self.cond:
            self.busy = False
            self.active.discard(owner)
            if self.training():
                self.global_ready = max(self.global_ready, end + unpaid * (1 / SHARE_WHILE_TRAINING - 1))
            if len(self.owner_ready) >= MAX_OWNERS_REMEMBERED:
                self.owner_ready = {k: v for k, v in self.owner_ready.items() if v > end}
            self.owner_ready[owner] = end + seconds * (1 / OWNER_SHARE - 1)
            self.cond.notify_all()

    @contextmanager
    def short_work(self, owner: str, cost: float) -> Iterator["Turn"]:
        """Run the block when the server has room for `cost` (estimated CPU seconds) of work for `owner` (a session).

        Waits at most a few seconds for its turn; raises ServerBusy (a UserError) when the visitor must try again.
        Yields the Turn: work that comes in pieces calls its pace() between them. Only the time worked is charged.
        """
        self.admit(owner, float(cost))
        turn = Turn(self)
        try:
            yield turn
        finally:
            self.done(owner, *turn.finish())


class Turn:
    """One admitted piece of short work: it knows how long it has worked, and can pause to leave the CPU to training."""

    def __init__(self, gate: Gate):
        self.gate = gate
        self.total = 0.0  # seconds worked, pauses left out
        self.unpaid = 0.0  # of which since the last pause
        self.mark = gate.clock()
        self.paused = False  # whether it ever gave way to training (the page says why it runs slower)

    def _count(self) -> None:
        now = self.gate.clock()
        self.total += now - self.mark
        self.unpaid += now - self.mark
        self.mark = now

    def pace(self) -> None:
        """Between two small pieces of work: while CNN jobs train, pause so this work keeps its share of the time.

        Work done while nothing trained took nobody's time, so it is never paid for later.
        """
        self._count()
        if not self.gate.training():
            self.unpaid = 0.0
            return
        self.gate.clock.sleep(min(MAX_PAUSE_SECONDS, self.unpaid * (1 / SHARE_WHILE_TRAINING - 1)))
        self.unpaid, self.paused = 0.0, True
        self.mark = self.gate.clock()

    def paced(self, items: Iterable[T]) -> Iterator[T]:
        """The items, with a pace() after each one (the work of making and of using it both count)."""
        for item in items:
            yield item
            self.pace()

    def finish(self) -> tuple[float, float]:
        """(seconds worked in all, seconds worked since the last pause)."""
        self._count()
        return self.total, self.unpaid


def _seconds(value: float) -> int:
    return max(1, math.ceil(value)) if math.isfinite(value) else 0


# Full reruns of the page (a click, a canvas stroke, a reload) per session: a burst, then a steady rate. Two sessions
# clicking "Inside the CNN" 14.5 times a second made another visitor's Quick train 7× slower; a person clicks or draws
# a stroke a few times a second at most, and the burst lets a quick run of clicks through at full speed.
RERUN_BURST = 4
RERUNS_PER_SECOND = 2.0
# Sessions opened per second from one address (behind a proxy, as on Community Cloud, all visitors share one): a
# reload storm (58 new sessions a second) cost 2.6-4× on others' training. A new session's first run takes a token
# here as well as its own. A waiting run gives up waiting after MAX_RERUN_WAIT and computes anyway, so a visitor
# is never stuck behind a storm for longer than that.
NEW_SESSION_BURST = 10
NEW_SESSIONS_PER_SECOND = 4.0


class TokenBucket:
    """Tokens per key, refilled at `rate` a second up to `burst`. take() spends one or says how long until one is
    there. A waiting rerun does no work: the next message from the same page replaces it (Streamlit interrupts the
    run), so the latest request is the one that computes."""

    def __init__(
        self, burst: float, rate: float, clock: Callable[[], float] | None = None, remember: int = MAX_OWNERS_REMEMBERED
    ):
        self.burst, self.rate, self.clock, self.remember = float(burst), float(rate), clock or Clock(), remember
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[float, float]] = {}  # key → (tokens, when counted)

    def take(self, key: str, cost: float = 1.0) -> float:
        """0.0 after spending `cost` tokens; otherwise the seconds until they are there (nothing spent)."""
        with self._lock:
            now = self.clock()
            tokens, then = self._tokens.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            wait = 0.0 if tokens >= cost else (cost - tokens) / self.rate
            self._forget_full(now)
            self._tokens[key] = (tokens - cost if wait == 0.0 else tokens, now)
            return wait

    def _forget_full(self, now: float) -> None:
        """Keys whose bucket has refilled are the same as new ones: forget them when many are remembered."""
        if len(self._tokens) >= self.remember:
            self._tokens = {
                k: (tokens, then)
                for k, (tokens, then) in self._tokens.items()
                if tokens + (now - then) * self.rate < self.burst
            }


MAX_RERUN_WAIT = 10.0
# A fragment rerun (a drawing pad message, a tab or chart click inside a fragment, the XOR step view) spends a whole
# token of the same bucket, as a full rerun does. A quarter token let two sessions picking test images in "Inside the
# CNN" 14.5 times a second compute 8 times a second each, and another visitor's Quick train took 23.5 s instead of
# 5.8 s (bench/hostile.py --phases inside, this machine shared with other work). The pad, drawn on with "Inside the
# CNN" closed, is a live view (below): at this rate its prediction followed a stroke 365 ms late instead of 72 ms.
FRAGMENT_RERUN_TOKENS = 1.0
# A live view (XOR's "Watch it learn", the pad while drawn on) reruns about 8 times a second while in use; at the
# rerun rate above it would show 2 frames a second. Its reruns take from a bucket of their own instead, but only for
# the fragments the session registered (ui.server.live_view) while each of their reruns is cheap: one small chunk of
# XOR through the fair gate, or one digit's prediction; a client that sends them as fast as it can still gets 8 a
# second.
LIVE_VIEW_BURST = 3
LIVE_VIEW_FRAMES_PER_SECOND = 8.0


class RerunRates:
    """The per-session rate for reruns that compute (full page reruns and fragment reruns from one bucket), and the
    per-address rate for new sessions."""

    def __init__(self, clock: Clock | None = None):
        self.reruns = TokenBucket(RERUN_BURST, RERUNS_PER_SECOND, clock)
        self.new_sessions = TokenBucket(NEW_SESSION_BURST, NEW_SESSIONS_PER_SECOND, clock)
        self.live_views = TokenBucket(LIVE_VIEW_BURST, LIVE_VIEW_FRAMES_PER_SECOND, clock)

    def rerun_delay(self, session: str, first_run: bool, address: str | None = None) -> float:
        """How long this full rerun of a session's page should wait before it computes; 0.0 when it may go now."""
        if first_run:
            wait = self.new_sessions.take(address or "")
            if wait:
                return wait
        return self.reruns.take(session)

    def fragment_delay(self, session: str) -> float:
        """How long this fragment rerun should wait before it computes; 0.0 when it may go now."""
        return self.reruns.take(session, FRAGMENT_RERUN_TOKENS)

    def live_view_delay(self, session: str) -> float:
        """How long a playing live view's next frame should wait; 0.0 when it may go now."""
        return self.live_views.take(session)
