"""Small Streamlit helpers every page uses: translation, plain-text messages, settings widgets, figures."""

import numbers
import re
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.errors import UserError
from core.i18n.strings import translate
from core.settings import Setting
from ui.state import LANG

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


def lang() -> str:
    return LANG.get()


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


def lazy_view(label: str, key: str, show: Callable[[], None]) -> None:
    """A lazy_section drawing show() while it is open."""
    section = lazy_section(label, key)
    if section.open:
        with section:
            show()


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


def kept_figure(slot, key: tuple, build):
    """The figure `build()` makes, kept in `slot` while `key` (what it is drawn from, and the language) holds: another
    widget's rerun of the page reuses it instead of building it again (a network diagram ~20-100 ms)."""
    from core.xor.session import BuiltFigure

    kept = slot.get()
    if kept is None or kept.key != key:
        kept = BuiltFigure(key, build())
        slot.set(kept)
    return kept.figure
