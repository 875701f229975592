"""Plotly figures about training runs: one run's curves, several runs overlaid, and the learning-rate range test."""

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.cnn.records import Progress, Stage

MARGIN = dict(l=10, r=10, t=50, b=10)
LOSS_CEILING = 3.0  # a run that diverged logs losses in the hundreds; above ln 10 ≈ 2.30 the details say nothing
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def _same(text: str) -> str:
    return text


def runs_overlay(runs: list[tuple[str, list]], tr=_same) -> go.Figure:
    """Training loss (solid) and test accuracy (dotted, right axis) of several runs against epochs, one colour each."""
    fig = go.Figure()
    highest = 0.0
    alone = len(runs) == 1  # one run: name the curves, not the run
    for index, (label, records) in enumerate(runs):
        colour = PALETTE[index % len(PALETTE)]
        logs = [r for r in records if r.kind == Stage.LOG and math.isfinite(r.loss)]
        highest = max([highest, *(r.loss for r in logs)])
        fig.add_trace(
            go.Scatter(
                x=[r.epoch_position for r in logs],
                y=[r.loss for r in logs],
                mode="lines",
                name=tr("training loss") if alone else label,
                legendgroup=label,
                line=dict(color=colour),
            )
        )
        tested = [r for r in records if r.test_accuracy is not None]
        fig.add_trace(
            go.Scatter(
                x=[r.epoch_position for r in tested],
                y=[100 * r.test_accuracy for r in tested],
                mode="lines+markers",
                name=tr("test accuracy %") if alone else tr("{label}: test accuracy %").format(label=label),
                legendgroup=label,
                showlegend=alone,
                yaxis="y2",
                line=dict(color=colour, dash="dot"),
            )
        )
    fig.update_layout(
        title=tr("Your runs: loss (solid) and test accuracy (dotted)"),
        height=360,
        margin=MARGIN,
        xaxis_title=tr("epoch"),
        yaxis=dict(title=tr("loss"), range=[0, min(highest, LOSS_CEILING) * 1.05]),
        yaxis2=dict(title=tr("accuracy %"), overlaying="y", side="right", range=[0, 100], dtick=20, showgrid=False),
        legend=dict(orientation="h", y=-0.25),
    )
    return fig


def lr_range(records: list, suggestion: float | None, tr=_same) -> go.Figure:
    """Loss against learning rate (log axis) in the range test, with the suggested rate marked."""
    fig = go.Figure(
        go.Scatter(
            x=[r.lr for r in records],
            y=[r.loss for r in records],
            mode="markers",
            marker=dict(size=4, color="#bbbbbb"),
            name=tr("loss of each batch"),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[r.lr for r in records],
            y=[r.smoothed for r in records],
            mode="lines",
            line=dict(color="#1f77b4"),
            name=tr("smoothed loss"),
        )
    )
    if suggestion is not None:
        fig.add_vline(x=suggestion, line=dict(color="#d62728", dash="dash"))
        fig.add_annotation(
            x=math.log10(suggestion),
            y=1,
            yref="paper",
            showarrow=False,
            yanchor="bottom",
            text=tr("suggested {lr:.0e}").format(lr=suggestion),
            font=dict(color="#d62728"),
        )
    finite = [r.smoothed for r in records if math.isfinite(r.smoothed)]
    top = min(max(finite), 2 * finite[0]) * 1.1 if finite else None
    fig.update_layout(
        title=tr("Learning-rate range test: loss as the rate grows"),
        height=340,
        margin=MARGIN,
        xaxis=dict(type="log", title=tr("learning rate"), exponentformat="power", dtick=1),
        yaxis=dict(title=tr("loss"), range=[0, top] if top else None),
        legend=dict(orientation="h", y=-0.3),
    )
    return fig


def training_curves(records, tr=_same) -> go.Figure:
    """Training loss and train accuracy at every logged step, test accuracy after each epoch, against epochs
    (fractional): with one epoch these are lines, not single dots."""
    logs = [r for r in records if r.kind == Stage.LOG]
    tested = [r for r in records if r.test_accuracy is not None]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = [r.epoch_position for r in logs]
    fig.add_trace(
        go.Scatter(x=x, y=[r.loss for r in logs], mode="lines+markers", name=tr("training loss"), marker=dict(size=4)),
        secondary_y=False,
    )
    fig.add_trace(_percent_trace(logs, "train_accuracy", tr("train accuracy %"), size=4), secondary_y=True)
    if tested:
        fig.add_trace(_percent_trace(tested, "test_accuracy", tr("test accuracy %"), size=9), secondary_y=True)
    fig.update_xaxes(title_text=tr("epoch"))
    fig.update_yaxes(title_text=tr("loss"), secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text=tr("accuracy %"), secondary_y=True, range=[0, 100], dtick=20)
    fig.update_layout(
        title=tr("Training loss and accuracy"), height=360, margin=MARGIN, legend=dict(orientation="h", y=-0.25)
    )
    return fig


def learning_rate_schedule(records: list[Progress], tr=_same) -> go.Figure:
    logs = [r for r in records if r.kind in (Stage.LOG, Stage.DONE)]
    fig = go.Figure(
        go.Scatter(
            x=[r.step for r in logs],
            y=[r.lr for r in logs],
            mode="lines",
            line_shape="hv",
            name=tr("learning rate"),
        )
    )
    fig.update_layout(
        title=tr("Learning rate per step (StepLR halves it every 5 epochs by default)"),
        xaxis_title=tr("step"),
        yaxis_title=tr("learning rate"),
        yaxis_type="log",
        height=320,
        margin=MARGIN,
    )
    return fig


def _percent_trace(records, name: str, label: str, size: int) -> go.Scatter:
    """A record field in % against epochs; test accuracy (one point an epoch) is drawn with diamonds."""
    return go.Scatter(
        x=[r.epoch_position for r in records],
        y=[100 * getattr(r, name) for r in records],
        mode="lines+markers",
        marker=dict(size=size, symbol="diamond" if name == "test_accuracy" else "circle"),
        name=label,
    )


def accuracy_curves(records, tr=_same) -> go.Figure:
    """Train accuracy at every logged step (a running average over the epoch so far) and test accuracy after each
    epoch, on one axis of epochs: a gap that opens between them is overfitting."""
    logged = [r for r in records if r.train_accuracy is not None]
    tested = [r for r in records if r.test_accuracy is not None]
    fig = go.Figure()
    fig.add_trace(_percent_trace(logged, "train_accuracy", tr("train accuracy (running, this epoch)"), size=5))
    fig.add_trace(_percent_trace(tested, "test_accuracy", tr("test accuracy (after the epoch)"), size=10))
    low = min([100 * r.train_accuracy for r in logged] + [100 * r.test_accuracy for r in tested] + [90.0])
    fig.update_layout(
        title=tr("Train and test accuracy"),
        xaxis_title=tr("epoch"),
        yaxis_title=tr("accuracy %"),
        yaxis_range=[max(0.0, low - 2), 100.5],
        height=340,
        margin=MARGIN,
        legend=dict(orientation="h", y=-0.3),
    )
    return fig
