"""One update, slowed down: step the NumPy net from any snapshot and see every quantity of the lesson's backward."""

from dataclasses import replace

import numpy as np
import streamlit as st

from core.xor import figures as xor_figures
from core.xor.experiment import XorSettings
from core.xor.network_figure import STAGE_LAYER, network_diagram
from core.xor.numpy_net import Record
from core.xor.steps import StepState, net_with, take_steps
from ui.common import plot, t
from ui.state import Xor
from ui.teach_xor import code_with_values, step_code

STAGES = tuple(STAGE_LAYER)  # the backward's quantities in the lesson's order, each lighting its layer
HIDDEN_STAGES = tuple(stage for stage, layer in STAGE_LAYER.items() if layer == "hidden")
STEP_BUTTONS = (("Step", 1), ("×10", 10), ("×100", 100))


def _state(run_id: int, records: list[Record], start_epoch: int) -> StepState:
    state = Xor.STEP.get()
    if state is None or state.start != (run_id, start_epoch):
        record = next(r for r in records if r.epoch == start_epoch)
        state = StepState((run_id, start_epoch), record.params.copy())
        Xor.STEP.set(state)
    return state


def _controls(run_id: int, records: list[Record], start: int, settings: XorSettings) -> StepState:
    state = _state(run_id, records, start)
    row = st.container(horizontal=True)  # one row that wraps on phones, instead of four stacked columns
    for text, count in STEP_BUTTONS:
        if row.button(t(text), key=f"xor_step_{count}", type="primary" if count == 1 else "secondary"):
            take_steps(state, settings, count)
    if row.button(t("Back to start"), key="xor_step_reset"):
        Xor.STEP.pop()
        state = _state(run_id, records, start)
    return state


def _node_values(trace: dict, stage: str, point: int) -> dict:
    if stage in HIDDEN_STAGES:
        return {"hidden": list(trace[stage][point])}
    if stage in ("A2", "Y_hat", "output_error", "output_delta"):
        return {"output": [float(trace[stage][point, 0])]}
    return {}


def _stage_table(trace: dict, stage: str) -> list[dict]:
    if stage in ("w1", "w2"):
        before, after = trace[f"{stage}_before"], trace[stage]
        return [
            {
                t("weight"): f"{stage}[{i},{j}]",
                t("before"): f"{before[i, j]:.5f}",
                t("change"): f"{after[i, j] - before[i, j]:+.2e}",
                t("after"): f"{after[i, j]:.5f}",
            }
            for i, j in np.ndindex(before.shape)
        ]
    values = trace[stage]
    return [
        {
            t("input"): xor_figures.POINT_LABELS[k],
            **{
                (f"{stage}[{j}]" if values.shape[1] > 1 else stage): f"{values[k, j]:.4f}"
                for j in range(values.shape[1])
            },
        }
        for k in range(len(values))
    ]


@st.fragment
def show(run_id: int, records: list[Record], settings: XorSettings) -> None:
    """Runs alone: stepping and choosing a stage rerun only this view."""
    epochs = [r.epoch for r in records if np.isfinite(r.loss)]
    start = st.select_slider(
        t("Start from the weights at epoch"), epochs, value=epochs[0], key=f"xor_step_from_{run_id}"
    )
    state = _controls(run_id, records, start, settings)
    if state.trace is None:
        st.info(t("Press **Step** to take one gradient-descent step from these weights and see every number of it."))
        plot(network_diagram(state.params, settings.activation, tr=t), key="xor_step_diagram")
        return
    st.markdown(
        t(
            "**Step {steps:,}** from epoch {epoch:,}: loss {before:.5f} → {after:.5f}",
            steps=state.steps,
            epoch=start,
            before=state.losses[-2],
            after=state.losses[-1],
        )
    )
    stage = st.select_slider(
        t("Follow the step"),
        STAGES,
        value="A1",
        key="xor_step_stage",
        format_func=lambda name: t("output_error = y − ŷ") if name == "output_error" else name,
    )
    point = st.radio(
        t("Which input"),
        range(4),
        format_func=lambda k: xor_figures.POINT_LABELS[k],
        horizontal=True,
        key="xor_step_point",
    )
    trace = state.trace
    values = {name: trace[name][point] for name in STAGES[:8]}
    values.update(w2=trace["w2"], w1=trace["w1"])
    left, right = st.columns([3, 2])
    with left:
        code_with_values(step_code(net_with(state.params, settings)), stage, values)
    with right:
        shown = {
            "w1": trace["w1"] if stage == "w1" else trace["w1_before"],
            "w2": trace["w2"] if stage in ("w1", "w2") else trace["w2_before"],
        }
        params = replace(state.params, **shown)
        plot(
            network_diagram(
                params, settings.activation, tr=t, stage=stage, node_values=_node_values(trace, stage, point)
            ),
            key="xor_step_diagram",
        )
    st.table(_stage_table(trace, stage))
    left, right = st.columns(2)
    with left:
        plot(
            xor_figures.loss_curve(
                {t("steps"): state.losses},
                marker_epoch=len(state.losses) - 1,
                title=t("Loss over your steps"),
                tr=t,
                height=280,
                x_title=t("step"),
            ),
            key="xor_step_loss",
        )
    with right:
        plot(
            xor_figures.decision_boundary(state.params, settings.activation, title=t("Output ŷ now"), tr=t),
            key="xor_step_boundary",
        )
