"""Small Streamlit helpers every page uses: translation, the sidebar, figures."""
import streamlit as st

from core.strings import LANGUAGES, translate


def lang() -> str:
    return st.session_state.get("lang", "en")


def t(text: str, **values) -> str:
    """The UI text in the session's language, with {placeholders} filled in."""
    translated = translate(text, lang())
    return translated.format(**values) if values else translated


def plot(fig, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def _parse(raw: str, default):
    """A URL value in the type of the default; raises ValueError when it does not fit."""
    if isinstance(default, bool):
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(raw)
        return raw.lower() in ("true", "1")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def _valid(value, options=None, low=None, high=None) -> bool:
    if options is not None:
        return value in list(options)
    if value != value:  # NaN
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def url_widget(widget, label: str, key: str, default, *, options=None, min_value=None, max_value=None, **kwargs):
    """A widget that starts from ?key= in the URL (when valid) and writes its value back, so a link reproduces it."""
    if key not in st.session_state:
        value = default
        raw = st.query_params.get(key)
        if raw is not None:
            try:
                candidate = _parse(raw, default)
                if not _valid(candidate, options, min_value, max_value):
                    raise ValueError(raw)
                value = candidate
            except ValueError:
                st.warning(t("The link's {key}={value} is not a valid setting here, so the default {default} is used.",
                             key=key, value=raw[:40], default=default))
        st.session_state[key] = value
    if options is not None:
        kwargs["options"] = options
    if min_value is not None:
        kwargs.update(min_value=min_value, max_value=max_value)
    value = widget(label, key=key, persist_state="session", **kwargs)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return value
