"""Plotly figures for the XOR page, built from training records; no training code here."""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.xor_numpy import X_XOR, Y_XOR, predict

GRID = np.linspace(-0.5, 1.5, 33)
POINT_COLORS = ["#1f77b4" if t < 0.5 else "#d62728" for t in Y_XOR.reshape(-1)]
POINT_LABELS = [f"({int(a)},{int(b)}) → {int(t)}" for (a, b), t in zip(X_XOR, Y_XOR.reshape(-1))]
COLORSCALE = "RdBu_r"


def _same(text: str) -> str:
    return text


def _grid_points() -> np.ndarray:
    xx, yy = np.meshgrid(GRID, GRID)
    return np.column_stack([xx.ravel(), yy.ravel()])


def output_surface(params: dict, activation: str) -> np.ndarray:
    """The net's output over the input square, shaped (len(GRID), len(GRID)) with rows along x2."""
    _, out = predict(params, _grid_points(), activation)
    return out.reshape(len(GRID), len(GRID)).astype(np.float32)


def hidden_surfaces(params: dict, activation: str) -> np.ndarray:
    """Each hidden unit's activation over the input square, shaped (H, len(GRID), len(GRID))."""
    hidden, _ = predict(params, _grid_points(), activation)
    return hidden.T.reshape(-1, len(GRID), len(GRID))


def _points_trace(showlegend=False) -> go.Scatter:
    return go.Scatter(x=X_XOR[:, 0], y=X_XOR[:, 1], mode="markers+text", text=POINT_LABELS, textposition="top center",
                      marker=dict(size=14, color=POINT_COLORS, line=dict(width=2, color="white")),
                      name="XOR points", showlegend=showlegend, hoverinfo="text")


def _surface_trace(z, showscale=True, zmin=0.0, zmax=1.0) -> go.Heatmap:
    return go.Heatmap(x=GRID, y=GRID, z=z, zmin=zmin, zmax=zmax, colorscale=COLORSCALE, showscale=showscale,
                      colorbar=dict(title="output", len=0.9), name="output", hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>ŷ=%{z:.3f}<extra></extra>")


def loss_curve(series: dict, marker_epoch: int | None = None, title: str | None = None, tr=_same) -> go.Figure:
    """One line per implementation (name → per-epoch losses), log scale, with an optional epoch marker."""
    fig = go.Figure()
    for name, losses in series.items():
        fig.add_trace(go.Scatter(x=np.arange(len(losses)), y=np.asarray(losses), mode="lines", name=name))
    if marker_epoch is not None:
        fig.add_vline(x=marker_epoch, line_dash="dash", line_color="gray", annotation_text=tr("epoch {epoch}").format(epoch=marker_epoch))
    fig.update_layout(title=title or tr("Loss ½(y − ŷ)², mean over the 4 points"), xaxis_title=tr("epoch"), yaxis_title=tr("loss"), yaxis_type="log", height=340,
                      margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def training_replay(records: list[dict], activation: str, title: str = "", tr=_same) -> go.Figure:
    """Loss curve and decision boundary side by side, animated over the snapshots with a synced marker."""
    losses = np.concatenate([r["losses"] for r in records])
    epochs = np.arange(len(losses))
    fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.12,
                        subplot_titles=(tr("loss"), tr("output ŷ over the input square")))
    fig.add_trace(go.Scatter(x=epochs, y=losses, mode="lines", name="loss", line=dict(color="#636efa")), 1, 1)
    last = records[-1]
    fig.add_trace(go.Scatter(x=[last["epoch"]], y=[last["loss"]], mode="markers", name="now",
                             marker=dict(size=12, color="black")), 1, 1)
    fig.add_trace(_surface_trace(output_surface(last["params"], activation)), 1, 2)
    fig.add_trace(_points_trace(), 1, 2)
    fig.frames = [go.Frame(name=str(r["epoch"]), traces=[1, 2],
                           data=[go.Scatter(x=[r["epoch"]], y=[r["loss"]]),
                                 go.Heatmap(z=output_surface(r["params"], activation))]) for r in records]
    steps = [dict(method="animate", label=str(r["epoch"]),
                  args=[[str(r["epoch"])], dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))])
             for r in records]
    fig.update_layout(
        title=title, height=450, margin=dict(l=10, r=10, t=60, b=10), showlegend=False,
        yaxis=dict(type="log", title=tr("loss")), xaxis=dict(title=None),
        xaxis2=dict(title="x1", range=[-0.5, 1.5]), yaxis2=dict(title="x2", range=[-0.5, 1.5], scaleanchor="x2"),
        sliders=[dict(active=len(records) - 1, steps=steps, currentvalue=dict(prefix=tr("epoch") + " "),
                      x=0.12, len=0.88, y=-0.08, pad=dict(t=30))],
        updatemenus=[dict(type="buttons", showactive=False, x=0, y=-0.08, xanchor="left", yanchor="top", pad=dict(t=45),
                          buttons=[dict(label="▶ " + tr("replay"), method="animate",
                                        args=[None, dict(frame=dict(duration=120, redraw=True), fromcurrent=False, mode="immediate")])])],
    )
    return fig


