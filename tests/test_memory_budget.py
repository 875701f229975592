"""One memory budget for what every session keeps: accounting, eviction of other sessions' least recently used
things first, the owner told, refusal only when the rest cannot go, and release when a session ends."""

import pytest

from core.serving.memory import MemoryBudget, MemoryFull

MB = 2**20


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0  # every use is later than the last
        return self.now


def budget(limit_mb: int = 100) -> tuple[MemoryBudget, list[str]]:
    dropped: list[str] = []
    return MemoryBudget(limit=limit_mb * MB, clock=Clock()), dropped


def keep(b: MemoryBudget, dropped: list, key: str, owner: str, mb: int) -> None:
    b.keep(key, owner, mb * MB, key.split(":")[-1], lambda: dropped.append(key))


def test_accounting_adds_replaces_and_forgets():
    b, dropped = budget()
    keep(b, dropped, "a:1", "a", 10)
    keep(b, dropped, "a:2", "a", 20)
    keep(b, dropped, "a:2", "a", 5)  # kept again under the same key: counted once
    assert b.used == 15 * MB
    b.forget("a:1")
    assert b.used == 5 * MB and not dropped


def test_other_sessions_least_recently_used_go_first_and_their_owner_is_told():
    b, dropped = budget(100)
    keep(b, dropped, "x:1", "x", 30)
    keep(b, dropped, "y:1", "y", 30)
    keep(b, dropped, "x:2", "x", 30)
    b.touch("x:1")  # x's first run was looked at again: y's is now the least recently used
    keep(b, dropped, "new:1", "new", 30)
    assert dropped == ["y:1"] and b.used == 90 * MB
    assert b.dropped("y") == ["1"] and b.dropped("y") == []  # told once
    assert b.dropped("x") == []


def test_pinned_models_and_the_askers_own_are_never_dropped_for_it():
    b, dropped = budget(100)
    keep(b, dropped, "x:1", "x", 40)
    b.pin("x:1")
    keep(b, dropped, "me:1", "me", 40)
    with pytest.raises(MemoryFull):
        keep(b, dropped, "me:2", "me", 40)
    assert not dropped and b.used == 80 * MB


def test_a_session_that_ends_releases_everything_it_kept():
    b, dropped = budget(100)
    keep(b, dropped, "gone:1", "gone", 30)
    keep(b, dropped, "gone:2", "gone", 30)
    keep(b, dropped, "stays:1", "stays", 30)
    alive = {"gone": False, "stays": True}
    b.session_alive = alive.get
    keep(b, dropped, "new:1", "new", 10)  # admission first releases the closed session's things
    assert sorted(dropped) == ["gone:1", "gone:2"] and b.used == 40 * MB
    assert b.dropped("gone") == []  # nobody left to tell


def test_forty_sessions_of_largest_models_stay_within_the_budget():
    b, dropped = budget(600)
    for session in range(40):
        for run in range(5):  # each keeps its five-run history of 13 MB models
            keep(b, dropped, f"s{session}:{run}", f"s{session}", 13)
        b.pin(f"s{session}:4")
        assert b.used <= 600 * MB
    assert len(dropped) == 40 * 5 - 600 // 13  # only as many as needed went, oldest first
    assert dropped[0] == "s0:0"
