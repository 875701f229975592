"""The sidebar every page shares: language and the device training runs on."""

import streamlit as st

from core.i18n.strings import LANGUAGES
from core.serving.device import DeviceDescription
from ui.common import lang, t, url_widget


@st.cache_resource
def training_device() -> DeviceDescription:
    """Which torch device training uses; the same for every visitor, so computed once."""
    from core.serving.device import best_device, configure_torch, describe_device

    configure_torch()
    return describe_device(best_device())


# Streamlit draws its file uploaders' button and size line in English whatever the page's language; in 中文 our own
# constant CSS (never a visitor's value) hides those two texts and shows them translated in their place.
UPLOADER_ZH = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "上传"; font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "每个文件不超过 {limit}MB"; font-size: 0.875rem;
}
</style>"""


def device_text(device: DeviceDescription) -> str:
    return t(device.template, **dict(device.values))


def sidebar() -> None:
    with st.sidebar:
        url_widget(st.selectbox, "Language / 语言", "lang", "en", options=list(LANGUAGES), format_func=LANGUAGES.get)
        st.caption(t("Training runs on: **{device}**", device=device_text(training_device())))
    if lang() == "zh":
        st.html(UPLOADER_ZH.replace("{limit}", str(int(st.get_option("server.maxUploadSize")))))
