"""Plotly figures for the XOR page, built from training records; no training code here. The network drawing is in
core/xor/network_figure.py, the training replay in core/xor/replay.py."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.xor.datasets import POST_XOR, Dataset
from core.xor.numpy_net import X_XOR, Y_XOR, Params, predict

GRID = np.linspace(-0.5, 1.5, 33)
THUMB_GRID = np.linspace(-0.5, 1.5, 24)
POINT_COLORS = ["#1f77b4" if t < 0.5 else "#d62728" for t in Y_XOR.reshape(-1)]
POINT_LABELS = [f"({int(a)},{int(b)}) → {int(t)}" for (a, b), t in zip(X_XOR, Y_XOR.reshape(-1))]
COLORSCALE = "RdBu_r"
MAX_CURVE_POINTS = 300  # a 50,000-epoch curve drawn with 300 points looks the same and draws ~100× faster
SMALL_MARGIN = dict(l=10, r=10, t=50, b=10)
LOSS_AXIS = "C = ½Σ(y − ŷ)²"  # the post's cost, the one loss of every XOR chart (a formula: the same in every language)
CURVE_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def same_text(text: str) -> str:
    return text


def _grid_points(grid=GRID) -> np.ndarray:
    xx, yy = np.meshgrid(grid, grid)
    return np.column_stack([xx.ravel(), yy.ravel()])


def output_surface(params: Params, activation: str, grid=GRID) -> np.ndarray:
    """The net's output over the input square, shaped (len(grid), len(grid)) with rows along x2."""
    _, out = predict(params, _grid_points(grid), activation)
    return out.reshape(len(grid), len(grid)).astype(np.float32)


def hidden_surfaces(params: Params, activation: str, grid=GRID) -> np.ndarray:
    """Each hidden unit's activation over the input square, shaped (H, len(grid), len(grid))."""
    hidden, _ = predict(params, _grid_points(grid), activation)
    return hidden.T.reshape(-1, len(grid), len(grid))


def thinned(values) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, values) with at most MAX_CURVE_POINTS points, the first and last kept."""
    values = np.asarray(values, dtype=np.float64)
    count = len(values)
    if count <= MAX_CURVE_POINTS:
        return np.arange(count), values
    index = np.unique(np.linspace(0, count - 1, MAX_CURVE_POINTS).round().astype(int))
    return index, values[index]


def _log_axis(title: str) -> dict:
    # dtick=1 labels only the powers of ten: the minor labels 2…9 cluttered every loss axis.
    return dict(type="log", dtick=1, exponentformat="power", title=title)


def _finite_positive(series_values) -> np.ndarray:
    values = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in series_values] or [np.ones(1)])
    return values[np.isfinite(values) & (values > 0)]


def loss_decades(series_values) -> tuple[int, int] | None:
    """(low, high): the powers of ten around the curves' finite positive values, at least one decade apart; None when
    there are none. The live view's loss axis spans them."""
    values = _finite_positive(series_values)
    if not len(values):
        return None
    low, high = int(np.floor(np.log10(values.min()))), int(np.ceil(np.log10(values.max())))
    return low, max(high, low + 1)


def loss_axis(series_values, tr) -> dict:
    """Log loss axis; labels only at powers of ten unless the curves stay within one decade: then the axis spans the
    decades around them and plotly labels their steps (a range as narrow as one point's, as at a live view's epoch 0,
    gave labels like 1, 1, 1, 0.1)."""
    values = _finite_positive(series_values)
    if len(values) and values.max() > 10 * values.min():
        return _log_axis(LOSS_AXIS)
    decades = loss_decades([values])
    if decades is None:
        return dict(type="log", title=LOSS_AXIS)
    return dict(type="log", title=LOSS_AXIS, range=[float(decades[0]), float(decades[1])])


def _point_annotations(fig: go.Figure, row=None, col=None) -> None:
    """The four XOR points' labels on a white box, readable over the red/blue heatmap."""
    for (a, b), label in zip(X_XOR, POINT_LABELS):
        fig.add_annotation(
            x=a,
            y=b,
            text=label,
            showarrow=False,
            yshift=18,
            font=dict(size=11, color="black"),
            bgcolor="rgba(255,255,255,0.85)",
            borderpad=2,
            row=row,
            col=col,
        )


def points_trace(tr=same_text) -> go.Scatter:
    return go.Scatter(
        x=X_XOR[:, 0],
        y=X_XOR[:, 1],
        mode="markers",
        text=POINT_LABELS,
        marker=dict(size=14, color=POINT_COLORS, line=dict(width=2, color="white")),
        name=tr("XOR points"),
        showlegend=False,
        hovertemplate="%{text}<extra></extra>",
    )


