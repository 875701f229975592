"""A rate per session for reruns that compute: a burst goes through, then at most RERUNS_PER_SECOND."""

from core.serving import compute
from core.serving.compute import TokenBucket


class Clock:
    def __init__(self):
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def reruns_that_compute(bucket: TokenBucket, clock: Clock, key: str, per_second: float, seconds: float) -> int:
    """A page sending `per_second` messages: each rerun computes when it gets a token, else waits (and the next
    message replaces it, the latest one winning)."""
    computed, end = 0, clock.now + seconds
    while clock.now < end:
        computed += bucket.take(key) == 0.0
        clock.now += 1 / per_second
    return computed


def test_a_burst_then_the_steady_rate():
    clock = Clock()
    bucket = TokenBucket(burst=4, rate=2.0, clock=clock)
    assert [bucket.take("a") for _ in range(4)] == [0.0] * 4
    assert bucket.take("a") == 0.5  # the fifth waits half a second
    clock.now += 0.5
    assert bucket.take("a") == 0.0


def test_hammering_computes_at_the_rate_and_a_person_is_not_slowed():
    clock = Clock()
    bucket = TokenBucket(burst=4, rate=2.0, clock=clock)
    computed = reruns_that_compute(bucket, clock, "attacker", per_second=14.5, seconds=60)
    assert computed <= 4 + 2 * 60 + 1  # instead of 870
    assert reruns_that_compute(bucket, clock, "person", per_second=1.0, seconds=60) == 60


def test_sessions_have_their_own_buckets():
    clock = Clock()
    bucket = TokenBucket(burst=1, rate=1.0, clock=clock)
    assert bucket.take("a") == 0.0 and bucket.take("a") > 0
    assert bucket.take("b") == 0.0


def test_refilled_buckets_are_forgotten_when_many_are_remembered():
    clock = Clock()
    bucket = TokenBucket(burst=2, rate=1.0, clock=clock, remember=10)
    for i in range(10):
        bucket.take(f"s{i}")
    clock.now += 5  # all refilled
    bucket.take("new")
    assert len(bucket._tokens) == 1


def test_a_reload_storm_from_one_address_is_paced_but_others_are_not():
    clock = Clock()
    rates = compute.RerunRates(clock)
    waits = [rates.rerun_delay(f"storm{i}", first_run=True, address="10.0.0.9") for i in range(58)]
    assert waits.count(0.0) == compute.NEW_SESSION_BURST  # the burst, then each new session waits
    assert rates.rerun_delay("newcomer", first_run=True, address="10.0.0.7") == 0.0
    assert rates.rerun_delay("storm0", first_run=False) == 0.0  # its own page's reruns have their own bucket
