"""Plotly figures for the Lesson page: the sigmoid and its slope, and the CNN script's live loss curve."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.lesson.cnn_script import Kind, ScriptRecord

MARGIN = dict(l=10, r=10, t=50, b=10)


def _same(text: str) -> str:
    return text


def sigmoid_curve(tr=_same) -> go.Figure:
    """σ(x) and its slope σ'(x) = σ(x)(1 − σ(x)): the slope written with the function's own value."""
    x = np.linspace(-6, 6, 121)
    y = 1 / (1 + np.exp(-x))
    fig = go.Figure()
    fig.add_scatter(x=x, y=y, name="y = σ(x)", line=dict(color="#1f77b4", width=3))
    fig.add_scatter(x=x, y=y * (1 - y), name="σ'(x) = y·(1 − y)", line=dict(color="#d62728", width=3, dash="dash"))
    fig.update_layout(
        title=tr("The sigmoid and its slope"),
        height=300,
        margin=MARGIN,
        legend=dict(orientation="h", y=-0.2),
        xaxis_title="x",
        yaxis=dict(range=[-0.05, 1.05]),
    )
    return fig


def script_curves(records: list[ScriptRecord], tr=_same) -> go.Figure:
    """The loss the script trains on (mean of every 10 batches) and the test accuracy the page measures after each
    epoch, against epochs."""
    losses = [r for r in records if r.kind == Kind.LOSS]
    epochs = [r for r in records if r.kind == Kind.EPOCH]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_scatter(
        x=[r.epoch for r in losses],
        y=[r.loss for r in losses],
        name=tr("training loss (cross-entropy)"),
        line=dict(color="#1f77b4"),
    )
    fig.add_scatter(
        x=[r.epoch for r in epochs],
        y=[100 * r.test_accuracy for r in epochs],
        name=tr("test accuracy, %"),
        mode="lines+markers",
        line=dict(color="#2ca02c"),
        secondary_y=True,
    )
    fig.update_layout(
        title=tr("Loss and test accuracy"), height=320, margin=MARGIN, legend=dict(orientation="h", y=-0.25)
    )
    fig.update_xaxes(title_text=tr("epoch"), range=[0, 10])
    fig.update_yaxes(title_text=tr("loss"), rangemode="tozero", secondary_y=False)
    fig.update_yaxes(
        title_text="%", range=[0, 100], tickvals=[0, 20, 40, 60, 80, 100], secondary_y=True, showgrid=False
    )
    return fig
