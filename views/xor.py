"""XOR playground: the lesson's 2-layer net from scratch and in PyTorch, trained live."""

import streamlit as st

from ui.common import lazy_section, lazy_view, t
from ui.state import Xor
from ui.teach import recipe
from ui.teach_xor import xor_numpy_explained
from ui.xor_checks import show_sections
from ui.xor_link import challenge_met, challenge_picker, class_link_section, hidden_controls, show_challenge
from ui.xor_results import show_inside, show_summary
from ui.xor_run import start_run
from ui.xor_settings import settings_form, show_problems, spirals_hint
from ui.xor_watch import show_watch

st.title(t("XOR: why a hidden layer is needed"))
st.markdown(
    t(
        "XOR outputs 1 when exactly one input is 1. No single line separates those points, so one neuron cannot "
        "learn it; a hidden layer bends the space until one line can. Change the settings, press **Train**, and "
        "watch."
    )
)
lazy_view(
    t("📖 How it works: forward pass, backward pass, and the code that runs"), "xor_open_how", xor_numpy_explained
)
hidden = hidden_controls()
challenge = challenge_picker(hidden)
settings = settings_form(hidden)
spirals_hint(settings)
problems = show_problems(settings)
clicked = st.button(t("Train"), type="primary", key="xor_train", disabled=problems)
# Slots on every run, filled or not (here and for the notice below): Streamlit places an element by its index among
# its siblings, so an element only some runs have (the live run, a notice) moved every chart below it and the browser
# drew them all anew (the first rerun after a visit, and each settings change, redrew the page's charts).
live = st.empty()
# A crafted click on a disabled button trains nothing.
if not problems and (clicked or Xor.RUN.get() is None):
    start_run(settings, live)
current = Xor.RUN.get()
if challenge is not None:
    show_challenge(challenge, challenge_met(challenge, current))
watch = lazy_section(t("🎬 Watch it learn, live: play, pause, step"), "xor_open_watch")
if watch.open and not problems:
    with watch:
        show_watch(settings)
changed = st.empty()
if current is not None:
    if current.settings != settings:
        changed.info(t("The settings changed: press **Train** to train with them. Showing the last run."))
    show_summary(current)
    show_inside(current)
    show_sections(current)
class_link_section(settings, hidden)
lazy_view(t("🔥 The PyTorch recipe: XOR net and CNN side by side"), "xor_open_recipe", recipe)
