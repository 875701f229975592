"""NN Playground: train real neural networks and watch them learn, step by step through one blog post."""

from core.serving.process import configure_process

configure_process()  # first: OpenMP's spin and malloc's thresholds are read when torch loads

# isort: split
# plotly imports pandas on a figure's first use and takes it from sys.modules when it is there: eight sessions making
# their first figures at once then met a pandas another session was still importing ("partially initialized module
# 'pandas' has no attribute 'Series'", a page's exception, in 2 of 3 full test runs). Imported here, every session's
# first run waits for the whole module.
import pandas  # noqa: E402, F401
import streamlit as st  # noqa: E402

from ui.common import t  # noqa: E402
from ui.server import pace_this_rerun, server  # noqa: E402
from ui.sidebar import sidebar  # noqa: E402

st.set_page_config(page_title="NN Playground", page_icon="🧠", layout="wide")
server()  # made once per process: job queue, fair gate, memory budget; upload store and widget values bounded
pace_this_rerun()  # a rate per session for reruns that compute (clicks, canvas messages, reloads)

sidebar()
pages = [
    st.Page("views/home.py", title=t("Home"), icon="🏠", default=True),
    st.Page("views/the_lesson.py", title=t("The lesson"), icon="📖", url_path="lesson"),
    st.Page("views/xor.py", title=t("XOR playground"), icon="✖️", url_path="xor"),
    st.Page("views/cnn.py", title=t("Train a CNN on MNIST"), icon="🧮", url_path="cnn"),
    st.Page("views/draw.py", title=t("Draw a digit"), icon="✏️", url_path="draw"),
    st.Page("views/under_the_hood.py", title=t("Under the hood"), icon="⚙️", url_path="under-the-hood"),
]
page = st.navigation(pages)
page.run()
