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
