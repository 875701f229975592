"""The server's machinery is one object made on purpose (core.serving.server.Server), never by an import: its queue,
fair gate, memory budget and rerun rates run on one injectable clock, so these tests run them on fake time."""

import os
import subprocess
import sys
import threading
import time

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.runtime import Runtime
from streamlit.runtime.state.session_state import SessionState
from streamlit.testing.v1 import AppTest

import ui.server
from core.serving import compute, jobs
from core.serving.jobs import Job, JobState
from core.serving.memory import GONE_GRACE_SECONDS
from core.serving.server import Server
from tests.conftest import ROOT
from tests.test_jobs import BIG, SMALL, FakeClock, clocked_training, fake_training, finished, wait_until

IMPORTS_CHANGE_NOTHING = """
import os, threading, ctypes
before = dict(os.environ)
import core, core.serving.jobs, core.serving.compute, core.serving.memory, core.serving.server, core.cnn.cost, ui.server
assert dict(os.environ) == before, "an import set environment variables"
assert threading.active_count() == 1, "an import started a thread"
from core.serving import memory
assert not memory._malloc_tuned, "an import tuned malloc"
from core.serving.process import configure_process
configure_process()
print(os.environ.get("GOMP_SPINCOUNT"), memory._malloc_tuned)
"""


