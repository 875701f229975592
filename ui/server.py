"""The process's one Server (core.serving.server), made once by server() (st.cache_resource; app.py calls it first),
and the Streamlit-side machinery it needs: the bounded upload store and widget values, the pacing of reruns, and
the fair gate's short_work for the pages."""

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.runtime import Runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState
from streamlit.runtime.state.session_state import SessionState

from core.errors import QuietRepeats, UserError
from core.serving.compute import MAX_RERUN_WAIT, RerunRates, Turn
from core.serving.deployment import local_mode
from core.serving.memory import (
    MAX_WIDGET_VALUE_BYTES,
    WIDGETS_COUNTED_FROM,
    MemoryBudget,
    MemoryFull,
    release_freed_memory,
    uploads_to_drop,
    widget_value_bytes,
)
from core.serving.server import Server
from ui.common import session_id
from ui.state import LIVE_VIEWS, PACED


def serving() -> bool:
    """Whether a Streamlit server runs this script, with browsers behind its sessions. AppTest installs a stand-in
    Runtime (a mock: Runtime.exists() holds there too) and no browser sends anything, so nothing is paced or bounded
    there: the pacing made every AppTest rerun after the fourth in a session wait ~0.5 s, most of the suite's time."""
    return Runtime.exists() and type(Runtime.instance()) is Runtime


def session_alive(session: str) -> bool | None:
    """Whether that session's browser is still connected; None where no server runs (AppTest)."""
    return Runtime.instance().is_active_session(session) if Runtime.exists() else None


def close_session(session: str) -> None:
    """End a session whose tab is gone (core.serving.memory: after its grace), so Streamlit frees its state now,
    not 120 s later at the next connection. Streamlit's own thread-safe way to end a stored session (its logout's):
    a browser that comes back later gets a new session."""
    if not Runtime.exists() or Runtime.instance().is_active_session(session):
        return
    end = getattr(Runtime.instance(), "clear_user_info_for_session", None)  # Streamlit ≥ 1.67; else its TTL frees it
    if end is not None:
        end(session)


@st.cache_resource(show_spinner=False)
def server() -> Server:
    """The process's Server, made at the first script run (Streamlit has no start-up hook). Under a running Streamlit
    server it also bounds the upload store and the widget values a browser may send, and starts releasing what
    closed sessions kept; not under AppTest, where no browser can send anything."""
    made = Server.create(session_alive=session_alive, close_session=close_session)
    _quiet_repeated_errors()
    if serving():
        _bound_session_memory(made.budget)
    return made


def _bound_session_memory(budget: MemoryBudget) -> None:
    store = Runtime.instance().uploaded_file_mgr
    if type(store) is MemoryUploadedFileManager:
        store.__class__ = BoundedUploads  # the server's upload route holds this object: its class is what we can set
        store.budget = budget

    SessionState.set_widgets_from_proto = paced_and_bounded(budget)
    budget.start_sweeping()


def paced_and_bounded(budget: MemoryBudget) -> Callable[[SessionState, WidgetStates], None]:
    """What Streamlit calls with a rerun's widget values, in the script's thread, before the page's code and its
    callbacks: every rerun that carries browser input passes here, full or fragment (the drawing pad's messages,
    a tab or chart click inside a fragment, the XOR step view). A fragment rerun first waits for its share of the
    session's rate; a newer message arriving meanwhile replaces this run as soon as it returns."""

    def set_widgets(state: SessionState, widget_states: WidgetStates) -> None:
        pace_this_fragment()
        bounded_widget_states(state, widget_states, budget)

    return set_widgets


@contextmanager
def short_work(owner: str, cost: float) -> Iterator[Turn]:
    """The fair gate's turn for `cost` estimated CPU seconds of a visitor's work (core.serving.compute.Gate): the
    pages' one way to compute while a visitor waits (XOR training, the Lesson's programs), the rerun that asks for
    it paced already (pace_this_rerun, pace_this_fragment)."""
    with server().gate.short_work(owner, cost) as turn:
        yield turn


