"""Plotly figures for the XOR page, built from training records; no training code here."""

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import diverging
from plotly.subplots import make_subplots

from core.xor.numpy_net import X_XOR, Y_XOR, predict

GRID = np.linspace(-0.5, 1.5, 33)
THUMB_GRID = np.linspace(-0.5, 1.5, 24)
POINT_COLORS = ["#1f77b4" if t < 0.5 else "#d62728" for t in Y_XOR.reshape(-1)]
POINT_LABELS = [f"({int(a)},{int(b)}) → {int(t)}" for (a, b), t in zip(X_XOR, Y_XOR.reshape(-1))]
COLORSCALE = "RdBu_r"
POSITIVE, NEGATIVE = "#c62828", "#1565c0"
MAX_CURVE_POINTS = 300  # a 50,000-epoch curve drawn with 300 points looks the same and draws ~100× faster
SMALL_MARGIN = dict(l=10, r=10, t=50, b=10)
LOSS_AXIS = "C = ½Σ(y − ŷ)²"  # the post's cost, the one loss of every XOR chart (a formula: the same in every language)
CURVE_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
# Stages of one update in the lesson's order, and the part of the network each one belongs to.
STAGE_LAYER = {
    "A1": "hidden",
    "H": "hidden",
    "A2": "output",
    "Y_hat": "output",
    "output_error": "output",
    "output_delta": "output",
    "hidden_error": "hidden",
    "hidden_delta": "hidden",
    "w2": "w2",
    "w1": "w1",
}


def _same(text: str) -> str:
    return text


def _grid_points(grid=GRID) -> np.ndarray:
    xx, yy = np.meshgrid(grid, grid)
    return np.column_stack([xx.ravel(), yy.ravel()])


def output_surface(params: dict, activation: str, grid=GRID) -> np.ndarray:
    """The net's output over the input square, shaped (len(grid), len(grid)) with rows along x2."""
    _, out = predict(params, _grid_points(grid), activation)
    return out.reshape(len(grid), len(grid)).astype(np.float32)


def hidden_surfaces(params: dict, activation: str, grid=GRID) -> np.ndarray:
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


def _loss_axis(series_values, tr) -> dict:
    """Log loss axis; labels only at powers of ten unless the curves stay within one decade (then plotly picks)."""
    values = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in series_values] or [np.ones(1)])
    values = values[np.isfinite(values) & (values > 0)]
    if len(values) and values.max() > 10 * values.min():
        return _log_axis(LOSS_AXIS)
    return dict(type="log", title=LOSS_AXIS)


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


def _points_trace(tr=_same) -> go.Scatter:
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


def _surface_trace(z, tr=_same, showscale=True, zmin=0.0, zmax=1.0) -> go.Heatmap:
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
    tr=_same,
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
    y_axis = _loss_axis(series.values(), tr)
    fig.update_layout(
        title=title or tr("Loss C = ½Σ(y − ŷ)², summed over the 4 points"),
        height=height,
        xaxis=_log_axis(x_title) if log_epochs else dict(title=x_title),
        yaxis=y_axis,
        margin=SMALL_MARGIN,
        legend=dict(orientation="h", y=-0.3),
    )
    return fig


def live_view(losses, params: dict, activation: str, epochs: int, tr=_same) -> go.Figure:
    """While a run trains: its loss so far and its output over the input square, in one figure."""
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.14, subplot_titles=(tr("loss C"), tr("output ŷ"))
    )
    x, y = thinned(losses)
    fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=tr("loss C")), 1, 1)
    fig.add_trace(_surface_trace(output_surface(params, activation), tr, showscale=False), 1, 2)
    fig.add_trace(_points_trace(tr), 1, 2)
    fig.update_layout(
        height=300,
        margin=SMALL_MARGIN,
        showlegend=False,
        xaxis=dict(range=[0, epochs], title=tr("epoch")),
        yaxis=_loss_axis([y], tr),
        xaxis2=dict(range=[-0.5, 1.5]),
        yaxis2=dict(range=[-0.5, 1.5], scaleanchor="x2"),
    )
    return fig


