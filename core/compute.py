"""Fair, bounded CPU for short work done while a visitor waits (XOR training, the 100-seed runs).

Every visitor shares one process with 1–2 CPUs; this gate keeps one visitor's clicks from slowing everyone else.
"""
import threading
from contextlib import contextmanager

from core.errors import UserError

_gate = threading.Semaphore(1)


class ServerBusy(UserError):
    """Too much short work is waiting; the visitor should try again shortly."""


@contextmanager
def short_work(owner: str, cost: float):
    """Run the block when the server has room for `cost` (estimated CPU seconds) of work for `owner` (a session id).

    Raises ServerBusy instead of waiting long.
    """
    if not _gate.acquire(timeout=10):
        raise ServerBusy("The server is busy with other visitors' work. Please try again in a few seconds.")
    try:
        yield
    finally:
        _gate.release()
