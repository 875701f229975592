"""Plotly figures of the inside view (core.cnn.explain): feature-map mosaics and pixels to click, what each input
map adds to a conv 2 pixel, and the last layer's logits beside their softmax."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.cnn.figures import _same, colorize, png_data_uri

MAP_GAP = 2  # empty pixels between the tiles of a feature-map mosaic


def mosaic_columns(count: int, size: int) -> int:
    """How many maps per row: about 8 tiles of 28 px data (or 8 of 14), so each map stays readable on a phone too."""
    return min(count, 8)


def mosaic(maps: np.ndarray, columns: int) -> np.ndarray:
    """Maps (C×H×W) tiled into one array, each scaled to its own maximum, NaN between tiles."""
    count, size = len(maps), maps.shape[-1]
    rows = -(-count // columns)
    step = size + MAP_GAP
    out = np.full((rows * step - MAP_GAP, columns * step - MAP_GAP), np.nan, dtype=np.float32)
    peaks = np.abs(maps).reshape(count, -1).max(1)
    scaled = maps / np.where(peaks > 0, peaks, 1.0)[:, None, None]
    for index, tile in enumerate(scaled):
        row, col = divmod(index, columns)
        out[row * step : row * step + size, col * step : col * step + size] = tile
    return out


def feature_map_picker(maps: np.ndarray, selected: int | None, tr=_same) -> go.Figure:
    """All maps of a layer as one picture (one PNG draws at once; as a heatmap it was 150 kB of numbers), with an
    invisible point at each map's centre to click: plotly selects scatter points, not image pixels.

    A click anywhere picks the nearest centre (no hover cutoff), and in a grid of equal tiles that is the centre of
    the tile clicked. One point a map, not a 4×4 grid of them: the browser rebuilt 16 invisible markers a map on
    every click (conv 2: 1,024 of them, about 9,000 DOM changes)."""
    count, size = len(maps), maps.shape[-1]
    columns = mosaic_columns(count, size)
    step = size + MAP_GAP
    fig = go.Figure(
        go.Image(source=png_data_uri(colorize(mosaic(maps, columns), zmin=0.0, zmax=1.0, scale=1)), hoverinfo="skip")
    )
    rows_of, cols_of = np.divmod(np.arange(count), columns)
    centre = (size - 1) / 2
    fig.add_trace(
        go.Scatter(
            x=(cols_of * step + centre).astype(np.float32),
            y=(rows_of * step + centre).astype(np.float32),
            mode="markers",
            customdata=np.arange(1, count + 1, dtype=np.int16),
            showlegend=False,
            marker=dict(symbol="square", size=12, opacity=0),
            hovertemplate=tr("map %{customdata}: click to open it") + "<extra></extra>",
        )
    )
    if selected is not None:
        row, col = divmod(int(selected), columns)
        fig.add_shape(
            type="rect",
            x0=col * step - 1.5,
            x1=col * step + size + 0.5,
            y0=row * step - 1.5,
            y1=row * step + size + 0.5,
            line=dict(color="#e17055", width=3),
        )
    rows = -(-count // columns)
    fig.update_xaxes(visible=False, range=[-2, columns * step - MAP_GAP + 1])
    fig.update_yaxes(visible=False, range=[rows * step - MAP_GAP + 1, -2], scaleanchor="x")
    # Plotly cannot size a figure to its width's aspect: this fits a 480-px wide column (a phone shows some margin).
    fig.update_layout(
        height=10 + round(480 * rows / columns),
        margin=dict(l=5, r=5, t=5, b=5),
        hoverdistance=-1,
        dragmode=False,
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def pixel_picker(feature_map: np.ndarray, selected: tuple[int, int], tr=_same) -> go.Figure:
    """One feature map as a picture with an invisible point on each pixel to click (plotly selects scatter points,
    not image pixels); the chosen pixel and its 2×2 pooling window are outlined."""
    size = feature_map.shape[-1]
    rows, cols = np.divmod(np.arange(size * size, dtype=np.int16), size)
    values = np.round(feature_map.reshape(-1).astype(np.float32), 3)
    fig = go.Figure(go.Image(source=png_data_uri(colorize(feature_map, scale=1)), hoverinfo="skip"))
    fig.add_trace(
        go.Scatter(
            x=cols,
            y=rows,
            mode="markers",
            customdata=np.stack([rows + 1, cols + 1, values], 1),  # counted from 1, as the page counts maps
            marker=dict(symbol="square", size=max(6, 300 // size), opacity=0),
            showlegend=False,
            hovertemplate=tr("row %{customdata[0]}, column %{customdata[1]}: %{customdata[2]:.3f}") + "<extra></extra>",
        )
    )
    r, c = selected
    top, left = r - r % 2, c - c % 2
    fig.add_shape(
        type="rect",
        x0=left - 0.5,
        x1=left + 1.5,
        y0=top - 0.5,
        y1=top + 1.5,
        line=dict(color="#fdcb6e", width=2, dash="dot"),
    )
    fig.add_shape(type="rect", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5, y1=r + 0.5, line=dict(color="#e17055", width=3))
    fig.update_xaxes(visible=False, range=[-0.6, size - 0.4])
    fig.update_yaxes(visible=False, range=[size - 0.4, -0.6], scaleanchor="x")
    fig.update_layout(height=320, margin=dict(l=5, r=5, t=5, b=5), hoverdistance=5, dragmode=False)
    return fig


def channel_contributions(sums: np.ndarray, tr=_same) -> go.Figure:
    """What each input map adds to one conv 2 pixel (its 3×3 products summed): red pushes up, blue pulls down."""
    colors = ["#d63031" if v > 0 else "#0984e3" for v in sums]
    fig = go.Figure(
        go.Bar(
            x=np.arange(1, len(sums) + 1),
            y=sums,
            marker_color=colors,
            showlegend=False,
            hovertemplate=tr("input map %{x}: %{y:.4f}") + "<extra></extra>",
        )
    )
    fig.update_layout(
        title=tr("What each input map adds"),
        xaxis_title=tr("input map"),
        height=260,
        margin=dict(l=10, r=10, t=40, b=10),
    )
    return fig


def logits_bars(z: np.ndarray, probabilities: np.ndarray, label: int | None, tr=_same) -> go.Figure:
    """Logits and probabilities side by side: softmax keeps the order but squeezes the scores into 0..1."""
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=(tr("logits z"), tr("probabilities softmax(z)")), horizontal_spacing=0.12
    )
    digits = [str(d) for d in range(10)]
    best = int(np.argmax(probabilities))
    colors = ["#6C5CE7" if d == best else ("#00b894" if d == label else "#b2bec3") for d in range(10)]
    fig.add_trace(
        go.Bar(x=digits, y=z, marker_color=colors, showlegend=False, hovertemplate="z%{x} = %{y:.3f}<extra></extra>"),
        1,
        1,
    )
    fig.add_trace(
        go.Bar(
            x=digits,
            y=probabilities,
            marker_color=colors,
            showlegend=False,
            hovertemplate="p%{x} = %{y:.4f}<extra></extra>",
        ),
        1,
        2,
    )
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(range=[0, 1.05], row=1, col=2)
    fig.update_layout(height=260, margin=dict(l=10, r=10, t=40, b=10))
    return fig