def pace_this_rerun() -> None:
    """Called first in every full rerun: wait (no CPU) while this session, or this address's new sessions, rerun
    faster than a person would. A newer message from the page interrupts the wait and the newer run waits instead,
    so the latest request is the one that computes. Not under AppTest (no browser) nor for a local user."""
    if not serving():
        return
    server().budget.watch(session_id())  # closed once its tab is gone, whatever it kept
    if local_mode():
        return
    first = PACED.get() is None
    _wait_while(lambda rates: rates.rerun_delay(session_id(), first, _address()))
    PACED.set(True)


def pace_this_fragment() -> None:
    """Called as a rerun's widget values arrive (paced_and_bounded): a fragment rerun takes from the same per-session
    bucket as full reruns, spending its share (core.serving.compute.FRAGMENT_RERUN_TOKENS). Full reruns are paced in
    app.py already, so only fragment reruns wait here."""
    if not serving() or local_mode() or not _fragment_rerun():
        return
    if _live_view_rerun():
        _wait_while(lambda rates: rates.live_view_delay(session_id()))
    else:
        _wait_while(lambda rates: rates.fragment_delay(session_id()))


# A page has at most three fragments that register (the pad, a job's panel, XOR's watch); ids of pages left behind
# are dropped oldest first.
MAX_LIVE_VIEWS = 3


def live_view(playing: bool) -> None:
    """Called inside a fragment that reruns often while in use (XOR's Watch it learn, a running job's panel, the
    drawing pad while drawn on): while `playing`, its reruns are paced by the live-view rate
    (core.serving.compute.LIVE_VIEW_FRAMES_PER_SECOND), not the clicks' rate; otherwise by the clicks' rate again.
    Only the fragments this session registered: an id the page never registered gets the clicks' rate. A fragment
    registers only while each of its reruns is cheap; one whose next rerun may be costly (the pad with "Inside the
    CNN" open) leaves the fast lane first.

    Why the clicks' rate must not pay for ticks: a paced rerun waits at its start, and a timer's rerun that arrives
    meanwhile interrupts it, so the click it carried (a trigger, true for one run only) was lost: Stop, pressed on a
    panel ticking every second, was sometimes not pressed at all. And at the clicks' rate the pad's prediction
    followed a stroke 365 ms late instead of 72 ms."""
    fragment_id = ThreadState.get().fragment_id  # the fragment running now (Streamlit's own record)
    if not fragment_id:
        return
    others = tuple(f for f in LIVE_VIEWS.get() if f != fragment_id)
    LIVE_VIEWS.set((others[-(MAX_LIVE_VIEWS - 1) :] + (fragment_id,)) if playing else others)


def _live_view_rerun() -> bool:
    ctx = get_script_run_ctx()
    ids = list(ctx.fragment_ids_this_run or ()) if ctx is not None else []
    return len(ids) == 1 and ids[0] in LIVE_VIEWS.get()


def _wait_while(delay: Callable[[RerunRates], float]) -> None:
    """Sleep (no CPU) while `delay` says to wait, at most MAX_RERUN_WAIT: then the run computes anyway."""
    made = server()
    give_up = made.clock() + MAX_RERUN_WAIT
    while (wait := delay(made.rates)) > 0 and made.clock() < give_up:
        made.clock.sleep(min(wait, 0.25))


def _fragment_rerun() -> bool:
    ctx = get_script_run_ctx()
    return ctx is not None and bool(ctx.fragment_ids_this_run)


def _address() -> str | None:
    try:
        return st.context.ip_address
    except Exception:  # no request behind the session
        return None


