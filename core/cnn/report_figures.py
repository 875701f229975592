"""Plotly figures of the test report: the confusion matrix whose cells are clicked, and accuracy per digit."""

import numpy as np
import plotly.graph_objects as go

from core.cnn.figures import MARGIN, _same


def confusion_matrix(matrix: np.ndarray, tr=_same) -> go.Figure:
    """Rows: true digit; columns: predicted digit; hover shows counts."""
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=[str(i) for i in range(10)],
            y=[str(i) for i in range(10)],
            colorscale="Blues",
            text=matrix,
            texttemplate="%{text}",
            hovertemplate=tr("true %{y}, predicted %{x}: %{z}") + "<extra></extra>",
        )
    )
    fig.update_layout(
        title=tr("Confusion matrix (test split)"),
        xaxis_title=tr("predicted"),
        yaxis_title=tr("true"),
        yaxis_autorange="reversed",
        xaxis_dtick=1,
        yaxis_dtick=1,
        height=460,
        margin=MARGIN,
    )
    return fig


def clickable_confusion_matrix(matrix: np.ndarray, selected: tuple[int, int] | None = None, tr=_same) -> go.Figure:
    """The confusion matrix with an invisible marker on each cell: plotly selects scatter points, not heatmap cells."""
    fig = confusion_matrix(matrix, tr=tr)
    true, predicted = np.divmod(np.arange(100), 10)
    fig.add_trace(
        go.Scatter(
            x=[str(p) for p in predicted],
            y=[str(t) for t in true],
            mode="markers",
            marker=dict(symbol="square", size=26, opacity=0),
            hovertemplate=tr("true %{y}, predicted %{x}: click to see them") + "<extra></extra>",
            showlegend=False,
        )
    )
    if selected is not None:
        t, p = selected
        fig.add_shape(type="rect", x0=p - 0.5, x1=p + 0.5, y0=t - 0.5, y1=t + 0.5, line=dict(color="#e17055", width=3))
    fig.update_traces(showscale=False, selector=dict(type="heatmap"))  # the counts are written in the cells
    fig.update_xaxes(range=[-0.5, 9.5])
    fig.update_yaxes(range=[9.5, -0.5], autorange=False)
    fig.update_layout(hoverdistance=40, dragmode=False, height=420)
    return fig


def per_class_accuracy(accuracy: np.ndarray, tr=_same) -> go.Figure:
    """One bar per digit: the share of its test images read right."""
    values = 100 * np.nan_to_num(np.asarray(accuracy, dtype=float))
    fig = go.Figure(
        go.Bar(
            x=[str(d) for d in range(10)],
            y=values,
            text=[f"{v:.1f}" for v in values],
            textposition="outside",
            marker_color="#6C5CE7",
            name=tr("accuracy %"),
            hovertemplate=tr("digit %{x}: %{y:.1f}% right") + "<extra></extra>",
        )
    )
    fig.update_layout(
        title=tr("Accuracy per digit"),
        xaxis_title=tr("true digit"),
        yaxis_title=tr("accuracy %"),
        xaxis_dtick=1,
        yaxis_range=[max(0.0, values.min() - 10), 104],
        height=300,
        margin=MARGIN,
    )
    return fig
