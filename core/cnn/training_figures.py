"""Plotly figures about training runs: several runs overlaid, and the learning-rate range test."""

import math

import plotly.graph_objects as go

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
        logs = [r for r in records if r.get("kind") == "log" and math.isfinite(r["loss"])]
        highest = max([highest, *(r["loss"] for r in logs)])
        fig.add_trace(
            go.Scatter(
                x=[r.epoch_position for r in logs],
                y=[r["loss"] for r in logs],
                mode="lines",
                name=tr("training loss") if alone else label,
                legendgroup=label,
                line=dict(color=colour),
            )
        )
        tested = [r for r in records if r.get("test_accuracy") is not None]
        fig.add_trace(
            go.Scatter(
                x=[r.epoch_position for r in tested],
                y=[100 * r["test_accuracy"] for r in tested],
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
