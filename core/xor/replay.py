"""The training replay: a plotly animation of a run's records, played and scrubbed in the browser."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.xor.figures import (
    COLORSCALE,
    CURVE_COLORS,
    X_XOR,
    loss_axis,
    output_surface,
    points_trace,
    same_text,
    thinned,
)
from core.xor.numpy_net import Params, Record, predict

# ---- the training replay: a plotly animation, played and scrubbed in the browser ----

# A 10,000-epoch run records every 200 epochs (51 records); the replay keeps 26 of them. With 51 frames on a 25×25
# grid the XOR page took 1,658 ms to draw (page_timing, median of 5; 900 ms before the replay), over its 1.5 s goal.
MAX_FRAMES = 26
REPLAY_GRID = np.linspace(-0.5, 1.5, 21)  # 441 values a frame, smoothed when drawn
FRAME_MS = 240  # while playing: 26 frames in about 6 s, slow enough to watch a boundary form
REPLAY_TRACES = (0, 1, 3, 5)  # the traces a frame replaces: ŷ, the hidden units' lines, their values, the marker


def replay_records(records: list[Record]) -> list[Record]:
    """At most MAX_FRAMES records, evenly spaced, the first and the last (the run's end, or its NaN) kept."""
    if len(records) <= MAX_FRAMES:
        return list(records)
    index = np.unique(np.linspace(0, len(records) - 1, MAX_FRAMES).round().astype(int))
    return [records[i] for i in index]


def unit_lines(params: Params) -> tuple[list, list, list]:
    """Each hidden unit's line over the input square, where its weighted input is 0 (sigmoid's 0.5, tanh's 0,
    ReLU's kink): x, y and labels for one Scatter, units apart by None. A unit with no finite line is left out."""
    w1 = np.asarray(params.w1, dtype=np.float64)
    b1 = np.zeros(w1.shape[1]) if params.b1 is None else np.asarray(params.b1, dtype=np.float64).ravel()
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


def _at_points(params: Params, activation: str) -> np.ndarray:
    """Rows h1…hn and ŷ, columns the four XOR points: what each unit outputs for each point."""
    hidden, outputs = predict(params, X_XOR, activation)
    return np.vstack([hidden.T, outputs.reshape(1, -1)])


def _frame_traces(record: Record, activation: str, loss: float) -> list[Record]:
    """One frame's new data for the REPLAY_TRACES, as plain lists: plotly.py sends numpy arrays as base64 typed arrays,
    which plotly.js decodes in a figure's data but not in an animation's frames (the heatmaps vanished on Play)."""
    params = record.params
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
        {"type": "scatter", "x": [record.epoch], "y": [loss]},
    ]


def replay(records: list[Record], activation: str, tr=same_text) -> go.Figure:
    """The run replayed in the browser: its output ŷ over the input square with each hidden unit's line, what each
    unit outputs for the four points, and the loss curve with a marker at the frame's epoch. Play/Pause and a frame
    slider are plotly's own: playing and scrubbing never ask the server. Opens at the run's end."""
    frames = replay_records(records)
    losses = np.concatenate([np.asarray(r.losses, dtype=np.float64) for r in records])
    hidden = np.asarray(frames[-1].params.w1).shape[1]
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
    data = [_frame_traces(r, activation, float(r.loss)) for r in frames]
    _replay_base(fig, data[-1], losses, hidden, tr)
    fig.frames = [
        {"data": traces, "traces": list(REPLAY_TRACES), "name": str(r.epoch)} for r, traces in zip(frames, data)
    ]
    _replay_controls(fig, [r.epoch for r in frames], tr)
    # Plotly's 16-px subplot titles ran into each other on a 390-px phone ("…lines" over "at the four points").
    fig.update_annotations(font_size=12)
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
    fig.add_trace(points_trace(tr), 1, 1)
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
    fig.update_yaxes(**loss_axis([values_thin], tr), row=2, col=1)
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
