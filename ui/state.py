"""Every value a page keeps in a session, declared once: its key, its type and its default.

Pages read and write session state through these slots, never through string keys, so a misspelt key is a
NameError, not a silent None, and one search shows everything a session holds. Keys stay plain strings because
tests (AppTest's session_state) and widgets (key=...) name them too.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import streamlit as st

if TYPE_CHECKING:  # types only: the pages that use the slots import these modules themselves
    from core.cnn.model import CNN
    from core.cnn.records import CnnRun, LessonModel
    from core.cnn.report import TestReport
    from core.xor.session import BuiltFigure, HistoryRun, ManySeedsResult, Run, TrapResult
    from core.xor.steps import StepState
    from core.xor.watch import Watch

T = TypeVar("T")


@dataclass(frozen=True)
class Slot(Generic[T]):
    """One session value: `slot.get()`, `slot.set(v)`, `slot.pop()`; `slot.setdefault()` builds the default once."""

    key: str
    default: Callable[[], T] | None = None

    def get(self) -> T | None:
        if self.key not in st.session_state and self.default is not None:
            return self.default()
        return st.session_state.get(self.key)

    def set(self, value: T) -> None:
        st.session_state[self.key] = value

    def pop(self) -> T | None:
        return st.session_state.pop(self.key, None)

    def setdefault(self) -> T:
        if self.key not in st.session_state:
            st.session_state[self.key] = self.default() if self.default is not None else None
        return st.session_state[self.key]


# Shared by every page.
LANG: Slot[str] = Slot("lang", lambda: "en")
DATA_DIR: Slot[str] = Slot("data_dir")
PACED: Slot[bool] = Slot("_paced")
# The fragments redrawing themselves now (ui.server.live_view): XOR's playing watch, a running job's panel, the pad.
LIVE_VIEWS: Slot[tuple[str, ...]] = Slot("_live_views", tuple)


# The XOR page.
class Xor:
    RUN: Slot[Run] = Slot("xor_run")
    RUN_COUNT: Slot[int] = Slot("xor_run_count", lambda: 0)
    HISTORY: Slot[list[HistoryRun]] = Slot("xor_history", list)
    STEP: Slot[StepState] = Slot("xor_step")
    REPLAY: Slot[BuiltFigure] = Slot("xor_replay")
    TRAP_RESULT: Slot[TrapResult] = Slot("xor_trap_result")
    MANY_RESULT: Slot[ManySeedsResult] = Slot("xor_many_result")
    WATCH: Slot[Watch] = Slot("xor_watch")
    WATCH_NETWORK: Slot[BuiltFigure] = Slot("xor_watch_network")
    LOSS_FIGURE: Slot[BuiltFigure] = Slot("xor_loss_figure")
    DIAGRAM_FIGURE: Slot[BuiltFigure] = Slot("xor_diagram_figure")
    BOUNDARY_FIGURE: Slot[BuiltFigure] = Slot("xor_boundary_figure")


# The CNN, Draw and Lesson pages' CNN side.
class Cnn:
    RUN: Slot[CnnRun] = Slot("cnn")  # the run whose model the pages use
    RUNS: Slot[list[CnnRun]] = Slot("cnn_runs", list)
    RUN_NUMBER: Slot[int] = Slot("cnn_run_number", lambda: 0)
    JOB: Slot[str] = Slot("cnn_job")
    SHOWN_JOB: Slot[str] = Slot("cnn_shown_job")
    ADOPTED: Slot[str] = Slot("cnn_adopted")
    NOTICE: Slot[tuple[str, dict]] = Slot("cnn_notice")  # (English template, values)
    REPORT: Slot[tuple[CNN, TestReport]] = Slot("cnn_report")  # the shown model's test report, and for which model
    MODELS_LOADED: Slot[int] = Slot("cnn_models_loaded", lambda: 0)  # models loaded from files: the uploader's key
    CELL: Slot[tuple[int, int]] = Slot("cnn_cell")  # the (true, predicted) cell clicked in the confusion matrix
    INSIDE_INDEX: Slot[int] = Slot("cnn_inside_index", lambda: 0)  # the test image opened inside the CNN
    INSIDE_CACHE: Slot[OrderedDict] = Slot("cnn_inside_cache", OrderedDict)  # (model id, image digest) → activations
    LR_JOB: Slot[str] = Slot("cnn_lr_job")
    LR_SEEN: Slot[str] = Slot("cnn_lr_seen")
    LESSON_JOB: Slot[str] = Slot("lesson_job")  # the Lesson page's run of the post's script
    LESSON_MODEL: Slot[LessonModel] = Slot("lesson_model")  # the model it left, for the Draw page
    DRAW_INSIDE: Slot[bool] = Slot("draw_inside", lambda: False)  # "Inside the CNN for your digit" is open
    DRAW_MODEL: Slot[str] = Slot("draw_model")  # which model the Draw page reads with: "lesson", "own" or "ready"
    # The id of the lesson's and the session's own model the Draw page last saw: a new one is switched to.
    DRAW_SEEN: dict[str, Slot[int]] = {"lesson": Slot("draw_lesson_seen"), "own": Slot("draw_own_seen")}
