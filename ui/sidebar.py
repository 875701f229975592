"""The sidebar every page shares: device in use and language."""
import streamlit as st

from core.strings import LANGUAGES
from ui.common import t, url_widget


@st.cache_resource
def device_name() -> str:
    """Which torch device training uses; the same for every visitor, so computed once."""
    from core.device import best_device, configure_torch, describe_device

    configure_torch()
    return describe_device(best_device())


def sidebar() -> None:
    with st.sidebar:
        url_widget(st.selectbox, "Language / 语言", "lang", "en", options=list(LANGUAGES), format_func=LANGUAGES.get)
        st.caption(t("Training runs on: **{device}**", device=device_name()))