def decision_boundary(params: dict, activation: str, title: str = "Output ŷ", tr=_same) -> go.Figure:
    surface = output_surface(params, activation)
    fig = go.Figure([_surface_trace(surface, tr), _points_trace(tr)])
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


def _rgb(values: np.ndarray) -> np.ndarray:
    """Values in [0, 1] → RdBu_r colours, as uint8 RGB."""
    stops = np.array([[int(c) for c in colour[4:-1].split(",")] for colour in diverging.RdBu_r], dtype=np.float64)
    position = np.clip(np.nan_to_num(values, nan=0.5), 0, 1) * (len(stops) - 1)
    low = np.floor(position).astype(int).clip(0, len(stops) - 2)
    frac = (position - low)[..., None]
    return (stops[low] * (1 - frac) + stops[low + 1] * frac).round().astype(np.uint8)


def _thumbnail(surface: np.ndarray, zmin: float, zmax: float) -> str:
    """A small PNG (data URL) of a surface, rows along x2 drawn bottom-up like the heatmaps."""
    scaled = (surface - zmin) / max(zmax - zmin, 1e-9)
    image = Image.fromarray(_rgb(scaled[::-1])).resize((48, 48), Image.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _layer_positions(count: int, x: float) -> list[tuple[float, float]]:
    return [(x, (count - 1) / 2 - i) for i in range(count)]


def _edge_trace(start, end, weight: float, scale: float, lit: bool) -> go.Scatter:
    colour = POSITIVE if weight >= 0 else NEGATIVE
    width = 1 + 7 * min(abs(weight) / scale, 1.0) if np.isfinite(weight) else 1
    return go.Scatter(
        x=[start[0], end[0]],
        y=[start[1], end[1]],
        mode="lines",
        hoverinfo="skip",
        showlegend=False,
        line=dict(color=colour, width=width),
        opacity=1.0 if lit else 0.3,
    )


def network_diagram(
    params: dict,
    activation: str,
    tr=_same,
    stage: str | None = None,
    node_values: dict | None = None,
    title: str | None = None,
) -> go.Figure:
    """The net drawn: inputs, hidden units and the output; each edge red (+) or blue (−) and as thick as its weight.

    Each hidden node shows its own boundary over the input square, the output node the output's. `stage` lights the
    part of the net one step of the update works on; `node_values` ({"hidden": [...], "output": [...]}) are printed
    beside the nodes.
    """
    w1, w2 = params["w1"], params["w2"]
    hidden_count = w1.shape[1]
    inputs, hidden, output = (_layer_positions(2, 0.0), _layer_positions(hidden_count, 1.0), _layer_positions(1, 2.0))
    scale = float(np.nanmax(np.abs(np.concatenate([w1.ravel(), w2.ravel()])))) if np.isfinite(w1).any() else 1.0
    lit = STAGE_LAYER.get(stage, "")
    fig = go.Figure()
    hover_x, hover_y, hover_text = [], [], []
    for i, start in enumerate(inputs):
        for j, end in enumerate(hidden):
            fig.add_trace(_edge_trace(start, end, w1[i, j], scale or 1.0, lit in ("", "w1", "hidden")))
            hover_x.append((2 * start[0] + end[0]) / 3)
            hover_y.append((2 * start[1] + end[1]) / 3)
            hover_text.append(f"w1[{i},{j}] = {w1[i, j]:.4f}")
    for j, start in enumerate(hidden):
        fig.add_trace(_edge_trace(start, output[0], w2[j, 0], scale or 1.0, lit in ("", "w2", "output")))
        hover_x.append((start[0] + 2 * output[0][0]) / 3)
        hover_y.append((start[1] + 2 * output[0][1]) / 3)
        hover_text.append(f"w2[{j},0] = {w2[j, 0]:.4f}")
    fig.add_trace(
        go.Scatter(
            x=hover_x,
            y=hover_y,
            mode="markers",
            marker=dict(size=9, color="rgba(80,80,80,0.35)"),
            hovertext=hover_text,
            hoverinfo="text",
            showlegend=False,
            name=tr("weights"),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[p[0] for p in inputs],
            y=[p[1] for p in inputs],
            mode="markers+text",
            text=["x1", "x2"],
            textposition="middle left",
            showlegend=False,
            name=tr("inputs"),
            marker=dict(size=26, color="white", line=dict(width=2, color="#333")),
            hoverinfo="skip",
        )
    )
    _node_pictures(fig, params, activation, hidden, output[0])
    _node_labels(fig, hidden, output[0], node_values, stage)
    extent = max(hidden_count, 2) / 2
    fig.update_layout(
        title=title,
        height=int(140 + 46 * max(hidden_count, 3)),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(visible=False, range=[-0.45, 2.6]),
        plot_bgcolor="white",
        yaxis=dict(visible=False, range=[-extent - 0.1, extent + 0.1]),
        showlegend=False,
    )
    return fig


def _node_pictures(fig, params, activation, hidden, output) -> None:
    surfaces = hidden_surfaces(params, activation, THUMB_GRID)
    low = -1.0 if activation == "tanh" else 0.0
    high = max(1.0, float(np.nanmax(surfaces))) if activation == "relu" and np.isfinite(surfaces).any() else 1.0
    size = 0.8
    pictures = [(_thumbnail(z, low, high), position) for z, position in zip(surfaces, hidden)]
    pictures.append((_thumbnail(output_surface(params, activation, THUMB_GRID), 0.0, 1.0), output))
    for source, (x, y) in pictures:
        fig.add_layout_image(
            source=source,
            x=x,
            y=y,
            xref="x",
            yref="y",
            sizex=size,
            sizey=size,
            xanchor="center",
            yanchor="middle",
            sizing="contain",
            layer="above",
        )


def _node_labels(fig, hidden, output, node_values, stage) -> None:
    """Each node's name (h1…, ŷ) on a white box at the foot of its picture. While a step shows a quantity, the boxes
    hold its values and the quantity's name heads their column, so no label reads as another quantity (a box beside
    a node would run into the output's picture once there are 3 hidden units)."""
    columns = {"hidden": list(hidden), "output": [output]}
    names = {"hidden": [f"h{j + 1}" for j in range(len(hidden))], "output": ["ŷ"]}
    for layer, positions in columns.items():
        values = (node_values or {}).get(layer)
        if values is not None and stage:
            fig.add_annotation(
                x=positions[0][0],
                y=1.0,
                xref="x",
                yref="paper",
                yanchor="bottom",
                text=f"<b>{stage}</b>",
                showarrow=False,
                font=dict(size=12, color="#7a4b00"),
            )
        for j, (x, y) in enumerate(positions):
            shown = names[layer][j] if values is None else f"{values[j]:.3g}"
            index = f"[{j}]" if layer == "hidden" else ""
            fig.add_annotation(
                x=x,
                y=y - 0.3,
                xref="x",
                yref="y",
                text=shown,
                showarrow=False,
                font=dict(size=11, color="black"),
                bgcolor="rgba(255,255,255,0.85)",
                borderpad=1,
                hovertext=None if values is None else f"{stage}{index} = {values[j]:.6g}",
            )


def label_positions(xs, ys) -> list[str]:
    """Each point's label above it; when the point just left of it is near enough for the two labels to overlap (a
    label like "(0,1) → 1 & (1,0) → 1" spans about 40% of a phone-wide chart), the left one's label moves to its
    upper left and this one's below to the right, clear of both markers."""
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    x_span, y_span = max(float(np.ptp(xs)), 1.0), max(float(np.ptp(ys)), 1.0)
    positions = ["top center"] * len(xs)
    order = np.argsort(xs, kind="stable")
    for previous, current in zip(order, order[1:]):
        near = abs(xs[current] - xs[previous]) < 0.4 * x_span and abs(ys[current] - ys[previous]) < 0.15 * y_span
        if near and positions[previous].startswith("top"):
            positions[previous], positions[current] = "top left", "bottom right"
    return positions


def hidden_space(params: dict, activation: str, tr=_same) -> go.Figure:
    """The four points as the hidden layer sees them: XOR becomes linearly separable there. Points that land on the
    same spot share one marker with both labels, so none seems missing."""
    hidden, _ = predict(params, X_XOR, activation)
    groups: dict[tuple, list[int]] = {}
    for index, point in enumerate(hidden[:, :3]):
        groups.setdefault(tuple(np.round(point, 2)), []).append(index)
    members = list(groups.values())
    first = [group[0] for group in members]
    labels = [" & ".join(POINT_LABELS[i] for i in group) for group in members]
    colors = [POINT_COLORS[group[0]] if len({POINT_COLORS[i] for i in group}) == 1 else "#7f7f7f" for group in members]
    marker = dict(size=12, color=colors, line=dict(width=1, color="black"))
    points = hidden[first]
    if hidden.shape[1] >= 3:
        fig = go.Figure(
            go.Scatter3d(
                x=points[:, 0],
                y=points[:, 1],
                z=points[:, 2],
                mode="markers+text",
                text=labels,
                marker=marker,
                name=tr("points"),
            )
        )
        fig.update_layout(
            scene=dict(xaxis_title="h1", yaxis_title="h2", zaxis_title="h3"),
            title=tr("Hidden space (first three units)"),
        )
    elif hidden.shape[1] == 2:
        fig = go.Figure(
            go.Scatter(
                x=points[:, 0],
                y=points[:, 1],
                mode="markers+text",
                text=labels,
                textposition=label_positions(points[:, 0], points[:, 1]),
                cliponaxis=False,  # a label moved to the left of a point near the axis stays whole
                marker=marker,
                name=tr("points"),
            )
        )
        w = params["w2"][:, 0]
        b = float(params["b2"].reshape(-1)[0]) if params.get("b2") is not None else 0.0
        span = np.linspace(min(hidden[:, 0].min(), 0) - 0.2, max(hidden[:, 0].max(), 1) + 0.2, 50)
        if abs(w[1]) > 1e-9:
            fig.add_trace(
                go.Scatter(
                    x=span,
                    y=-(b + w[0] * span) / w[1],
                    mode="lines",
                    name=tr("output ŷ = 0.5"),
                    line=dict(dash="dash", color="black"),
                )
            )
        fig.update_layout(
            xaxis_title="h1",
            yaxis_title="h2",
            title=tr("Hidden space with the output's line ŷ = 0.5"),
            yaxis=dict(range=[hidden[:, 1].min() - 0.3, hidden[:, 1].max() + 0.3]),
        )
    else:
        fig = go.Figure(
            go.Scatter(
                x=points[:, 0],
                y=np.zeros(len(points)),
                mode="markers+text",
                text=labels,
                textposition=label_positions(points[:, 0], np.zeros(len(points))),
                cliponaxis=False,
                marker=marker,
                name=tr("points"),
            )
        )
        fig.update_layout(
            xaxis_title="h1",
            yaxis=dict(visible=False),
            title=tr("Hidden space: one unit is a line; no single threshold separates XOR"),
        )
    fig.update_layout(height=360, margin=SMALL_MARGIN, showlegend=False)
    return fig


def success_rates(sizes, rates, tr=_same) -> go.Figure:
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


def epochs_to_solve(sizes, epoch_lists, tr=_same) -> go.Figure:
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


def run_curves(series: dict, tr=_same) -> go.Figure:
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
        yaxis=_loss_axis([c[1] for c in series.values()], tr),
        legend=dict(orientation="h", y=-0.3),
    )
    return fig


