"""Home: what the playground is and where to start."""

import streamlit as st

from core.xor import figures as xor_figures
from ui.common import plot, t

# Page links are plain text by default; on the home page they are the calls to action, so they look like buttons.
# Constant CSS of our own (never a visitor's value), scoped to this page's container.
LINK_BUTTONS = """<style>
.st-key-home_pages a[data-testid="stPageLink-NavLink"],
.st-key-home_start a[data-testid="stPageLink-NavLink"] {
  background: var(--primary-color, #6C5CE7); border-radius: 0.5rem; padding: 0.45rem 1rem; margin-top: 0.25rem;
}
.st-key-home_pages a[data-testid="stPageLink-NavLink"] p,
.st-key-home_pages a[data-testid="stPageLink-NavLink"] span,
.st-key-home_start a[data-testid="stPageLink-NavLink"] p,
.st-key-home_start a[data-testid="stPageLink-NavLink"] span { color: white; font-weight: 600; }
.st-key-home_pages a[data-testid="stPageLink-NavLink"]:hover,
.st-key-home_start a[data-testid="stPageLink-NavLink"]:hover { filter: brightness(1.1); }
</style>"""


def page_card(heading: str, text: str, page: str, link: str, icon: str, chart=None) -> None:
    st.subheader(heading)
    st.markdown(text)
    if chart is not None:
        plot(chart, key="home_preview")
    st.page_link(page, label=link, icon=icon)


st.title(t("🧠 NN Playground"))
st.markdown(
    t(
        "Train real neural networks and watch them learn. Everything here grows out of one short blog post, "
        "“深度学习小记(二)”: a network that learns XOR from scratch in NumPy, the same network in PyTorch, and a "
        "CNN that reads handwritten digits. Training runs on this server; you watch it live in your browser."
    )
)
st.html(LINK_BUTTONS)
with st.container(key="home_start"):
    st.subheader(t("Start here: the lesson"))
    st.markdown(
        t(
            "The post step by step, in its order: every code block in full, the programs run as written, and a "
            "guess to make before each answer."
        )
    )
    st.page_link("views/the_lesson.py", label=t("Start the lesson"), icon="📖")
st.subheader(t("Then explore"))
with st.container(key="home_pages"):
    left, middle, right = st.columns(3)
    with left:
        page_card(
            t("1 · XOR from scratch"),
            t(
                "A 2 → hidden → 1 sigmoid network with hand-written backprop in NumPy, and the same net in "
                "PyTorch. See each hidden unit's boundary, the hidden space where XOR becomes separable, and "
                "check the gradients against autograd."
            ),
            "views/xor.py",
            t("Open the XOR playground"),
            "✖️",
            # A small live chart: the chart library loads while the visitor reads, so the XOR page after the link
            # draws its charts without waiting for it (a cold first visit: ~1 s of the 1.55-1.73 s measured before).
            chart=xor_figures.preview(tr=t),
        )
    with middle:
        page_card(
            t("2 · A CNN on MNIST"),
            t(
                "Two conv layers and two fully connected ones, trained with Adam on handwritten digits. Watch the "
                "loss fall, then look at the confusion matrix, the mistakes, the filters and the feature maps."
            ),
            "views/cnn.py",
            t("Train a CNN"),
            "🧮",
        )
    with right:
        page_card(
            t("3 · Draw a digit"),
            t(
                "Draw with the mouse or a finger and see what your CNN thinks, the 28×28 image it really sees, "
                "and which pixels pushed its decision."
            ),
            "views/draw.py",
            t("Draw a digit"),
            "✏️",
        )
