"""Small Streamlit helpers every page uses: translation, plain-text messages, settings widgets, figures."""

import json
import logging
import numbers
import re
import time

import streamlit as st
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.runtime import Runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.state.session_state import SessionState

from core.errors import QuietRepeats, UserError
from core.i18n.strings import translate
from core.serving.compute import MAX_RERUN_WAIT, rerun_delay
from core.serving.deployment import local_mode
from core.serving.memory import (
    BUDGET,
    MAX_WIDGET_VALUE_BYTES,
    WIDGETS_COUNTED_FROM,
    MemoryFull,
    release_freed_memory,
    uploads_to_drop,
    widget_value_bytes,
)
from core.settings import Setting

# Markdown, LaTeX ($), Streamlit's :colour[...] and :icon: directives, HTML, entities (&) and GFM's bare-URL and
# e-mail autolinks (://, www., @) all need ASCII punctuation; CommonMark shows any of it escaped by a backslash as the
# character itself, so every ASCII punctuation character is escaped.
_MARKUP = re.compile(r"([!-/:-@\[-`{-~])")
# CommonMark ends a line at LF, CR or CRLF: a new line could start a heading, a list or a block quote.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Streamlit's frontend links bare URLs (https://…, www.…, name@host) even when their punctuation is escaped; an
# invisible WORD JOINER after each ':' and '@' and after 'www' breaks every such pattern (checked in Chromium).
_AUTOLINK = re.compile(r"(\\[:@]|www(?=\\\.))", re.IGNORECASE)
WORD_JOINER = "\u2060"


def session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


# Streamlit logs each uncaught error of a script run, with its traceback, under this logger.
UNCAUGHT_ERRORS = logging.getLogger("streamlit.error_util")
if not any(isinstance(f, QuietRepeats) for f in UNCAUGHT_ERRORS.filters):
    UNCAUGHT_ERRORS.addFilter(QuietRepeats(session_id))


def pace_this_rerun() -> None:
    """Called first in every full rerun: wait (no CPU) while this session, or this address's new sessions, rerun
    faster than a person would. A newer message from the page interrupts the wait and the newer run waits instead,
    so the latest request is the one that computes. Not under AppTest (no server) nor for a local user."""
    if not Runtime.exists() or local_mode():
        return
    first = "_paced" not in st.session_state
    give_up = time.monotonic() + MAX_RERUN_WAIT
    while (wait := rerun_delay(session_id(), first, _address())) > 0 and time.monotonic() < give_up:
        time.sleep(min(wait, 0.25))
    st.session_state["_paced"] = True


class BoundedUploads(MemoryUploadedFileManager):
    """Streamlit's in-memory upload store, bounded per session (memory.uploads_to_drop: the oldest files go)
    and counted in the one memory budget, where another session's need may drop a session's files.

    Streamlit accepts any file PUT to /_stcore/upload_file/<session>/<id> from a connected session, referred to by
    an uploader or not, and keeps it until the session is shut down (120 s after its tab closed, and only when the
    session store is next looked at): one session PUT 140 × 16 MB in 8 s (+2.2 GB)."""

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
        BUDGET.forget(f"{session_id}:uploads")
        release_freed_memory()  # 16 MB files live in malloc's heap (our mmap threshold is 32 MB: core.serving.memory)

    def _count(self, session_id: str, newest: str | None = None) -> None:
        with self._lock:
            nbytes = sum(len(rec.data) for rec in self.file_storage.get(session_id, {}).values())
        try:
            BUDGET.keep(f"{session_id}:uploads", session_id, nbytes, "uploads", lambda: self.drop(session_id))
        except MemoryFull:  # the rest is this session's own: its newest file is refused
            if newest is not None:
                self.remove_file(session_id, newest)

    def drop(self, session_id: str) -> None:
        """The budget let this session's files go (for another session, or because the session ended)."""
        MemoryUploadedFileManager.remove_session_files(self, session_id)


def bound_session_memory() -> None:
    """Once per process, at the first script run (Streamlit has no start-up hook): bound the upload store and the
    widget values a browser may send, and start releasing what closed sessions kept. Not under AppTest."""
    if not Runtime.exists():
        return
    store = Runtime.instance().uploaded_file_mgr
    if type(store) is MemoryUploadedFileManager:
        store.__class__ = BoundedUploads  # the server's upload route holds this object: its class is what we can set
    if SessionState.set_widgets_from_proto is not _bounded_widget_states:
        SessionState.set_widgets_from_proto = _bounded_widget_states
    if BUDGET.session_alive is None:
        BUDGET.session_alive = Runtime.instance().is_active_session
    BUDGET.start_sweeping()