# ---- the training replay: a plotly animation, played and scrubbed in the browser ----

# A 10,000-epoch run records every 200 epochs (51 records); the replay keeps 26 of them. With 51 frames on a 25×25
# grid the XOR page took 1,658 ms to draw (page_timing, median of 5; 900 ms before the replay), over its 1.5 s goal.
MAX_FRAMES = 26
REPLAY_GRID = np.linspace(-0.5, 1.5, 21)  # 441 values a frame, smoothed when drawn
FRAME_MS = 240  # while playing: 26 frames in about 6 s, slow enough to watch a boundary form
REPLAY_TRACES = (0, 1, 3, 5)  # the traces a frame replaces: ŷ, the hidden units' lines, their values, the marker


def replay_records(records: list[dict]) -> list[dict]:
    """At most MAX_FRAMES records, evenly spaced, the first and the last (the run's end, or its NaN) kept."""
    if len(records) <= MAX_FRAMES:
        return list(records)
    index = np.unique(np.linspace(0, len(records) - 1, MAX_FRAMES).round().astype(int))
    return [records[i] for i in index]


def unit_lines(params: dict) -> tuple[list, list, list]:
    """Each hidden unit's line over the input square, where its weighted input is 0 (sigmoid's 0.5, tanh's 0,
    ReLU's kink): x, y and labels for one Scatter, units apart by None. A unit with no finite line is left out."""
    w1 = np.asarray(params["w1"], dtype=np.float64)
    b1 = np.zeros(w1.shape[1]) if params.get("b1") is None else np.asarray(params["b1"], dtype=np.float64).ravel()
    xs, ys, labels = [], [], []
    for j in range(w1.shape[1]):
        ends = _line_in_square(w1[0, j], w1[1, j], b1[j], lo=float(REPLAY_GRID[0]), hi=float(REPLAY_GRID[-1]))
        if ends:  # the name at the middle of the line: at its ends it was cut by the square's edge
            (x0, y0), (x1, y1) = ends
            xs += [x0, (x0 + x1) / 2, x1, None]
            ys += [y0, (y0 + y1) / 2, y1, None]
            labels += ["", f"h{j + 1}", "", ""]
    return xs, ys, labels