def decision_boundary(params: dict, activation: str, title: str = "Output ŷ") -> go.Figure:
    fig = go.Figure([_surface_trace(output_surface(params, activation)), _points_trace()])
    fig.add_trace(go.Contour(x=GRID, y=GRID, z=output_surface(params, activation), showscale=False,
                             contours=dict(start=0.5, end=0.5, size=1, coloring="none"), line=dict(color="black", width=2),
                             name="ŷ = 0.5", hoverinfo="skip"))
    fig.update_layout(title=title, height=380, xaxis_title="x1", yaxis_title="x2", margin=dict(l=10, r=10, t=50, b=10),
                      yaxis=dict(scaleanchor="x"))
    return fig


def hidden_units(params: dict, activation: str, tr=_same) -> go.Figure:
    """Small multiples: what each hidden unit computes over the input square."""
    surfaces = hidden_surfaces(params, activation)
    count = len(surfaces)
    cols = min(4, count)
    rows = int(np.ceil(count / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[tr("hidden unit {i}").format(i=i + 1) for i in range(count)],
                        horizontal_spacing=0.04, vertical_spacing=0.12)
    zmin = float(min(0.0, surfaces.min()))
    zmax = float(max(1.0, surfaces.max()))
    for i, z in enumerate(surfaces):
        row, col = divmod(i, cols)
        fig.add_trace(_surface_trace(z, showscale=(i == 0), zmin=zmin, zmax=zmax), row + 1, col + 1)
        fig.add_trace(_points_trace(), row + 1, col + 1)
    fig.update_traces(textposition="top center", selector=dict(type="scatter"), text=None)
    fig.update_xaxes(range=[-0.5, 1.5], showticklabels=False)
    fig.update_yaxes(range=[-0.5, 1.5], showticklabels=False)
    fig.update_layout(height=230 * rows + 40, margin=dict(l=10, r=10, t=40, b=10), showlegend=False)
    return fig


def hidden_space(params: dict, activation: str, tr=_same) -> go.Figure:
    """The four points as the hidden layer sees them: XOR becomes linearly separable there."""
    hidden, out = predict(params, X_XOR, activation)
    marker = dict(size=12, color=POINT_COLORS, line=dict(width=1, color="black"))
    if hidden.shape[1] >= 3:
        fig = go.Figure(go.Scatter3d(x=hidden[:, 0], y=hidden[:, 1], z=hidden[:, 2], mode="markers+text",
                                     text=POINT_LABELS, marker=marker, name="points"))
        fig.update_layout(scene=dict(xaxis_title="h1", yaxis_title="h2", zaxis_title="h3"),
                          title=tr("Hidden space (first three units)"))
    elif hidden.shape[1] == 2:
        fig = go.Figure(go.Scatter(x=hidden[:, 0], y=hidden[:, 1], mode="markers+text", text=POINT_LABELS,
                                   textposition="top center", marker=marker, name="points"))
        w = params["w2"][:, 0]
        b = float(params["b2"].reshape(-1)[0]) if params.get("b2") is not None else 0.0
        span = np.linspace(min(hidden[:, 0].min(), 0) - 0.2, max(hidden[:, 0].max(), 1) + 0.2, 50)
        if abs(w[1]) > 1e-9:
            fig.add_trace(go.Scatter(x=span, y=-(b + w[0] * span) / w[1], mode="lines", name=tr("output ŷ = 0.5"),
                                     line=dict(dash="dash", color="black")))
        fig.update_layout(xaxis_title="h1", yaxis_title="h2", title=tr("Hidden space with the output's line ŷ = 0.5"),
                          yaxis=dict(range=[hidden[:, 1].min() - 0.3, hidden[:, 1].max() + 0.3]))
    else:
        fig = go.Figure(go.Scatter(x=hidden[:, 0], y=np.zeros(4), mode="markers+text", text=POINT_LABELS,
                                   textposition="top center", marker=marker, name="points"))
        fig.update_layout(xaxis_title="h1", yaxis=dict(visible=False),
                          title=tr("Hidden space: one unit is a line; no single threshold separates XOR"))
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=50, b=10), showlegend=False)
    return fig


def success_rates(sizes, rates, tr=_same) -> go.Figure:
    fig = go.Figure(go.Bar(x=[str(s) for s in sizes], y=100 * np.asarray(rates), text=[f"{100 * r:.0f}%" for r in rates],
                           textposition="outside", marker_color="#2ca02c", name="solved"))
    fig.update_layout(title=tr("Nets that solve XOR"), xaxis_title=tr("hidden units"), yaxis_title=tr("% of seeds"),
                      yaxis_range=[0, 110], height=340, margin=dict(l=10, r=10, t=50, b=10))
    return fig


def epochs_to_solve(sizes, epoch_lists, tr=_same) -> go.Figure:
    fig = go.Figure()
    for size, epochs in zip(sizes, epoch_lists):
        if len(epochs):
            fig.add_trace(go.Box(y=epochs, name=str(size), boxpoints="outliers", marker_color="#9467bd"))
    fig.update_layout(title=tr("Epochs until all four outputs are right"), xaxis_title=tr("hidden units"),
                      yaxis_title=tr("epochs"), height=340, showlegend=False, margin=dict(l=10, r=10, t=50, b=10))
    return fig
