"""The live view's one figure: the output over the input square with each hidden unit's line and the points (test
points hollow), beside the training and test loss. Built once per watch, then only its data change between
redraws: building a plotly figure afresh cost ~100 ms a redraw, which held the view under 5 redraws a second."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.xor.figures import (
    COLORSCALE,
    GRID,
    LOSS_AXIS,
    SMALL_MARGIN,
    data_points_traces,
    loss_axis,
    output_surface,
    same_text,
    thinned,
)
from core.xor.replay import unit_lines
from core.xor.watch import Watch

SURFACE, LINES, LOSS, TEST_LOSS = range(4)  # the traces a redraw changes, in the order they are added; points last


def build(watch: Watch, tr=same_text) -> go.Figure:
    fig = make_subplots(  # one above the other: side by side, a phone's width squeezed both
        rows=2,
        cols=1,
        row_heights=[0.62, 0.38],
        vertical_spacing=0.16,
        subplot_titles=(tr("output ŷ and the hidden units' lines"), tr("loss C")),
    )
    fig.add_trace(
        go.Heatmap(
            x=GRID,
            y=GRID,
            zmin=0.0,
            zmax=1.0,
            colorscale=COLORSCALE,
            showscale=False,
            hoverinfo="skip",
            showlegend=False,
        ),
        1,
        1,
    )
    fig.add_trace(
        go.Scatter(
            mode="lines",
            line=dict(color="black", width=2, dash="dash"),
            name=tr("each hidden unit's line"),
            hoverinfo="skip",
            cliponaxis=True,
        ),
        1,
        1,
    )
    fig.add_trace(go.Scatter(mode="lines", name=tr("training loss"), line=dict(color="#1f77b4", width=2)), 2, 1)
    fig.add_trace(go.Scatter(mode="lines", name=tr("test loss"), line=dict(color="#d62728", dash="dash")), 2, 1)
    fig.add_traces(data_points_traces(watch.data, tr), rows=1, cols=1)
    fig.update_layout(
        height=620,
        margin=SMALL_MARGIN,
        legend=dict(orientation="h", y=-0.12),
        xaxis=dict(range=[-0.5, 1.5], constrain="domain"),  # no "x1" title: on a phone it ran into the loss title
        yaxis=dict(range=[-0.5, 1.5], scaleanchor="x", constrain="domain", title="x2"),
        xaxis2=dict(range=[0, watch.settings.epochs], title=tr("epoch")),
        yaxis2=dict(type="log", title=LOSS_AXIS),
        uirevision="watch",  # zoom and hover survive the redraws
    )
    refresh(fig, watch)
    return fig


def refresh(fig: go.Figure, watch: Watch) -> None:
    """The figure at the watch's epoch."""
    params = watch.last.params
    xs, ys, _ = unit_lines(params) if not params.features else ([], [], [])
    epochs, losses = thinned(np.where(np.isfinite(watch.losses), watch.losses, np.nan))
    tested = np.array(watch.test_losses, dtype=np.float64).reshape(-1, 2)
    with fig.batch_update():
        fig.data[SURFACE].z = output_surface(params, watch.settings.activation)
        fig.data[LINES].update(x=xs, y=ys)
        fig.data[LOSS].update(x=epochs, y=losses)
        fig.data[TEST_LOSS].update(x=tested[:, 0], y=tested[:, 1])
        # At epoch 0 the curve is one point: its axis spans a whole decade (loss_axis); past a decade, plotly's own.
        axis = loss_axis([losses, tested[:, 1]], same_text)
        fig.layout.yaxis2.update({"range": None, "dtick": None, "exponentformat": None} | axis)