def _line_in_square(a: float, b: float, c: float, lo: float, hi: float):
    """The segment of a·x + b·y + c = 0 inside the square [lo, hi]², or None."""
    if not np.isfinite([a, b, c]).all() or abs(a) + abs(b) < 1e-12:
        return None
    found = []
    for edge in (lo, hi):
        if abs(b) > 1e-12:  # crossing the left and right edges
            found.append((edge, -(a * edge + c) / b))
        if abs(a) > 1e-12:  # crossing the bottom and top edges
            found.append((-(b * edge + c) / a, edge))
    inside = sorted(
        {(round(x, 4), round(y, 4)) for x, y in found if lo - 1e-9 <= x <= hi + 1e-9 and lo - 1e-9 <= y <= hi + 1e-9}
    )
    return (inside[0], inside[-1]) if len(inside) >= 2 else None


def _at_points(params: dict, activation: str) -> np.ndarray:
    """Rows h1…hn and ŷ, columns the four XOR points: what each unit outputs for each point."""
    hidden, outputs = predict(params, X_XOR, activation)
    return np.vstack([hidden.T, outputs.reshape(1, -1)])


def _frame_traces(record: dict, activation: str, loss: float) -> list[dict]:
    """One frame's new data for the REPLAY_TRACES, as plain lists: plotly.py sends numpy arrays as base64 typed arrays,
    which plotly.js decodes in a figure's data but not in an animation's frames (the heatmaps vanished on Play)."""
    params = record["params"]
    xs, ys, labels = unit_lines(params)
    values = _at_points(params, activation)
    return [
        # float64 first: rounded float32 values print as 0.7089999914169312, and the frames weighed 0.69 MB, not 0.3
        {"type": "heatmap", "z": np.round(output_surface(params, activation, REPLAY_GRID).astype(float), 2).tolist()},
        {"type": "scatter", "x": xs, "y": ys, "text": labels},
        {
            "type": "heatmap",
            "z": np.round(values.astype(float), 3).tolist(),
            "text": [[f"{v:.2f}" for v in row] for row in values],
        },
        {"type": "scatter", "x": [record["epoch"]], "y": [loss]},
    ]


