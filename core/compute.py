"""Fair, bounded CPU for short work done while a visitor waits (XOR training, the 100-seed runs).

Every visitor shares one process with 1–2 CPUs; this gate keeps one visitor's clicks from slowing everyone else:
- one piece of short work at a time in the process, and one per visitor (session);
- a visitor's short work may fill at most OWNER_SHARE of the time (after 2 s of work, 2 s for the others);
- while CNN jobs train, all short work together may fill at most SHARE_WHILE_TRAINING of the time, so three
  visitors clicking XOR as fast as they can slow a training run by at most about 1 / (1 - 0.2) = 1.25×;
- nobody waits in line for long: after MAX_WAIT_SECONDS the visitor is told to try again; and each piece is
  charged what it really took, whatever its estimate said.
"""

import math
import threading
import time
from contextlib import contextmanager

from core.errors import UserError

SHARE_WHILE_TRAINING = 0.2
OWNER_SHARE = 0.5
MAX_WAIT_SECONDS = 5.0
MAX_COST_SECONDS = 30.0
MAX_OWNERS_REMEMBERED = 1000


class ServerBusy(UserError):
    """Too much short work is waiting; the visitor should try again shortly."""


class _Gate:
    def __init__(self):
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
        deadline = time.monotonic() + MAX_WAIT_SECONDS
        with self.cond:
            while (refusal := self._refusal(owner, cost)) is not None:
                if time.monotonic() >= deadline:
                    raise refusal
                self.cond.wait(timeout=min(0.25, max(0.01, deadline - time.monotonic())))
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
        now = time.monotonic()
        ready = self.ready_at(owner, _training())
        if self.busy or ready > now:
            return ServerBusy(
                "The server is busy with other visitors' work. Please try again in {seconds} s.",
                seconds=_seconds(max(ready - now, 1.0)),
            )
        return None

    def done(self, owner: str, seconds: float) -> None:
        end = time.monotonic()
        with self.cond:
            self.busy = False
            self.active.discard(owner)
            if _training():
                self.global_ready = max(self.global_ready, end + seconds * (1 / SHARE_WHILE_TRAINING - 1))
            if len(self.owner_ready) >= MAX_OWNERS_REMEMBERED:
                self.owner_ready = {k: v for k, v in self.owner_ready.items() if v > end}
            self.owner_ready[owner] = end + seconds * (1 / OWNER_SHARE - 1)
            self.cond.notify_all()


def _training() -> bool:
    from core.jobs import QUEUE

    return QUEUE.counts()[0] > 0


def _seconds(value: float) -> int:
    return max(1, math.ceil(value)) if math.isfinite(value) else 0


_gate = _Gate()


@contextmanager
def short_work(owner: str, cost: float):
    """Run the block when the server has room for `cost` (estimated CPU seconds) of work for `owner` (a session id).

    Waits at most a few seconds for its turn; raises ServerBusy (a UserError) when the visitor must try again.
    """
    _gate.admit(owner, float(cost))
    started = time.monotonic()
    try:
        yield
    finally:
        _gate.done(owner, time.monotonic() - started)
