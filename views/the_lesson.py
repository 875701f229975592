"""The Lesson: the blog post "深度学习小记(二)" in its own order, every code block shown whole and run as written."""

import streamlit as st

from ui.common import t
from ui.lesson_cnn import part_03, then_draw
from ui.lesson_xor import part_01, part_02

# The post's code is shown as written, wrapped: a long token (an f-string's `{scheduler.get_last_lr()[0]:.6f},`) could
# not break at a space, and its box scrolled sideways on a phone. Constant CSS of our own, scoped to this page's parts.
WRAP_CODE = "<style>.st-key-lesson_parts pre code { overflow-wrap: anywhere; }</style>"

st.title(t("The lesson: 深度学习小记(二)"))
st.markdown(
    t(
        "This page follows the blog post step by step, in its order and with its headings. Every code block of the "
        "post is here in full; the whole programs run with **▶ Run** and print exactly what they print. The post's "
        "own notes, question and answer are marked “the post's”; the 🤔 questions, the measurements, the “What "
        "changed” notes and the explanations of the maths are this page's additions. Before each answer, commit "
        "to a guess 🤔."
    )
)
st.html(WRAP_CODE)
# Short labels: the post's part names head each tab, and the four of them made the tab bar 522 px wide, so on a
# 390-px phone the CNN and "Then" were out of sight.
with st.container(key="lesson_parts"):
    tabs = st.tabs([t("XOR · NumPy"), t("XOR · PyTorch"), t("CNN · MNIST"), t("Then")])
    with tabs[0]:
        part_01()
    with tabs[1]:
        part_02()
    with tabs[2]:
        part_03()
    with tabs[3]:
        then_draw()
