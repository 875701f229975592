"""The training queue and the short-work gate hold against a hostile visitor: one job per session, abandoned jobs
dropped, small jobs not stuck behind big ones, finished results and memory bounded, short work rationed."""

import subprocess
import sys
import threading
import time

import pytest
import torch

from core.cnn import cost
from core.errors import UserError
from core.serving import compute, jobs
from core.serving.clock import Clock
from core.serving.jobs import Job, JobQueue, JobState
from core.serving.memory import MemoryBudget
from tests.conftest import ROOT

BIG = 1e9  # an estimated cost far above the express lane's
SMALL = 10.0


def fake_training(batches: int = 20, seconds_per_batch: float = 0.01, log: list | None = None, name: str = ""):
    """A training generator as core.cnn.train yields them: a record a batch, checking should_stop each batch."""

    def run(should_stop):
        if log is not None:
            log.append(("start", name))
        for batch in range(1, batches + 1):
            time.sleep(seconds_per_batch)
            if should_stop():
                yield {"kind": "done", "batch": batch, "stopped": True}
                return
            yield {"kind": "log", "batch": batch}
        if log is not None:
            log.append(("end", name))
        yield {"kind": "done", "batch": batches, "stopped": False}

    return run


def wait_until(condition, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while not condition() and time.time() < deadline:
        time.sleep(0.01)
    assert condition()


def finished(*all_jobs: Job) -> bool:
    return all(not job.active for job in all_jobs)


@pytest.fixture
def queue():
    return JobQueue(max_running=1)


def test_job_states_are_an_enum_that_still_compares_as_text():
    assert JobState.DONE == "done" and JobState("stopped") is JobState.STOPPED
    assert f"{JobState.RUNNING}" == "running" and str(JobState.QUEUED) == "queued"
    assert {state.value for state in JobState} == {"queued", "running", "done", "stopped", "failed", "diverged"}


def test_one_waiting_or_running_job_per_session(queue):
    first = queue.submit(Job(fake_training(30), owner="alice", cost=BIG))
    with pytest.raises(jobs.AlreadyTraining) as refused:
        queue.submit(Job(fake_training(), owner="alice", cost=SMALL))
    assert isinstance(refused.value, UserError)
    other = queue.submit(Job(fake_training(), owner="bob", cost=SMALL))
    wait_until(lambda: finished(first, other))
    again = queue.submit(Job(fake_training(), owner="alice", cost=SMALL))
    wait_until(lambda: finished(again))
    assert first.status == other.status == again.status == JobState.DONE


def test_jobs_of_a_closed_session_are_dropped_but_not_those_of_an_open_one():
    clock, connected = FakeClock(), {"open-tab"}
    queue = JobQueue(max_running=1, clock=clock, session_alive=lambda session: session in connected)
    running = queue.submit(Job(fake_training(2000), owner="closed-tab", cost=BIG))
    waiting = queue.submit(Job(fake_training(5), owner="closed-tab-2", cost=BIG))
    kept = queue.submit(Job(fake_training(5), owner="open-tab", cost=BIG))
    wait_until(lambda: running.records)
    clock.work(jobs.ABANDON_AFTER_SECONDS)  # nobody polled any of them since
    wait_until(lambda: finished(running, waiting, kept))
    assert running.status == waiting.status == JobState.STOPPED
    assert running.records[-1]["stopped"] and not waiting.records
    assert "closed" in str(running.stop_reason)
    assert kept.status == JobState.DONE, "nobody polled it, but its session is connected (on another page)"


def test_a_reload_that_comes_back_through_the_link_keeps_the_job():
    clock = FakeClock()
    queue = JobQueue(max_running=1, clock=clock, session_alive=lambda session: session == "after-reload")
    job = queue.submit(Job(fake_training(60, 0.02), owner="before-reload", cost=BIG))
    job.touch("after-reload")
    clock.work(jobs.ABANDON_AFTER_SECONDS)
    wait_until(lambda: finished(job))
    assert job.status == JobState.DONE


def test_without_a_server_to_ask_no_job_counts_as_abandoned():
    clock = FakeClock()
    queue = JobQueue(max_running=1, clock=clock, session_alive=lambda session: None)
    job = queue.submit(Job(fake_training(20), owner="apptest", cost=BIG))
    clock.work(jobs.ABANDON_AFTER_SECONDS)
    wait_until(lambda: finished(job))
    assert job.status == JobState.DONE


def test_a_small_job_overtakes_running_and_waiting_big_ones(queue):
    log = []
    running = queue.submit(Job(fake_training(200, log=log, name="big-1"), owner="a", cost=BIG))
    wait_until(lambda: log)
    waiting = [queue.submit(Job(fake_training(20, log=log, name=f"big-{i}"), owner=f"b{i}", cost=BIG)) for i in (2, 3)]
    small = queue.submit(Job(fake_training(5, log=log, name="small"), owner="visitor", cost=SMALL))
    # first in line, unless it already started: the running job pauses at its next batch, 10 ms on, and a loaded
    # machine can take longer than that to come back here (seen in a full run); the log below shows the order anyway
    assert queue.position(small) == 1 or ("start", "small") in log
    wait_until(lambda: finished(small))
    assert running.active and running.paused is False, "the big job resumes once the small one is through"
    wait_until(lambda: finished(running, *waiting))
    assert log.index(("end", "small")) < log.index(("end", "big-1"))
    assert [entry for entry in log if entry[0] == "start"][:2] == [("start", "big-1"), ("start", "small")]
    assert all(job.status == JobState.DONE for job in (running, small, *waiting))


def test_at_most_max_running_big_jobs_have_started_and_not_ended(queue):
    log = []
    bigs = [queue.submit(Job(fake_training(30, log=log, name=f"big-{i}"), owner=f"b{i}", cost=BIG)) for i in range(4)]
    smalls = []
    for i in range(6):
        time.sleep(0.05)
        smalls.append(queue.submit(Job(fake_training(3, log=log, name=f"small-{i}"), owner=f"s{i}", cost=SMALL)))
    wait_until(lambda: finished(*bigs, *smalls))
    started_big = 0
    for event, name in log:
        if name.startswith("big"):
            started_big += 1 if event == "start" else -1
            assert started_big <= 1, "a second big job started while another held its optimizer state"


def test_big_jobs_wait_in_order_of_estimated_cost(queue):
    log = []
    first = queue.submit(Job(fake_training(20, log=log, name="first"), owner="a", cost=BIG))
    larger = queue.submit(Job(fake_training(2, log=log, name="larger"), owner="b", cost=BIG * 3))
    smaller = queue.submit(Job(fake_training(2, log=log, name="smaller"), owner="c", cost=BIG * 2))
    assert queue.position(smaller) == 1 and queue.position(larger) == 2
    wait_until(lambda: finished(first, larger, smaller))
    starts = [name for event, name in log if event == "start"]
    assert starts == ["first", "smaller", "larger"]


def test_stop_takes_effect_at_the_next_batch_even_while_paused(queue):
    job = queue.submit(Job(fake_training(10_000), owner="a", cost=BIG))
    wait_until(lambda: len(job.records) > 3)
    job.stop()
    wait_until(lambda: finished(job), seconds=5)
    assert job.status == JobState.STOPPED and len(job.records) < 100
    paused = queue.submit(Job(fake_training(10_000), owner="b", cost=BIG))
    wait_until(lambda: paused.records)
    express = queue.submit(Job(fake_training(10_000), owner="c", cost=SMALL))
    wait_until(lambda: paused.paused)
    paused.stop()
    wait_until(lambda: finished(paused), seconds=5)
    express.stop()
    wait_until(lambda: finished(express), seconds=5)
    assert paused.status == express.status == JobState.STOPPED


def test_a_public_run_is_capped_in_images_and_time(queue, monkeypatch):
    monkeypatch.delenv("NN_PLAYGROUND_LOCAL", raising=False)
    lesson = {"conv1_channels": 32, "conv2_channels": 64, "hidden_size": 128, "batch_size": 64}
    assert cost.job_cost_problem({**lesson, "epochs": 10, "train_subset": 60_000}) is None
    problem = cost.job_cost_problem({**lesson, "epochs": 30, "train_subset": 60_000})
    assert isinstance(problem, UserError) and "600,000" in str(problem) and "1,800,000" in str(problem)
    monkeypatch.setattr(jobs, "MAX_RUN_SECONDS", 0.3)
    job = queue.submit(Job(fake_training(100_000), owner="a", cost=BIG))
    wait_until(lambda: finished(job))
    assert job.status == JobState.STOPPED and "longest a run may train" in str(job.stop_reason)
    monkeypatch.setenv("NN_PLAYGROUND_LOCAL", "1")
    assert cost.job_cost_problem({**lesson, "epochs": 30, "train_subset": 60_000}) is None
    local = queue.submit(Job(fake_training(60, 0.01), owner="b", cost=BIG))
    wait_until(lambda: finished(local))
    assert local.status == JobState.DONE


def test_quick_train_goes_express_and_the_largest_model_does_not():
    quick = {"epochs": 1, "train_subset": 10_000}
    largest = {
        "conv1_channels": 64,
        "conv2_channels": 128,
        "hidden_size": 512,
        "batch_size": 16,
        "epochs": 1,
        "train_subset": 10_000,
    }
    assert Job(fake_training(), cost=cost.estimate_cost(quick)).express
    assert not Job(fake_training(), cost=cost.estimate_cost(largest)).express
    assert cost.estimate_cost({**largest, "batch_size": 64}) < cost.estimate_cost(largest)


def test_finished_jobs_are_bounded_by_count_and_by_the_memory_budget(monkeypatch):
    budget = MemoryBudget(limit=10 * 2**20)
    queue = JobQueue(max_running=1, budget=budget)
    done = []
    for i in range(8):
        done.append(queue.submit(Job(fake_training(1, 0), owner=f"s{i}", cost=SMALL, nbytes=3 * 2**20)))
        wait_until(lambda: finished(done[-1]) and queue.get(done[-1].id) is not None)
    kept = [job for job in done if queue.get(job.id)]
    assert kept == done[-3:], "the newest results that fit in the 10 MB budget are kept, other sessions' oldest go"
    assert budget.used == sum(job.kept_bytes for job in kept)
    assert budget.dropped("s0") == ["job"]  # its owner is told
    monkeypatch.setattr(jobs, "MAX_FINISHED", 2)
    last = queue.submit(Job(fake_training(1, 0), owner="t", cost=SMALL))
    wait_until(lambda: finished(last) and queue.get(last.id) is not None)
    # Admission forgets beyond the count. The new job runs until stopped: had it finished before the check, it would
    # have been kept in done[-1]'s place (seen once, in a fresh-clone CI run on 3 xdist workers).
    running = queue.submit(Job(fake_training(10_000), owner="u", cost=SMALL))
    assert [job for job in [*done, last] if queue.get(job.id)] == [done[-1], last]
    running.stop()


def test_a_full_queue_refuses_with_a_message(queue, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_WAITING", 2)
    running = queue.submit(Job(fake_training(10_000), owner="r", cost=BIG))
    waiting = [queue.submit(Job(fake_training(1), owner=f"w{i}", cost=BIG)) for i in range(2)]
    with pytest.raises(jobs.QueueFull, match="2 training runs are already waiting"):
        queue.submit(Job(fake_training(1), owner="late", cost=BIG))
    running.stop()
    wait_until(lambda: finished(running, *waiting))


MEMORY_SCRIPT = """
import sys, time
from core.serving.process import configure_process
configure_process()  # as app.py does, before torch loads
from core import cnn
from core.cnn.cost import weights_only
from core.serving import jobs
def rss_mb():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
from core.serving.memory import MemoryBudget
queue = jobs.JobQueue(max_running=1, budget=MemoryBudget(limit=20 * 2**20))  # room for one finished largest model
largest = dict(conv1_channels=64, conv2_channels=128, hidden_size=512)
for run in range(8):
    model = cnn.build_model(run, **largest)
    nbytes = sum(p.numel() * p.element_size() for p in model.parameters())
    job = queue.submit(jobs.Job(lambda stop, model=model: cnn.train(model, sys.argv[1], epochs=1, batch_size=16,
                                                                    train_subset=400, should_stop=stop, seed=run),
                                owner=f"s{run}", cost=1e9, nbytes=nbytes, on_finish=weights_only({"model": model})))
    while job.active:
        time.sleep(0.05)
    time.sleep(0.2)
    print("run", job.status, sum(p.grad is not None for p in model.parameters()), rss_mb())
"""


def test_memory_goes_back_after_real_runs(post_data_folder):
    """Eight runs of the largest model in a fresh process: none keeps gradients, and memory stays near where the first
    run left it. Measured: glibc's arenas make it wander by up to 60 MB from run to run; without malloc_trim it grew
    30–80 MB, without the byte bound 18 MB a run (126 MB over these runs). On the post's small folder: each run's
    test pass over the sample's 2,000 images was most of this test's 15 s."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(post_data_folder / "data")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    runs = [line.split()[1:] for line in out.splitlines() if line.startswith("run")]
    assert [(status, grads) for status, grads, _ in runs] == [("done", "0")] * 8
    after = [float(rss) for _, _, rss in runs]
    assert max(after[1:]) - after[0] < 100, f"memory after each run, MB: {after}"


def make_gate(clock: "FakeClock", training: bool = False) -> compute.Gate:
    """The fair gate on fake time: waiting and pausing move the clock on, nothing sleeps."""
    return compute.Gate(training=lambda: training, clock=clock)


def test_short_work_is_one_at_a_time_per_visitor():
    gate = make_gate(FakeClock())
    with gate.short_work("alice", 1.0):
        with pytest.raises(compute.ServerBusy, match="still being computed"):
            with gate.short_work("alice", 0.1):
                pass
        with pytest.raises(compute.ServerBusy, match="busy with other visitors"):  # one piece at a time in all
            with gate.short_work("bob", 0.1):
                pass


def test_a_visitors_short_work_fills_at_most_half_the_time():
    clock = FakeClock()
    gate = make_gate(clock)
    with gate.short_work("alice", 0.2):
        clock.work(0.2)
    started = clock()
    with gate.short_work("bob", 0.1):
        bob_waited = clock() - started
    with gate.short_work("alice", 0.2):
        alice_waited = clock() - started
    assert bob_waited == 0.0, "another visitor is not held back by alice's share"
    assert alice_waited >= 0.2 * (1 / compute.OWNER_SHARE - 1)


def test_short_work_takes_a_small_share_while_training():
    clock = FakeClock()
    gate = make_gate(clock, training=True)
    with gate.short_work("alice", 0.1):
        clock.work(0.1)
    started = clock()
    with gate.short_work("bob", 0.1):
        waited = clock() - started
    assert waited >= 0.1 * (1 / compute.SHARE_WHILE_TRAINING - 1)


def test_paced_short_work_keeps_its_share_at_every_moment_while_training():
    clock = FakeClock()
    gate = make_gate(clock, training=True)
    gaps, last = [], None
    started = clock()
    with gate.short_work("alice", 0.2) as turn:
        for _ in turn.paced(range(5)):
            if last is not None:
                gaps.append(clock() - last)
            clock.work(0.02)
            last = clock()
    took = clock() - started
    share = compute.SHARE_WHILE_TRAINING
    assert turn.paused and took >= 0.1 / share * 0.999, "0.1 s of work fills at most its share of the time"
    assert min(gaps) >= 0.02 * (1 / share - 1) * 0.999, "it pauses after every piece, not once at the end"
    assert turn.total == pytest.approx(0.1), "the pauses are not charged as work"
    assert gate.global_ready <= clock(), "paid-for work does not hold the others back again"


def test_paced_short_work_runs_at_full_speed_when_nothing_trains():
    clock = FakeClock()
    gate = make_gate(clock)
    started = clock()
    with gate.short_work("alice", 0.2) as turn:
        for _ in turn.paced(range(5)):
            clock.work(0.02)
    assert not turn.paused and clock() - started == pytest.approx(0.1)


def test_short_work_refuses_instead_of_queueing_long():
    clock = FakeClock()
    gate = make_gate(clock, training=True)
    with gate.short_work("alice", 1.0):
        clock.work(1.0)  # the others' turn comes 5.7 s later: beyond MAX_WAIT_SECONDS
    asked = clock()
    with pytest.raises(compute.ServerBusy, match="try again in") as busy:
        with gate.short_work("bob", 0.1):
            pass
    assert clock() - asked == pytest.approx(compute.MAX_WAIT_SECONDS, abs=0.3), "refused only after the full wait"
    assert isinstance(busy.value, UserError) and busy.value.values["seconds"] >= 1
    with pytest.raises(compute.ServerBusy, match="more work than one click"):
        with gate.short_work("carol", float("nan")):
            pass
    assert not gate.active and not gate.busy


def test_an_error_inside_short_work_frees_the_gate():
    gate = make_gate(FakeClock())
    with pytest.raises(ZeroDivisionError):
        with gate.short_work("alice", 0.1):
            _ = 1 / 0
    assert not gate.busy and "alice" not in gate.active


def test_a_newcomers_first_small_job_goes_next_whatever_others_queued(queue, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_WAITING", 32)
    log = []
    release = threading.Event()

    def blocker(should_stop):
        log.append(("start", "blocker"))
        release.wait(30)
        yield {"kind": "done", "batch": 1, "stopped": False}

    first = queue.submit(Job(blocker, owner="runner", cost=SMALL))
    wait_until(lambda: log)
    for i in range(32):  # 32 sessions that have had turns before (e.g. LR-finder runs) fill the small-job lane
        queue._charge(f"s{i}", 5.0)
    queued = [queue.submit(Job(fake_training(2, log=log, name=f"s{i}"), owner=f"s{i}", cost=SMALL)) for i in range(32)]
    with pytest.raises(jobs.QueueFull):  # a session that has had its turn is told the server is busy
        queue._charge("s-again", 1.0)
        queue.submit(Job(fake_training(2), owner="s-again", cost=SMALL))
    newcomer = queue.submit(Job(fake_training(2, log=log, name="newcomer"), owner="newcomer", cost=SMALL))
    assert queue.position(newcomer) == 1
    release.set()
    wait_until(lambda: finished(first, newcomer, *queued))
    starts = [name for kind, name in log if kind == "start"]
    assert starts[:2] == ["blocker", "newcomer"]


def test_the_small_job_lane_takes_the_least_served_session_first(queue):
    release = threading.Event()
    queue.submit(Job(lambda stop: (release.wait(30), (yield {"kind": "done", "stopped": False})), owner="r", cost=1))
    queue._charge("heavy", 60.0)
    queue._charge("light", 2.0)
    heavy = queue.submit(Job(fake_training(1), owner="heavy", cost=SMALL))
    light = queue.submit(Job(fake_training(1), owner="light", cost=SMALL))
    assert queue.position(light) == 1 and queue.position(heavy) == 2
    release.set()
    wait_until(lambda: finished(heavy, light))


class FakeClock(Clock):
    """Server time that passes only when a fake job says it worked, or when the server sleeps or waits."""

    def __init__(self):
        self.now = 1000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def work(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.work(seconds)

    def wait(self, cond: threading.Condition, seconds: float) -> None:
        self.work(seconds)


def clocked_training(clock: FakeClock, batches: int, seconds_per_batch: float, starts: dict, name: str):
    """A job whose every batch takes `seconds_per_batch` of fake trainer time; records its fake start time."""

    def run(should_stop):
        starts[name] = clock()
        for batch in range(1, batches + 1):
            time.sleep(0.0005)  # lets the other threads see the line between batches
            clock.work(seconds_per_batch)
            if should_stop():
                yield {"kind": "done", "batch": batch, "stopped": True}
                return
            yield {"kind": "log", "batch": batch}
        yield {"kind": "done", "batch": batches, "stopped": False}

    return run


@pytest.mark.parametrize("ahead", ["small", "big"])
def test_a_newcomers_first_small_job_starts_within_15_s_of_trainer_time_whatever_is_queued(ahead):
    """32 sessions that had turns queue 15-s small jobs (the longest a small job is: an LR finder on the largest
    model, a 3-epoch Quick train) or 600-s big ones; a newcomer's first job starts at the running job's next batch."""
    clock, starts = FakeClock(), {}
    queue = JobQueue(max_running=1, budget=MemoryBudget(), clock=clock)
    cost = SMALL if ahead == "small" else BIG
    seconds = 15.0 if ahead == "small" else 600.0
    for i in range(33):
        queue._charge(f"s{i}", 30.0)  # each had a turn before
    first = queue.submit(Job(clocked_training(clock, 100, seconds / 100, starts, "s0"), owner="s0", cost=cost))
    wait_until(lambda: first.records and clock() > 1000.0 + seconds / 3)  # a third of the way through
    others = [
        queue.submit(Job(clocked_training(clock, 100, seconds / 100, starts, f"s{i}"), owner=f"s{i}", cost=cost))
        for i in range(1, 33)
    ]
    newcomer = queue.submit(Job(clocked_training(clock, 3, 1.0, starts, "new"), owner="new", cost=SMALL))
    asked = clock()  # read after the submit: a batch that ran between a read before it and the submit is not its wait
    wait_until(lambda: "new" in starts)
    assert starts["new"] - asked <= 15.0
    assert starts["new"] - asked <= seconds / 100 + 1e-9  # in fact at the running job's next batch
    for job in [first, *others, newcomer]:
        job.stop()
    wait_until(lambda: finished(first, newcomer, *others))


def test_a_closed_tabs_lr_finder_run_is_stopped_within_seconds(queue, monkeypatch):
    monkeypatch.setattr("core.serving.job.UNLINKED_ABANDON_SECONDS", 0.2)
    finder = Job(fake_training(100_000, 0.001), owner="finder-tab", cost=SMALL, linked=False)
    assert finder.abandon_after == 0.2  # no link leads back to it: a reload cannot find it
    training = Job(fake_training(100_000, 0.001), owner="train-tab", cost=BIG)
    queue.session_alive = {"finder-tab": True, "train-tab": True}.get
    queue.submit(finder)
    wait_until(lambda: finder.records)
    queue.session_alive = {"finder-tab": False, "train-tab": False}.get  # both tabs close
    wait_until(lambda: not finder.active, seconds=5)
    assert finder.status == JobState.STOPPED and "closed" in str(finder.stop_reason)
    assert training.abandon_after == jobs.ABANDON_AFTER_SECONDS  # a run its ?run= link can find keeps 25 s


def test_the_cnn_page_line_says_how_many_runs_wait(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui.server import server

    monkeypatch.setattr(server().queue, "counts", lambda: (1, 7))  # the page's server is the process's one

    def page():
        from ui import background

        background.queue_line()

    at = AppTest.from_function(page).run()
    assert [c.value for c in at.caption] == ["Server: 1 runs training, 7 waiting for a trainer."]


def test_an_lr_finders_cost_follows_its_model_size():
    from core.cnn import lr_finder

    lesson = lr_finder.job_cost({}, 100, 64)
    assert lesson == pytest.approx(6400)
    largest = dict(conv1_channels=64, conv2_channels=128, hidden_size=512)
    assert lr_finder.job_cost(largest, 100, 64) == pytest.approx(6400 * 2.39, rel=0.02)


def test_a_runs_cost_is_counted_from_the_layers_of_the_model_it_builds(monkeypatch):
    """core.cnn.cost walks the Conv2d and Linear modules of the CNN its settings build: the lesson's model is its
    conv 28×28×32×9 + 14×14×64×32×9, fc 3136×128 + 128×10 multiply-adds, and a wider layer in the model costs more
    without anything restated in cost.py."""
    assert cost.LESSON_MACS == 28 * 28 * 32 * 9 + 14 * 14 * 64 * 32 * 9 + 64 * 7 * 7 * 128 + 128 * 10
    largest = dict(conv1_channels=64, conv2_channels=128, hidden_size=512)
    assert cost.macs_per_image(largest) / cost.LESSON_MACS == pytest.approx(4.27, abs=0.01)

    class Wider(cost.CNN):
        def __init__(self, conv1_channels=32, conv2_channels=64, hidden_size=128):
            super().__init__(conv1_channels, conv2_channels, hidden_size)
            self.fc2 = torch.nn.Linear(hidden_size, 1000)  # a made-up change to the architecture

    monkeypatch.setattr(cost, "CNN", Wider)
    cost._macs_of.cache_clear()  # counted once per settings: forget the real model's counts
    wider = cost.macs_per_image({"conv1_channels": 16})
    monkeypatch.undo()
    cost._macs_of.cache_clear()
    assert wider - cost.macs_per_image({"conv1_channels": 16}) == 128 * (1000 - 10)


def test_the_finish_hook_sets_what_a_job_keeps_and_a_failing_one_frees_the_slot_anyway(queue):
    kept = queue.submit(Job(fake_training(2, 0), owner="a", cost=SMALL, on_finish=lambda: 5 * 2**20))
    wait_until(lambda: finished(kept))
    assert kept.nbytes == 5 * 2**20 and queue.budget.owned("a") == kept.kept_bytes

    def broken() -> int:
        raise RuntimeError("hook failed")

    first = queue.submit(Job(fake_training(2, 0), owner="b", cost=SMALL, on_finish=broken))
    after = queue.submit(Job(fake_training(2, 0), owner="c", cost=SMALL))
    wait_until(lambda: finished(first, after))
    assert first.status == after.status == JobState.DONE
