"""What sessions keep outside the run history is bounded and counted in the one memory budget: Streamlit's upload
store (per session, the oldest files dropped), widget values from the browser (refused before they are parsed
when larger than the page sends), and what a session kept is released a short grace after it ends."""

import time

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.runtime.state.session_state import SessionState
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

import ui.server
from core.serving.memory import MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, MemoryBudget, uploads_to_drop
from ui.server import BoundedUploads, bounded_widget_states

MB = 2**20


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def budget():
    return MemoryBudget(limit=100 * MB)


def bounded_store(budget: MemoryBudget) -> BoundedUploads:
    """The upload store as ui.server installs it: Streamlit's, bounded and counted in the server's budget."""
    store = BoundedUploads("/_stcore/upload_file")
    store.budget = budget
    return store


def put(store: BoundedUploads, session: str, name: str, mb: float) -> None:
    store.add_file(
        session, UploadedFileRec(file_id=name, name=name, type="application/octet-stream", data=bytes(int(mb * MB)))
    )


def test_the_oldest_uploads_go_first_and_the_newest_always_stays():
    assert uploads_to_drop([("a", 10 * MB), ("b", 10 * MB)]) == []
    assert uploads_to_drop([(str(i), MB) for i in range(6)]) == ["0", "1"]
    assert uploads_to_drop([("a", 16 * MB), ("b", 16 * MB), ("c", 16 * MB)]) == ["a"]
    assert uploads_to_drop([("big", 40 * MB)]) == []  # the newest alone is at most maxUploadSize


def test_a_flood_of_puts_keeps_a_few_files_per_session_and_counts_them(budget):
    store = bounded_store(budget)
    for i in range(140):  # the attack: 16 MB files no uploader refers to
        put(store, "flooder", f"f{i}", 16)
    kept = store.file_storage["flooder"]
    assert list(kept) == ["f138", "f139"] and len(kept) <= MAX_UPLOAD_FILES
    assert store._total_bytes == 32 * MB <= MAX_UPLOAD_BYTES and budget.used == 2 * 32 * MB  # store and copy
    store.remove_file("flooder", "f138")
    assert budget.used == 2 * 16 * MB
    store.remove_session_files("flooder")  # Streamlit's session shutdown
    assert budget.used == 0 and store._total_bytes == 0


def test_another_sessions_need_drops_the_least_recently_used_uploads(budget):
    store = bounded_store(budget)
    budget.limit = 40 * MB
    put(store, "early", "model.pt", 13)
    put(store, "early", "photo.png", 16)
    put(store, "later", "photo.png", 16)
    assert "early" not in store.file_storage and budget.used == 2 * 16 * MB
    assert budget.dropped("early") == ["uploads"]


def test_an_ended_sessions_uploads_go_after_the_grace(budget):
    store = bounded_store(budget)
    clock = Clock()
    budget.clock, budget.grace = clock, 20.0
    put(store, "closed", "a", 8)
    alive = {"closed": False}
    budget.session_alive = alive.get
    assert budget.release_gone_sessions() == 0  # just gone: a reconnect may still come
    clock.now = 10.0
    assert budget.release_gone_sessions() == 0
    clock.now = 21.0
    assert budget.release_gone_sessions() == 2 * 8 * MB and "closed" not in store.file_storage


def test_the_sweeper_releases_a_closed_session_without_anyone_asking_for_memory():
    budget = MemoryBudget(limit=100 * MB, grace=0.0)
    dropped = []
    budget.keep("tab:1", "tab", 10 * MB, "1", lambda: dropped.append("tab:1"))
    budget.session_alive = {"tab": False}.get
    budget.start_sweeping(every=0.01)
    deadline = time.time() + 5
    while not dropped and time.time() < deadline:
        time.sleep(0.01)
    assert dropped == ["tab:1"] and budget.used == 0


def test_a_tab_gone_past_the_grace_is_closed_whatever_it_kept():
    """Streamlit frees a closed tab's session (state, uploads, widget values) only 120 s later, when someone else
    connects: the budget closes it once it is gone past the grace, a session that kept nothing budgeted included."""
    clock, closed = Clock(), []
    alive = {"kept-nothing": False, "still-here": True, "had-a-run": False}
    budget = MemoryBudget(limit=100 * MB, clock=clock, grace=20.0, session_alive=alive.get, close_session=closed.append)
    for session in alive:
        budget.watch(session)
    budget.keep("had-a-run:1", "had-a-run", 10 * MB, "run 1", lambda: None)
    assert budget.release_gone_sessions() == 0 and closed == [], "just gone: a reconnect may still come"
    clock.now = 21.0
    assert budget.release_gone_sessions() == 10 * MB
    assert sorted(closed) == ["had-a-run", "kept-nothing"], "the connected one stays"
    clock.now = 60.0
    budget.release_gone_sessions()
    assert len(closed) == 2, "each closed once"


def test_without_a_runtime_nothing_is_watched_or_closed():
    budget = MemoryBudget(limit=100 * MB, grace=0.0, session_alive={"tab": False}.get)
    budget.watch("tab")
    assert budget.release_gone_sessions() == 0


def widget(widget_id: str, json_text: str) -> WidgetState:
    return WidgetState(id=widget_id, json_value=json_text)


def test_a_widget_value_larger_than_the_page_sends_is_refused_before_it_is_parsed(budget):
    state = SessionState()
    attack = "[" + ",".join(["[]"] * 620_000) + "]"  # 1.86 MB: 47-49 MB of lists once parsed
    assert len(attack) > 1.8e6
    strokes = "[[[10.5,20.5],[30.5,40.5]]]"
    bounded_widget_states(state, WidgetStates(widgets=[widget("pad", attack), widget("other", strokes)]), budget)
    assert "pad" not in state._new_widget_state.states
    assert state._new_widget_state.states["other"].value.json_value == strokes


def test_a_json_value_that_is_not_json_is_refused_and_the_session_goes_on(budget):
    state = SessionState()
    strokes = "[[[10.5,20.5],[30.5,40.5]]]"
    bounded_widget_states(state, WidgetStates(widgets=[widget("pad", "[[[1,2],"), widget("other", strokes)]), budget)
    assert "pad" not in state._new_widget_state.states
    assert state._new_widget_state.states["other"].value.json_value == strokes
    bounded_widget_states(
        state, WidgetStates(widgets=[widget("pad", strokes)]), budget
    )  # the next honest value is read
    assert state._new_widget_state.states["pad"].value.json_value == strokes


def test_widget_values_count_in_the_budget_and_go_with_their_session(budget, monkeypatch):
    monkeypatch.setattr(ui.server, "session_id", lambda: "drawer")
    state = SessionState()
    value = "[" + ",".join(["[1.5,2.5]"] * 20_000) + "]"  # 200 kB: the largest kind the door lets through
    bounded_widget_states(state, WidgetStates(widgets=[widget("pad", value)]), budget)
    assert budget.owned("drawer") >= 25 * len(value)  # parsed JSON keeps about 25× its text
    state._old_state["pad"] = "parsed"
    assert budget.release_owner("drawer") > 0
    assert "pad" not in state._new_widget_state.states and "pad" not in state._old_state
