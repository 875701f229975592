"""Pieces every part of the Lesson page uses: the post's code blocks, Run buttons, and predict-then-reveal."""

from collections.abc import Callable

import streamlit as st

from core.lesson.code import BLOCK, in_language
from core.lesson.programs import PROGRAM_SECONDS, run_program
from core.serving.compute import ServerBusy
from ui.common import error_text, lang, session_id, t
from ui.server import short_work

PSEUDO_CODE = ("main_loop", "forward")  # the post's sketches: not Python, shown without Python colours


def code_block(name: str) -> None:
    """One of the post's code blocks, whole, with its comments in the reader's language."""
    language = "text" if name in PSEUDO_CODE else "python"
    st.code(in_language(BLOCK[name].source(), lang()), language=language, line_numbers=True, wrap_lines=True)


def heading(text: str) -> None:
    st.markdown(f"#### {text}")


def run_button(name: str) -> None:
    """Run lesson/<name> as written and show exactly what it printed (kept until the next Run)."""
    key = f"lesson_output_{name}"
    if st.button(t("▶ Run"), key=f"lesson_run_{name}"):
        try:
            with st.spinner(t("Running the program…")), short_work(session_id(), PROGRAM_SECONDS[name]):
                st.session_state[key] = run_program(name)
        except ServerBusy as exc:
            st.error(error_text(exc))
    if key in st.session_state:
        st.caption(t("What the program printed (each Run starts from new random weights, as the post's does):"))
        st.code(st.session_state[key], language="text")


def measured(measurement, cost: float, *args):
    """A deterministic measurement (a core.lesson.reveals.Once) for these arguments: computed under the fair CPU gate
    the first time on this server, given at once after that; None when the server is too busy to compute it now."""
    if measurement.ready(*args):
        return measurement(*args)
    try:
        with short_work(session_id(), cost):
            return measurement(*args)
    except ServerBusy as exc:
        st.error(error_text(exc))
        return None


def guess(key: str, question: str, options: dict[str, str], right: Callable[[], str | None], reveal) -> None:
    """Predict, then reveal: the student commits to an answer with one click, then sees the measured one and why.

    `right` gives the right option from the measurement itself (None when it could not be measured now).
    """
    with st.container(border=True):
        choice = st.radio(
            "🤔 " + t(question),
            list(options),
            index=None,
            key=f"lesson_guess_{key}",
            format_func=lambda k: t(options[k]),
        )
        if choice is None:
            st.caption(t("Pick an answer first; then the page shows what it measured."))
            return
        answer = right()
        if answer is None:
            return
        if choice == answer:
            st.success(t("Right!"))
        else:
            st.warning(t("Not quite: the answer is “{answer}”.", answer=t(options[answer])))
        reveal()


def explore(page: str, label: str, **settings: str) -> None:
    """A link to the playground page with the same settings as this part of the lesson."""
    st.page_link(page, label=t(label), icon="🔬", query_params=settings or None)
