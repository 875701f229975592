"""The sidebar every page shares: language and the device training runs on."""

import streamlit as st

from core.device import DeviceDescription
from core.strings import LANGUAGES
from ui.common import t, url_widget


@st.cache_resource
def training_device() -> DeviceDescription:
    """Which torch device training uses; the same for every visitor, so computed once."""
    from core.device import best_device, configure_torch, describe_device

    configure_torch()
    return describe_device(best_device())


def device_text(device: DeviceDescription) -> str:
    return t(device.template, **dict(device.values))


def sidebar() -> None:
    with st.sidebar:
        url_widget(st.selectbox, "Language / 语言", "lang", "en", options=list(LANGUAGES), format_func=LANGUAGES.get)
        st.caption(t("Training runs on: **{device}**", device=device_text(training_device())))
