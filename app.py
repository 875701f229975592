"""NN Playground: train neural networks in the browser and watch them learn."""

import core  # noqa: F401  (sets thread policy before torch loads)

# isort: split
import streamlit as st

from ui.common import t
from ui.sidebar import sidebar

st.set_page_config(page_title="NN Playground", page_icon="🧠", layout="wide")

sidebar()
pages = [
    st.Page("views/home.py", title=t("Home"), icon="🏠", default=True),
    st.Page("views/xor.py", title=t("XOR playground"), icon="✖️", url_path="xor"),
    st.Page("views/cnn.py", title=t("Train a CNN on MNIST"), icon="🧮", url_path="cnn"),
    st.Page("views/draw.py", title=t("Draw a digit"), icon="✏️", url_path="draw"),
]
page = st.navigation(pages)
page.run()
