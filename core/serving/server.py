"""The server's machinery in one object, made once per process (ui.server.server(), st.cache_resource): the training
queue, the fair gate for short work, the one memory budget and the rerun rates, all on one clock.

Nothing here exists until it is made, so importing core changes nothing, and a test makes its own Server on a fake
clock."""

from collections.abc import Callable
from dataclasses import dataclass, field

from core.serving.clock import Clock
from core.serving.compute import Gate, RerunRates
from core.serving.jobs import JobQueue
from core.serving.memory import GONE_GRACE_SECONDS, MemoryBudget

SessionAlive = Callable[[str], bool | None]


@dataclass
class Server:
    queue: JobQueue
    gate: Gate
    budget: MemoryBudget
    rates: RerunRates
    clock: Clock = field(default_factory=Clock)

    @classmethod
    def create(
        cls,
        session_alive: SessionAlive | None = None,
        clock: Clock | None = None,
        max_running: int | None = None,
        budget: MemoryBudget | None = None,
        close_session: Callable[[str], None] | None = None,
    ) -> "Server":
        """A server whose jobs and kept memory end with their sessions (`session_alive`: is that session's browser
        connected? None, or a None answer, where the runtime cannot tell, as under AppTest; `close_session` ends a
        session gone for good in the runtime)."""
        clock = clock or Clock()
        if budget is None:
            budget = MemoryBudget(
                clock=clock, grace=GONE_GRACE_SECONDS, session_alive=session_alive, close_session=close_session
            )
        queue = JobQueue(max_running, budget=budget, clock=clock, session_alive=session_alive)
        gate = Gate(training=lambda: queue.counts()[0] > 0, clock=clock)
        return cls(queue=queue, gate=gate, budget=budget, rates=RerunRates(clock), clock=clock)