_streamlit_set_widgets = SessionState.set_widgets_from_proto
REFUSED_VALUES = logging.getLogger("nn_playground.widget_values")
if not any(isinstance(f, QuietRepeats) for f in REFUSED_VALUES.filters):
    REFUSED_VALUES.addFilter(QuietRepeats(session_id))


def _bounded_widget_states(state: SessionState, widget_states: WidgetStates) -> None:
    """Widget values from the browser, before Streamlit parses or keeps any: one larger than the page ever sends,
    or a JSON value that is not JSON, is refused quietly (the widget keeps its value), and what the rest keep once
    parsed counts in the budget."""
    session = session_id()
    widgets = [w for w in widget_states.widgets if w.ByteSize() <= MAX_WIDGET_VALUE_BYTES and _parses(w)]
    if len(widgets) < len(widget_states.widgets):
        _log_refused(len(widget_states.widgets) - len(widgets))
    held = {w.id: widget_value_bytes(w.WhichOneof("value"), w.ByteSize()) for w in widgets}
    if sum(held.values()) >= WIDGETS_COUNTED_FROM and Runtime.exists():
        key = f"{session}:widgets"
        try:
            BUDGET.keep(key, session, sum(held.values()), "widgets", lambda: _forget_widgets(state, list(held)))
            BUDGET.pin(key)  # a page's own values: counted, never dropped for others while the session lives
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


def _address() -> str | None:
    try:
        return st.context.ip_address
    except Exception:  # no request behind the session
        return None


def lang() -> str:
    return st.session_state.get("lang", "en")


def plain(value) -> str:
    """A visitor's value (link value, file name, path) escaped so markdown shows it as text, never as markup."""
    escaped = _MARKUP.sub(r"\\\1", str(value))
    return _LINE_BREAK.sub(" ", _AUTOLINK.sub(r"\1" + WORD_JOINER, escaped))


def t(text: str, **values) -> str:
    """The UI text in the session's language, with {placeholders} filled in."""
    translated = translate(text, lang())
    return translated.format(**values) if values else translated


def error_text(error: Exception) -> str:
    """An error for markdown messages (st.error, st.warning): translated if a UserError, its values as plain text."""
    if isinstance(error, UserError):
        values = {k: v if isinstance(v, numbers.Number) else plain(v) for k, v in error.values.items()}
        return t(error.template, **values)
    return plain(str(error) or type(error).__name__)


def lazy_section(label: str, key: str):
    """An expander whose content runs only while it is open: closed views cost nothing to compute or draw."""
    return st.expander(label, key=key, on_change="rerun")


def plot(fig, key: str | None = None, **kwargs):
    # No mode bar: on phones it sat over the chart titles and hid what they said.
    return st.plotly_chart(
        fig, width="stretch", key=key, config={"displaylogo": False, "displayModeBar": False}, **kwargs
    )


def setting_widget(widget, setting: Setting, **kwargs):
    """A widget for a declared setting: starts from ?key= in the URL (when valid) and writes its value back."""
    key, default = setting.key, setting.default
    if key not in st.session_state:
        value = default
        raw = st.query_params.get(key)
        if raw is not None:
            try:
                value = setting.parse(raw)
            except ValueError:
                st.warning(
                    t(
                        "The link's {key}={value} is not a valid setting here, so the default {default} is used.",
                        key=key,
                        value=plain(raw[:40]),
                        default=default,
                    )
                )
        st.session_state[key] = value
    if setting.options is not None:
        kwargs["options"] = list(setting.options)
    elif setting.low is not None:
        kwargs.update(min_value=setting.low, max_value=setting.high)
    if setting.help is not None:
        kwargs["help"] = t(setting.help)
    value = widget(t(setting.label), key=key, persist_state="session", **kwargs)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return value


def url_widget(widget, label: str, key: str, default, *, options=None, min_value=None, max_value=None, **kwargs):
    """A widget whose setting is declared inline (prefer a core Setting record and setting_widget)."""
    setting = Setting(key, label, default, tuple(options) if options is not None else None, min_value, max_value)
    return setting_widget(widget, setting, **kwargs)