def replay(records: list[dict], activation: str, tr=_same) -> go.Figure:
    """The run replayed in the browser: its output ŷ over the input square with each hidden unit's line, what each
    unit outputs for the four points, and the loss curve with a marker at the frame's epoch. Play/Pause and a frame
    slider are plotly's own: playing and scrubbing never ask the server. Opens at the run's end."""
    frames = replay_records(records)
    losses = np.concatenate([np.asarray(r["losses"], dtype=np.float64) for r in records])
    hidden = np.asarray(frames[-1]["params"]["w1"]).shape[1]
    fig = make_subplots(
        rows=2,
        cols=2,
        specs=[[{}, {}], [{"colspan": 2}, None]],
        row_heights=[0.64, 0.36],
        column_widths=[0.56, 0.44],
        horizontal_spacing=0.14,
        vertical_spacing=0.16,
        subplot_titles=(tr("ŷ and the hidden units' lines"), tr("at the four points"), tr("loss C")),
    )
    data = [_frame_traces(r, activation, float(r["loss"])) for r in frames]
    _replay_base(fig, data[-1], losses, hidden, tr)
    fig.frames = [
        {"data": traces, "traces": list(REPLAY_TRACES), "name": str(r["epoch"])} for r, traces in zip(frames, data)
    ]
    _replay_controls(fig, [r["epoch"] for r in frames], tr)
    return fig