def data_points_traces(data: Dataset | None, tr=same_text) -> list[go.Scatter]:
    """A data set's points coloured by class: training points filled, test points hollow, one trace each (a symbol
    per point cost the browser ~50 ms a redraw for 200 points). None or the post's set: its four points."""
    if data is None or data.name == POST_XOR:
        return [points_trace(tr)]
    return [
        _points_of(data.X_train, data.y_train, tr("training"), "circle", tr),
        _points_of(data.X_test, data.y_test, tr("test"), "circle-open", tr),
    ]


def _points_of(X, y, name: str, symbol: str, tr) -> go.Scatter:
    colors = np.where(np.asarray(y).reshape(-1) > 0.5, "#d62728", "#1f77b4")
    hollow = symbol.endswith("open")
    return go.Scatter(
        x=X[:, 0],
        y=X[:, 1],
        mode="markers",
        marker=dict(size=7, color=colors, symbol=symbol, line=dict(width=2 if hollow else 0.5, color="white")),
        name=name,
        showlegend=False,
        hovertemplate=name + ": (%{x:.2f}, %{y:.2f})<extra></extra>",
    )


def _surface_trace(z, tr=same_text, showscale=True, zmin=0.0, zmax=1.0) -> go.Heatmap:
    return go.Heatmap(
        x=GRID,
        y=GRID,
        z=z,
        zmin=zmin,
        zmax=zmax,
        colorscale=COLORSCALE,
        showscale=showscale,
        colorbar=dict(title=tr("output"), len=0.9),
        name=tr("output"),
        hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>ŷ=%{z:.3f}<extra></extra>",
    )


def loss_curve(
    series: dict,
    marker_epoch: int | None = None,
    title: str | None = None,
    tr=same_text,
    log_epochs: bool = False,
    height: int = 320,
    x_title: str | None = None,
) -> go.Figure:
    """One line per run (name → per-epoch losses, the post's C), log scale. A run that ended in NaN gets a ✕ at its
    last finite loss; `log_epochs` spreads the first epochs out so a run that stopped early is visible."""
    fig = go.Figure()
    for index, (name, losses) in enumerate(series.items()):
        losses = np.asarray(losses, dtype=np.float64)
        finite = np.isfinite(losses)
        epochs, values = thinned(np.where(finite, losses, np.nan))
        # Later curves dashed on top: a run that matches an earlier one until it stops stays visible.
        line = dict(
            color=CURVE_COLORS[index % len(CURVE_COLORS)],
            width=2 if index == 0 else 3,
            dash="solid" if index == 0 else "dash",
        )
        fig.add_trace(
            go.Scatter(
                x=epochs + (1 if log_epochs else 0),
                y=values,
                mode="lines",
                name=name,
                line=line,
                hovertemplate=tr("epoch") + " %{x:,}<br>C %{y:.4g}<extra>%{fullData.name}</extra>",
            )
        )
        if not finite.all():
            last = int(np.argmin(finite)) - 1
            if last >= 0:
                fig.add_trace(
                    go.Scatter(
                        x=[last + (1 if log_epochs else 0)],
                        y=[losses[last]],
                        mode="markers+text",
                        marker=dict(symbol="x", size=12, color="black"),
                        showlegend=False,
                        text=[tr("NaN at epoch {epoch:,}").format(epoch=last + 1)],
                        textposition="top center",
                        name=tr("NaN"),
                        hoverinfo="text",
                    )
                )
    if marker_epoch is not None:
        fig.add_vline(x=marker_epoch, line_dash="dash", line_color="gray")
    x_title = x_title or (tr("epoch + 1 (log scale)") if log_epochs else tr("epoch"))
    y_axis = loss_axis(series.values(), tr)
    fig.update_layout(
        title=title or tr("Loss C = ½Σ(y − ŷ)², summed over the 4 points"),
        height=height,
        xaxis=_log_axis(x_title) if log_epochs else dict(title=x_title),
        yaxis=y_axis,
        margin=SMALL_MARGIN,
        legend=dict(orientation="h", y=-0.3),
    )
    return fig


def live_view(
    losses, params: Params, activation: str, epochs: int, tr=same_text, data: Dataset | None = None, test_losses=None
) -> go.Figure:
    """While a run trains: its loss so far and its output over the input square, in one figure."""
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.14, subplot_titles=(tr("loss C"), tr("output ŷ"))
    )
    x, y = thinned(losses)
    fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=tr("loss C")), 1, 1)
    if test_losses is not None:
        tx, ty = test_losses
        fig.add_trace(go.Scatter(x=tx, y=ty, mode="lines", name=tr("test loss"), line=dict(dash="dash")), 1, 1)
    fig.add_trace(_surface_trace(output_surface(params, activation), tr, showscale=False), 1, 2)
    fig.add_traces(data_points_traces(data, tr), rows=1, cols=2)
    fig.update_layout(
        height=300,
        margin=SMALL_MARGIN,
        showlegend=False,
        xaxis=dict(range=[0, epochs], title=tr("epoch")),
        yaxis=loss_axis([y], tr),
        xaxis2=dict(range=[-0.5, 1.5]),
        yaxis2=dict(range=[-0.5, 1.5], scaleanchor="x2"),
    )
    return fig