class BoundedUploads(MemoryUploadedFileManager):
    """Streamlit's in-memory upload store, bounded per session (memory.uploads_to_drop: the oldest files go)
    and counted in the one memory budget (`budget`, set when installed), where another session's need may drop a
    session's files.

    Streamlit accepts any file PUT to /_stcore/upload_file/<session>/<id> from a connected session, referred to by
    an uploader or not, and keeps it until the session is shut down (120 s after its tab closed, and only when the
    session store is next looked at): one session PUT 140 × 16 MB in 8 s (+2.2 GB)."""

    budget: MemoryBudget

    def add_file(self, session_id, file) -> None:
        super().add_file(session_id, file)
        with self._lock:
            files = [(fid, len(rec.data)) for fid, rec in self.file_storage.get(session_id, {}).items()]
        for file_id in uploads_to_drop(files):
            super().remove_file(session_id, file_id)
        self._count(session_id, file.file_id)

    def remove_file(self, session_id, file_id) -> None:
        super().remove_file(session_id, file_id)
        self._count(session_id)

    def remove_session_files(self, session_id) -> None:
        super().remove_session_files(session_id)
        self.budget.forget(f"{session_id}:uploads")
        release_freed_memory()  # 16 MB files live in malloc's heap (our mmap threshold is 32 MB: core.serving.memory)

    def _count(self, session_id: str, newest: str | None = None) -> None:
        """Each file twice: an uploader that holds it keeps a copy in the session's state too (Streamlit's UploadedFile
        is a BytesIO of the stored bytes, kept deserialized). Dropping the files frees the store's part at once, the
        copy at the session's next rerun or its end."""
        with self._lock:
            nbytes = 2 * sum(len(rec.data) for rec in self.file_storage.get(session_id, {}).values())
        try:
            self.budget.keep(f"{session_id}:uploads", session_id, nbytes, "uploads", lambda: self.drop(session_id))
        except MemoryFull:  # the rest is this session's own: its newest file is refused
            if newest is not None:
                self.remove_file(session_id, newest)

    def drop(self, session_id: str) -> None:
        """The budget let this session's files go (for another session, or because the session ended)."""
        MemoryUploadedFileManager.remove_session_files(self, session_id)


_streamlit_set_widgets = SessionState.set_widgets_from_proto
# Streamlit logs each uncaught error of a script run, with its traceback, under this logger.
UNCAUGHT_ERRORS = logging.getLogger("streamlit.error_util")
REFUSED_VALUES = logging.getLogger("nn_playground.widget_values")


def _quiet_repeated_errors() -> None:
    """One line per session and minute for uncaught errors and refused widget values, not a traceback per rerun."""
    for logger in (UNCAUGHT_ERRORS, REFUSED_VALUES):
        if not any(isinstance(f, QuietRepeats) for f in logger.filters):
            logger.addFilter(QuietRepeats(session_id))


def bounded_widget_states(state: SessionState, widget_states: WidgetStates, budget: MemoryBudget) -> None:
    """Widget values from the browser, before Streamlit parses or keeps any: one larger than the page ever sends,
    or a JSON value that is not JSON, is refused quietly (the widget keeps its value), and what the rest keep once
    parsed counts in the budget."""
    session = session_id()
    widgets = [w for w in widget_states.widgets if w.ByteSize() <= MAX_WIDGET_VALUE_BYTES and _parses(w)]
    if len(widgets) < len(widget_states.widgets):
        _log_refused(len(widget_states.widgets) - len(widgets))
    held = {w.id: widget_value_bytes(w.WhichOneof("value"), w.ByteSize()) for w in widgets}
    if sum(held.values()) >= WIDGETS_COUNTED_FROM:
        key = f"{session}:widgets"
        try:
            budget.keep(key, session, sum(held.values()), "widgets", lambda: _forget_widgets(state, list(held)))
            budget.pin(key)  # a page's own values: counted, never dropped for others while the session lives
        except MemoryFull:
            _log_refused(len(widgets))
            widgets = [w for w in widgets if held[w.id] < WIDGETS_COUNTED_FROM]
    if len(widgets) < len(widget_states.widgets):
        widget_states = WidgetStates(widgets=widgets)
    _streamlit_set_widgets(state, widget_states)


def _parses(widget) -> bool:
    """A JSON value (the pad's strokes) that is not JSON would fail Streamlit's own json.loads on every later run of
    the session, before the page's code could refuse it; checked here on text already bounded in size."""
    kind = widget.WhichOneof("value")
    if kind not in ("json_value", "json_trigger_value"):
        return True
    try:
        json.loads(getattr(widget, kind))
    except ValueError:
        return False
    return True


def _log_refused(count: int) -> None:
    try:
        raise UserError("Refused {count} widget values larger than the page sends", count=count)
    except UserError:
        REFUSED_VALUES.warning("widget values refused", exc_info=True)  # one line per session and minute


def _forget_widgets(state: SessionState, widget_ids: list[str]) -> None:
    """A session ended: the large values it sent go now, not when Streamlit drops the session (120 s later)."""
    for widget_id in widget_ids:
        state._new_widget_state.states.pop(widget_id, None)
        state._old_state.pop(widget_id, None)