def _replay_base(fig: go.Figure, last: list, losses: np.ndarray, hidden: int, tr) -> None:
    """The figure's traces in REPLAY_TRACES order (frames replace 0, 1, 3 and 5), drawn at the run's end."""
    surface, lines, values, marker = last
    fig.add_trace(
        go.Heatmap(
            x=REPLAY_GRID,
            y=REPLAY_GRID,
            z=surface["z"],
            zmin=0.0,
            zmax=1.0,
            zsmooth="best",
            colorscale=COLORSCALE,
            showscale=False,
            name=tr("output"),
            hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>ŷ=%{z:.3f}<extra></extra>",
        ),
        1,
        1,
    )
    fig.add_trace(
        go.Scatter(
            x=lines["x"],
            y=lines["y"],
            text=lines["text"],
            mode="lines+text",
            textposition="middle right",
            textfont=dict(size=12, color="black"),
            line=dict(color="black", width=2, dash="dash"),
            name=tr("each hidden unit's line"),
            hoverinfo="skip",
            cliponaxis=True,
        ),
        1,
        1,
    )
    fig.add_trace(_points_trace(tr), 1, 1)
    fig.add_trace(
        go.Heatmap(
            x=[f"({int(a)},{int(b)})" for a, b in X_XOR],
            y=[f"h{j + 1}" for j in range(hidden)] + ["ŷ"],
            z=values["z"],
            text=values["text"],
            texttemplate="%{text}",
            zmin=0.0,
            zmax=1.0,
            colorscale=COLORSCALE,
            showscale=False,
            name=tr("at the four points"),
            hovertemplate="%{y} %{x}: %{z:.3f}<extra></extra>",
        ),
        1,
        2,
    )
    epochs, values_thin = thinned(np.where(np.isfinite(losses), losses, np.nan))
    fig.add_trace(
        go.Scatter(x=epochs, y=values_thin, mode="lines", line=dict(color=CURVE_COLORS[0], width=2), name=tr("loss C")),
        2,
        1,
    )
    fig.add_trace(
        go.Scatter(
            x=marker["x"],
            y=marker["y"],
            mode="markers",
            marker=dict(size=12, color="#d62728", line=dict(width=2, color="white")),
            cliponaxis=False,  # at the run's end the marker sits on the axis's edge
            name=tr("epoch"),
            hovertemplate=tr("epoch") + " %{x:,}<br>C %{y:.4g}<extra></extra>",
        ),
        2,
        1,
    )
    fig.update_xaxes(range=[-0.5, 1.5], title_text="x1", constrain="domain", row=1, col=1)
    fig.update_yaxes(range=[-0.5, 1.5], title_text="x2", scaleanchor="x", constrain="domain", row=1, col=1)
    fig.update_yaxes(autorange="reversed", row=1, col=2)
    fig.update_xaxes(range=[0, max(len(losses) - 1, 1)], row=2, col=1)  # the slider below names the epoch
    fig.update_yaxes(**_loss_axis([values_thin], tr), row=2, col=1)
    fig.update_yaxes(title_text=None, row=2, col=1)