def test_importing_the_server_machinery_changes_nothing_until_the_process_is_configured():
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    out = subprocess.run(
        [sys.executable, "-c", IMPORTS_CHANGE_NOTHING], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2000", "True"]


@pytest.mark.parametrize("ahead", ["small", "big"])
def test_a_newcomers_first_small_job_starts_within_15_s_whatever_is_queued(ahead):
    """Through the Server: 32 sessions that had turns queue 15-s small jobs or 600-s big ones behind a running one;
    a newcomer's first Quick train starts within 15 s of fake trainer time (in fact at the running job's next batch)."""
    clock, starts = FakeClock(), {}
    server = Server.create(clock=clock, max_running=1)
    queue = server.queue
    cost, seconds = (SMALL, 15.0) if ahead == "small" else (BIG, 600.0)
    for i in range(33):
        queue._charge(f"s{i}", 30.0)
    first = queue.submit(Job(clocked_training(clock, 100, seconds / 100, starts, "s0"), owner="s0", cost=cost))
    wait_until(lambda: first.records)
    others = [
        queue.submit(Job(clocked_training(clock, 100, seconds / 100, starts, f"s{i}"), owner=f"s{i}", cost=cost))
        for i in range(1, 33)
    ]
    newcomer = queue.submit(Job(clocked_training(clock, 3, 1.0, starts, "new"), owner="new", cost=SMALL))
    asked = clock()
    wait_until(lambda: "new" in starts)
    assert starts["new"] - asked <= 15.0
    for job in [first, *others, newcomer]:
        job.stop()
    wait_until(lambda: finished(first, newcomer, *others))


def test_a_closed_tabs_jobs_are_dropped_and_what_it_kept_released():
    clock, alive = FakeClock(), {"closed": True, "open": True}
    server = Server.create(session_alive=alive.get, clock=clock, max_running=1)
    running = server.queue.submit(Job(fake_training(100_000, 0.001), owner="closed", cost=BIG))
    waiting = server.queue.submit(Job(fake_training(5), owner="open", cost=BIG))
    server.budget.keep("closed:history", "closed", 2**20, "1", lambda: None)
    wait_until(lambda: running.records)
    alive["closed"] = False  # the tab closes; no page polls its job again
    clock.work(jobs.ABANDON_AFTER_SECONDS)
    wait_until(lambda: finished(running, waiting))
    assert running.status == JobState.STOPPED and "closed" in str(running.stop_reason)
    assert waiting.status == JobState.DONE
    assert server.budget.release_gone_sessions() == 0  # gone only just now: a reconnect may still come
    clock.work(GONE_GRACE_SECONDS)
    assert server.budget.release_gone_sessions() >= 2**20  # its history, and its stopped run's records
    assert server.budget.owned("closed") == 0 and server.queue.get(running.id) is None
    assert server.queue.get(waiting.id) is waiting


def test_the_gate_knows_when_its_queue_trains():
    server = Server.create(clock=FakeClock(), max_running=1)
    release = threading.Event()

    def blocker(should_stop):
        release.wait(30)
        yield {"kind": "done", "stopped": False}

    assert not server.gate.training()
    job = server.queue.submit(Job(blocker, owner="a", cost=BIG))
    wait_until(lambda: job.status == JobState.RUNNING)
    assert server.gate.training()
    release.set()
    wait_until(lambda: finished(job))
    assert not server.gate.training()


def test_the_ui_makes_one_server_per_process():
    assert ui.server.server() is ui.server.server()


def fragment_reruns_that_compute(rates: compute.RerunRates, session: str, per_second: float, seconds: float) -> int:
    clock, computed = rates.reruns.clock, 0
    end = clock() + seconds
    while clock() < end:
        computed += rates.fragment_delay(session) == 0.0
        clock.work(1 / per_second)
    return computed


def test_the_pads_messages_compute_at_the_sessions_rate_and_a_flood_gets_no_more():
    rates = compute.RerunRates(FakeClock())
    burst, rate = compute.RERUN_BURST, compute.RERUNS_PER_SECOND / compute.FRAGMENT_RERUN_TOKENS
    drawing = fragment_reruns_that_compute(rates, "drawer", per_second=10, seconds=5)  # the pad, drawn on nonstop
    assert burst + rate * 5 - 1 <= drawing <= burst + rate * 5 + 1
    flood = fragment_reruns_that_compute(rates, "flooder", per_second=100, seconds=10)  # a raw websocket client
    assert flood <= burst + rate * 10 + 1  # 24, not 1,000
    assert fragment_reruns_that_compute(rates, "person", per_second=1.5, seconds=60) == 90  # a stroke every 0.7 s


def test_full_and_fragment_reruns_share_one_bucket():
    rates = compute.RerunRates(FakeClock())
    for _ in range(compute.RERUN_BURST):
        assert rates.rerun_delay("s", first_run=False) == 0.0
    assert rates.fragment_delay("s") > 0.0


@pytest.fixture
def fragment_run(monkeypatch):
    """A fragment rerun of session "s" under a running Streamlit server, on a Server with a fake clock."""
    fake = Server.create(clock=FakeClock())
    monkeypatch.delenv("NN_PLAYGROUND_LOCAL", raising=False)
    monkeypatch.setattr(ui.server, "serving", lambda: True)
    monkeypatch.setattr(ui.server, "server", lambda: fake)
    monkeypatch.setattr(ui.server, "session_id", lambda: "s")
    monkeypatch.setattr(ui.server, "_fragment_rerun", lambda: True)
    return fake


def test_the_pads_fragment_reruns_wait_once_the_sessions_rate_is_spent(fragment_run):
    clock = fragment_run.clock
    started = clock()
    for _ in range(int(compute.RERUN_BURST / compute.FRAGMENT_RERUN_TOKENS)):
        ui.server.pace_this_fragment()
    assert clock() == started, "the burst goes at once"
    ui.server.pace_this_fragment()
    assert clock() - started >= compute.FRAGMENT_RERUN_TOKENS / compute.RERUNS_PER_SECOND * 0.999


def test_every_fragment_rerun_with_browser_input_is_paced_where_its_values_arrive(fragment_run):
    """The pad's messages, a tab or chart click in a fragment, the XOR step view: all pass Streamlit's widget-state
    door, where the server paces them (after the session's full reruns spent its tokens, the next waits)."""
    clock = fragment_run.clock
    for _ in range(compute.RERUN_BURST):
        assert fragment_run.rates.rerun_delay("s", first_run=False) == 0.0  # full reruns spent the session's tokens
    state, started = SessionState(), clock()
    strokes = WidgetState(id="pad", json_value="[[[10,20],[30,40]]]")
    ui.server.paced_and_bounded(fragment_run.budget)(state, WidgetStates(widgets=[strokes]))
    assert clock() - started >= compute.FRAGMENT_RERUN_TOKENS / compute.RERUNS_PER_SECOND * 0.999
    assert state._new_widget_state.states["pad"].value.json_value == strokes.json_value


def test_xor_work_goes_through_the_servers_one_gate(fragment_run):
    clock = fragment_run.clock
    with ui.server.short_work("s", 0.1) as turn:
        assert "s" in fragment_run.gate.active  # the one gate of the server: the other sessions see this work
        clock.work(0.1)
    assert turn.total == pytest.approx(0.1)
    assert fragment_run.gate.owner_ready["s"] > clock()  # her share holds her next click for a moment


def test_outside_a_fragment_a_full_rerun_is_not_charged_twice(fragment_run, monkeypatch):
    monkeypatch.setattr(ui.server, "_fragment_rerun", lambda: False)
    started = fragment_run.clock()
    for _ in range(20):
        ui.server.pace_this_fragment()
    assert fragment_run.clock() == started
    assert time.monotonic() > 0  # the real clock was never slept on


def frames_in(fragment_run, seconds: float) -> int:
    """How many of a live view's timer reruns computed in `seconds` when each is sent 0.01 s after the last one
    computed (a client as fast as it can): each waits as long as its pacing says, then computes."""
    clock, frames = fragment_run.clock, 0
    end = clock() + seconds
    while clock() < end:
        ui.server.pace_this_fragment()
        frames += 1
        clock.work(0.01)
    return frames


def test_a_playing_live_view_redraws_at_its_own_rate_and_only_its_registered_fragment(fragment_run, monkeypatch):
    monkeypatch.setattr(ui.server, "_live_view_rerun", lambda: True)  # the fragment the playing view registered
    live = frames_in(fragment_run, 10)
    assert live >= 5 * 10, "Watch it learn shows at least 5 frames a second"
    assert live <= compute.LIVE_VIEW_BURST + compute.LIVE_VIEW_FRAMES_PER_SECOND * 10 + 1, "and no more than its rate"
    monkeypatch.setattr(ui.server, "_live_view_rerun", lambda: False)  # any other fragment id: the clicks' rate
    assert frames_in(fragment_run, 10) <= compute.RERUN_BURST + compute.RERUNS_PER_SECOND * 10 + 1


def test_only_the_fragments_a_session_registered_count_as_live(monkeypatch):
    state = {}

    class Registered:
        get = staticmethod(lambda: state.get("ids", ()))

    monkeypatch.setattr(ui.server, "LIVE_VIEWS", Registered)
    monkeypatch.setattr(ui.server, "get_script_run_ctx", lambda: ctx)

    class Ctx:
        fragment_ids_this_run = ["watch"]

    ctx = Ctx()
    assert not ui.server._live_view_rerun(), "nothing registered: a paused or absent view is not live"
    state["ids"] = ("pad", "watch")
    assert ui.server._live_view_rerun()
    ctx.fragment_ids_this_run = ["inside-the-cnn"]
    assert not ui.server._live_view_rerun(), "another fragment's id gets the clicks' rate"
    ctx.fragment_ids_this_run = ["watch", "inside-the-cnn"]
    assert not ui.server._live_view_rerun(), "bundled with another fragment: not the live view alone"


def test_fragments_register_and_leave_the_live_lane_each_on_its_own(monkeypatch):
    """The pad and a running job's panel share the Draw page: the panel's run ending must not take the pad out of
    the live lane, and ids of fragments left behind do not pile up."""
    state = {}

    class Slot:
        get = staticmethod(lambda: state.get("ids", ()))
        set = staticmethod(lambda ids: state.__setitem__("ids", ids))

    running = {}

    class Thread:
        get = staticmethod(lambda: type("State", (), {"fragment_id": running["id"]}))

    monkeypatch.setattr(ui.server, "LIVE_VIEWS", Slot)
    monkeypatch.setattr(ui.server, "ThreadState", Thread)

    def run(fragment_id, playing):
        running["id"] = fragment_id
        ui.server.live_view(playing)

    run("pad", True)
    run("job-panel", True)
    run("job-panel", False)
    assert state["ids"] == ("pad",)
    run("pad", False)
    assert state["ids"] == ()
    for n in range(10):
        run(f"fragment-{n}", True)
    assert len(state["ids"]) == ui.server.MAX_LIVE_VIEWS and state["ids"][-1] == "fragment-9"
    run(None, True)  # outside any fragment: nothing to register
    assert state["ids"][-1] == "fragment-9"


def test_a_gone_session_is_ended_in_streamlit_and_a_connected_one_never(monkeypatch):
    ended = []

    class Instance:
        is_active_session = staticmethod(lambda session: session == "connected")
        clear_user_info_for_session = staticmethod(ended.append)

    class FakeRuntime:
        exists = staticmethod(lambda: True)
        instance = staticmethod(lambda: Instance)

    monkeypatch.setattr(ui.server, "Runtime", FakeRuntime)
    ui.server.close_session("gone")
    ui.server.close_session("connected")
    assert ended == ["gone"]
    monkeypatch.delattr(Instance, "clear_user_info_for_session")
    ui.server.close_session("gone")  # a Streamlit without it: its own TTL frees the session later
    assert ended == ["gone"]


def test_only_a_real_streamlit_server_paces_and_bounds(monkeypatch):
    """AppTest's stand-in Runtime is no server: its reruns are the test's, not a visitor's (ui.server.serving)."""
    at = AppTest.from_string("import streamlit as st\nfrom ui.server import serving\nst.write(f'serving={serving()}')")
    at.run()
    assert [m.value for m in at.markdown] == ["serving=False"]
    assert not ui.server.serving()  # no runtime at all
    monkeypatch.setattr(Runtime, "_instance", object.__new__(Runtime))  # what `streamlit run` makes
    assert ui.server.serving()
