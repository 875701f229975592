"""Plotly figures shared by the CNN pages (small multiples, pictures as PNGs) and the Draw page's probability bars.
The figures of training runs, the test report and the inside view live beside them: training_figures.py,
report_figures.py and inside_figures.py."""

import base64
import io

import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

MARGIN = dict(l=10, r=10, t=50, b=10)


def _same(text: str) -> str:
    return text


def image_grid(
    images: np.ndarray,
    titles: list[str],
    columns: int = 8,
    title: str = "",
    colorscale="gray",
    height_per_row: int = 110,
    zmid=None,
) -> go.Figure:
    """Small multiples of 2-D arrays (e.g. digits, filters, feature maps) with a title each."""
    images = np.asarray(images, dtype=np.float32)
    count = len(images)
    columns = max(1, min(columns, count))
    rows = int(np.ceil(count / columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        horizontal_spacing=0.01,
        vertical_spacing=min(0.3 / max(rows, 1), 0.08),
    )
    for i, image in enumerate(images):
        row, col = divmod(i, columns)
        kwargs = dict(zmid=zmid) if zmid is not None else {}
        fig.add_trace(
            go.Heatmap(z=image, colorscale=colorscale, showscale=False, hoverinfo="skip", **kwargs), row + 1, col + 1
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    for i in range(count):  # square pixels in every tile: each y axis is tied to its own subplot's x axis (x, x2, …)
        row, col = divmod(i, columns)
        fig.update_yaxes(scaleanchor=f"x{i + 1}" if i else "x", row=row + 1, col=col + 1)
    fig.update_annotations(font_size=11)
    fig.update_layout(title=title, height=height_per_row * rows + 60, margin=dict(l=5, r=5, t=60, b=5))
    return fig


def png_data_uri(rgb: np.ndarray) -> str:
    """An RGB or RGBA uint8 picture as a PNG data URI."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def colorize(
    array: np.ndarray, colorscale: str = "Viridis", zmin: float | None = None, zmax: float | None = None, scale: int = 4
) -> np.ndarray:
    """A 2-D array as an RGB uint8 picture (each value a scale×scale block; NaN transparent, then RGBA): an image
    the browser draws at once."""
    values = np.asarray(array, dtype=np.float64)
    low = float(np.nanmin(values)) if zmin is None else zmin
    high = float(np.nanmax(values)) if zmax is None else zmax
    unit = np.clip((np.nan_to_num(values, nan=low) - low) / (high - low if high > low else 1.0), 0.0, 1.0)
    table = _lookup_table(colorscale)
    rgb = table[np.round(unit * 255).astype(np.int64)]
    if np.isnan(values).any():  # gaps between tiles: transparent
        rgb = np.concatenate([rgb, np.where(np.isnan(values), 0, 255).astype(np.uint8)[..., None]], axis=-1)
    return np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)


_tables: dict[str, np.ndarray] = {}


def _lookup_table(colorscale: str) -> np.ndarray:
    if colorscale not in _tables:
        colors = pc.sample_colorscale(colorscale, list(np.linspace(0, 1, 256)), colortype="tuple")
        _tables[colorscale] = np.round(np.asarray(colors) * (255 if max(max(c) for c in colors) <= 1 else 1)).astype(
            np.uint8
        )
    return _tables[colorscale]
