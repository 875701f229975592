"""The session's XOR runs: overlaid loss curves labelled by what differs, with pin and remove."""

import streamlit as st

from core.xor import experiment as xor_experiment
from core.xor import figures as xor_figures
from core.xor.experiment import XorSettings, all_losses
from core.xor.numpy_net import Record
from core.xor.session import HistoryRun
from ui.common import plot, t
from ui.state import Xor

MAX_RUNS = 8  # unpinned runs beyond this are dropped, oldest first; each keeps only ~300 points per curve
FIELD_TEXT = {
    "implementation": "{value}",
    "hidden_size": "{value} hidden",
    "learning_rate": "lr {value}",
    "epochs": "{value:,} epochs",
    "seed": "seed {value}",
    "biases": "biases: {value}",
    "activation": "{value}",
    "init": "init {value}",
    "derivative_of": "σ' of {value}",
    "torch_start": "PyTorch start: {value}",
    "dataset": "{value}",
    "noise": "noise {value}",
    "points": "{value} points",
    "test_percent": "test {value}%",
    "features": "inputs +{value}",
}
VALUE_TEXT = {
    True: "yes",
    False: "no",
    "output": "ŷ (right)",
    "pre_activation": "A (the trap)",
    "both": "both",
    "post": "the post's",
    "numpy_start": "NumPy's, no biases",
    "rand": "U[0, 1)",  # the post's np.random.rand: a formula reads the same in every language
    "uniform": "U[−1, 1)",
    "xavier": "Xavier/Glorot",
    "xor": "the post's 4 points",
    "xor_clouds": "XOR clouds",
    "circle": "Circle",
    "spirals": "Two spirals",
    "moons": "Two moons",
    "blobs": "Gaussian blobs",
}
DATA_FIELDS = ("dataset", "noise", "points", "test_percent", "features")
NAMES = {"numpy": "NumPy", "torch": "PyTorch"}  # the same in every language


def field_text(name: str, value) -> str:
    if name == "features":
        return t(FIELD_TEXT[name], value=", ".join(map(t, value))) if value else t("no extra inputs")
    shown = t(VALUE_TEXT[value]) if isinstance(value, (bool, str)) and value in VALUE_TEXT else NAMES.get(value, value)
    return t(FIELD_TEXT[name], value=shown)


def runs() -> list[HistoryRun]:
    return Xor.HISTORY.setdefault()


def add(run_id: int, settings: XorSettings, results: dict[str, list[Record]]) -> None:
    curves = {name: xor_figures.thinned(all_losses(records)) for name, records in results.items()}
    final = {name: float(records[-1].loss) for name, records in results.items()}
    history = [run for run in runs() if run.settings != settings or run.pinned]
    history.append(HistoryRun(run_id, settings, curves, final))
    while len(history) > MAX_RUNS:
        oldest = next((run for run in history if not run.pinned), None)
        if oldest is None:
            break
        history.remove(oldest)
    Xor.HISTORY.set(history)


def label(run: HistoryRun, differing: list[str]) -> str:
    parts = [field_text(name, getattr(run.settings, name)) for name in differing if name in FIELD_TEXT]
    return " · ".join(parts) or t("run {number}", number=run.id)


def show() -> None:
    history = runs()
    if not history:
        st.caption(t("Every Train adds its run here."))
        return
    differing = xor_experiment.differences([run.settings for run in history])
    series = {}
    for run in history:
        for name, curve in run.curves.items():
            tag = label(run, differing) + (f" ({name})" if len(run.curves) > 1 else "")
            series[("📌 " if run.pinned else "") + tag] = curve
    plot(xor_figures.run_curves(series, tr=t), key="xor_history_curves")
    for run in reversed(history):
        row = st.container(horizontal=True, vertical_alignment="center")  # stays one row on phones
        finals = ", ".join(f"{name} {value:.4g}" for name, value in run.final.items())
        row.markdown(f"{label(run, differing)} — " + t("final loss {losses}", losses=finals))
        if row.button("📌" if not run.pinned else t("unpin"), key=f"xor_pin_{run.id}", help=t("Keep this run")):
            run.pinned = not run.pinned
            st.rerun()
        if row.button("✕", key=f"xor_remove_{run.id}", help=t("Remove this run")):
            history.remove(run)
            st.rerun()


def describe(settings: XorSettings, skip: tuple = ()) -> str:
    """Every setting of a run in one line, for results that must say which settings produced them."""
    if settings.dataset == "xor":
        skip = (*skip, *DATA_FIELDS[1:4])
    return " · ".join(field_text(name, getattr(settings, name)) for name in FIELD_TEXT if name not in skip)
