"""The sidebar every page shares: device in use and language."""
import streamlit as st

from core.strings import LANGUAGES
from ui.common import t


@st.cache_resource
def _device_name() -> str:
    """Which torch device training uses; the same for every visitor, so computed once."""
    from core.device import best_device, configure_torch, describe_device

    configure_torch()
    return describe_device(best_device())


def sidebar() -> None:
    with st.sidebar:
        st.selectbox("Language / 语言", list(LANGUAGES), format_func=LANGUAGES.get, key="lang", bind="query-params")
        st.caption(t("Training runs on: **{device}**", device=_device_name()))