def _replay_controls(fig: go.Figure, epochs: list[int], tr) -> None:
    """Play/Pause buttons and a slider of the frames: plotly.js animates them itself, with no server round trip."""
    still = dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))
    play = dict(frame=dict(duration=FRAME_MS, redraw=True), transition=dict(duration=0), fromcurrent=True)
    fig.update_layout(
        height=640,
        margin=dict(l=10, r=10, t=40, b=10),
        showlegend=False,
        plot_bgcolor="white",
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                showactive=False,
                x=0.0,
                y=-0.05,
                xanchor="left",
                yanchor="top",
                pad=dict(t=0, r=8),
                buttons=[  # ❚❚, not ⏸: phones draw ⏸ as an orange emoji
                    dict(label="▶ " + tr("Play"), method="animate", args=[None, play]),
                    dict(label="❚❚ " + tr("Pause"), method="animate", args=[[None], still]),
                ],
            )
        ],
        sliders=[
            dict(
                active=len(epochs) - 1,
                x=0.0,
                len=1.0,
                y=-0.12,
                yanchor="top",
                pad=dict(t=0, b=0),
                currentvalue=dict(prefix=tr("epoch") + " ", font=dict(size=13)),
                steps=[dict(label=f"{epoch:,}", method="animate", args=[[str(epoch)], still]) for epoch in epochs],
            )
        ],
    )
    fig.update_layout(margin=dict(b=150))


# A net that solves XOR by hand: h1 = OR, h2 = NAND, ŷ = AND of the two (sigmoid units, biases).
PREVIEW_PARAMS = {
    "w1": np.array([[20.0, -20.0], [20.0, -20.0]]),
    "b1": np.array([[-10.0, 30.0]]),
    "w2": np.array([[20.0], [20.0]]),
    "b2": np.array([[-30.0]]),
}


def preview(tr=_same) -> go.Figure:
    """The home page's small live chart: a solved XOR's output over the input square. It is there to be looked at,
    and so that the browser loads the chart library while the visitor reads (the XOR page's first chart then draws
    without waiting about 1 s for it)."""
    fig = go.Figure([_surface_trace(output_surface(PREVIEW_PARAMS, "sigmoid"), tr, showscale=False), _points_trace(tr)])
    fig.update_traces(hoverinfo="skip", hovertemplate=None)
    fig.update_layout(
        title=dict(text=tr("A net that solves XOR: its output ŷ"), font_size=13),
        height=190,
        margin=dict(l=6, r=6, t=30, b=6),
        xaxis=dict(range=[-0.5, 1.5], visible=False, fixedrange=True),
        yaxis=dict(range=[-0.5, 1.5], visible=False, scaleanchor="x", fixedrange=True),
    )
    return fig
