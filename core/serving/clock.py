"""The server's time, injectable: the queue, the gate and the rates read it, so tests run them on a fake one."""

import threading
import time


class Clock:
    """Monotonic seconds (call it), and the two ways the server waits: sleep, or wait on a condition until notified."""

    def __call__(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def wait(self, cond: threading.Condition, seconds: float) -> None:
        """Under `cond`'s lock: wait until notified or `seconds` pass."""
        cond.wait(timeout=seconds)