def decision_boundary(
    params: Params, activation: str, title: str = "Output ŷ", tr=same_text, data: Dataset | None = None
) -> go.Figure:
    """The output over the input square with its ŷ = 0.5 line, and the points (a data set's: test ones hollow)."""
    surface = output_surface(params, activation)
    fig = go.Figure([_surface_trace(surface, tr), *data_points_traces(data, tr)])
    fig.add_trace(
        go.Contour(
            x=GRID,
            y=GRID,
            z=surface,
            showscale=False,
            contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
            line=dict(color="black", width=2),
            name="ŷ = 0.5",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if data is None or data.name == POST_XOR:
        _point_annotations(fig)
    fig.update_layout(
        title=title,
        height=360,
        xaxis_title="x1",
        yaxis_title="x2",
        margin=SMALL_MARGIN,
        xaxis=dict(range=[-0.5, 1.5]),
        yaxis=dict(range=[-0.5, 1.5], scaleanchor="x"),
    )
    return fig


def success_rates(sizes, rates, tr=same_text) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=[str(s) for s in sizes],
            y=100 * np.asarray(rates),
            text=[f"{100 * r:.0f}%" for r in rates],
            textposition="outside",
            marker_color="#2ca02c",
            name=tr("solved"),
        )
    )
    fig.update_layout(
        title=tr("Nets that solve XOR"),
        xaxis_title=tr("hidden units"),
        yaxis_title=tr("% of seeds"),
        yaxis_range=[0, 110],
        height=320,
        margin=SMALL_MARGIN,
    )
    return fig


def epochs_to_solve(sizes, epoch_lists, tr=same_text) -> go.Figure:
    fig = go.Figure()
    for size, epochs in zip(sizes, epoch_lists):
        if len(epochs):
            fig.add_trace(go.Box(y=epochs, name=str(size), boxpoints="outliers", marker_color="#9467bd"))
    fig.update_layout(
        title=tr("Epochs until all four outputs are right"),
        xaxis_title=tr("hidden units"),
        yaxis_title=tr("epochs"),
        height=320,
        showlegend=False,
        margin=SMALL_MARGIN,
    )
    return fig


def run_curves(series: dict, tr=same_text) -> go.Figure:
    """Several runs' loss curves overlaid; series is label → (epochs, losses), already thinned."""
    fig = go.Figure()
    for label, (epochs, losses) in series.items():
        fig.add_trace(
            go.Scatter(
                x=epochs,
                y=losses,
                mode="lines",
                name=label,
                hovertemplate="%{fullData.name}<br>" + tr("epoch") + " %{x:,}: %{y:.4g}<extra></extra>",
            )
        )
    fig.update_layout(
        title=tr("Your runs: loss C = ½Σ(y − ŷ)²"),
        height=340,
        margin=SMALL_MARGIN,
        xaxis_title=tr("epoch"),
        yaxis=loss_axis([c[1] for c in series.values()], tr),
        legend=dict(orientation="h", y=-0.3),
    )
    return fig


# A net that solves XOR by hand: h1 = OR, h2 = NAND, ŷ = AND of the two (sigmoid units, biases).
PREVIEW_PARAMS = Params(
    w1=np.array([[20.0, -20.0], [20.0, -20.0]]),
    w2=np.array([[20.0], [20.0]]),
    b1=np.array([[-10.0, 30.0]]),
    b2=np.array([[-30.0]]),
)


def preview(tr=same_text) -> go.Figure:
    """The home page's small live chart: a solved XOR's output over the input square. It is there to be looked at,
    and so that the browser loads the chart library while the visitor reads (the XOR page's first chart then draws
    without waiting about 1 s for it)."""
    fig = go.Figure([_surface_trace(output_surface(PREVIEW_PARAMS, "sigmoid"), tr, showscale=False), points_trace(tr)])
    fig.update_traces(hoverinfo="skip", hovertemplate=None)
    fig.update_layout(
        title=dict(text=tr("A net that solves XOR: its output ŷ"), font_size=13),
        height=190,
        margin=dict(l=6, r=6, t=30, b=6),
        xaxis=dict(range=[-0.5, 1.5], visible=False, fixedrange=True),
        yaxis=dict(range=[-0.5, 1.5], visible=False, scaleanchor="x", fixedrange=True),
    )
    return fig
