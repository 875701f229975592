"""The XOR net drawn: its nodes with their own boundaries, its weights as edges, and the hidden space."""

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import diverging

from core.xor.figures import (
    POINT_COLORS,
    POINT_LABELS,
    SMALL_MARGIN,
    THUMB_GRID,
    hidden_surfaces,
    output_surface,
    same_text,
)
from core.xor.numpy_net import X_XOR, Params, predict

POSITIVE, NEGATIVE = "#c62828", "#1565c0"
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
    params: Params,
    activation: str,
    tr=same_text,
    stage: str | None = None,
    node_values: dict | None = None,
    title: str | None = None,
) -> go.Figure:
    """The net drawn: inputs, hidden units and the output; each edge red (+) or blue (−) and as thick as its weight.

    Each hidden node shows its own boundary over the input square, the output node the output's. `stage` lights the
    part of the net one step of the update works on; `node_values` ({"hidden": [...], "output": [...]}) are printed
    beside the nodes.
    """
    w1, w2 = params.w1, params.w2
    hidden_count = w1.shape[1]
    inputs, hidden, output = (
        _layer_positions(w1.shape[0], 0.0),
        _layer_positions(hidden_count, 1.0),
        _layer_positions(1, 2.0),
    )
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
            text=["x1", "x2", *(tr(name) for name in params.features)],
            textposition="middle left",
            showlegend=False,
            name=tr("inputs"),
            marker=dict(size=26, color="white", line=dict(width=2, color="#333")),
            hoverinfo="skip",
        )
    )
    _node_pictures(fig, params, activation, hidden, output[0])
    _node_labels(fig, hidden, output[0], node_values, stage)
    extent = max(hidden_count, w1.shape[0], 2) / 2
    fig.update_layout(
        title=title,
        height=int(140 + 46 * max(hidden_count, w1.shape[0], 3)),
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


def hidden_space(params: Params, activation: str, tr=same_text) -> go.Figure:
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
            # the camera a little farther back and no side margins: at plotly's defaults the cube's near corner and
            # its axis labels were cut off at the bottom, and on a phone the outer points' labels at the sides
            scene_camera=dict(eye=dict(x=1.75, y=1.75, z=1.3)),
            margin=dict(l=0, r=0, b=0, t=50),
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
        w = params.w2[:, 0]
        b = float(params.b2.reshape(-1)[0]) if params.b2 is not None else 0.0
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
