"""Plotly figures for the CNN and drawing pages; no training code here."""

import base64
import io
from collections.abc import Mapping

import numpy as np
import plotly.colors as pc
import plotly.express as px
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

MARGIN = dict(l=10, r=10, t=50, b=10)


def _same(text: str) -> str:
    return text


def training_curves(records, tr=_same) -> go.Figure:
    """Training loss and train accuracy at every logged step, test accuracy after each epoch, against epochs
    (fractional): with one epoch these are lines, not single dots."""
    logs = [r for r in records if _kind(r) == "log"]
    tested = [r for r in records if field(r, "test_accuracy") is not None]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = [_epoch_position(r) for r in logs]
    fig.add_trace(
        go.Scatter(
            x=x, y=[field(r, "loss") for r in logs], mode="lines+markers", name=tr("training loss"), marker=dict(size=4)
        ),
        secondary_y=False,
    )
    fig.add_trace(_percent_trace(logs, "train_accuracy", tr("train accuracy %"), size=4), secondary_y=True)
    if tested:
        fig.add_trace(_percent_trace(tested, "test_accuracy", tr("test accuracy %"), size=9), secondary_y=True)
    fig.update_xaxes(title_text=tr("epoch"))
    fig.update_yaxes(title_text=tr("loss"), secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text=tr("accuracy %"), secondary_y=True, range=[0, 100], dtick=20)
    fig.update_layout(
        title=tr("Training loss and accuracy"), height=360, margin=MARGIN, legend=dict(orientation="h", y=-0.25)
    )
    return fig


def learning_rate_schedule(records: list[dict], tr=_same) -> go.Figure:
    logs = [r for r in records if r.get("kind") in ("log", "done")]
    fig = go.Figure(
        go.Scatter(
            x=[r["step"] for r in logs],
            y=[r["lr"] for r in logs],
            mode="lines",
            line_shape="hv",
            name=tr("learning rate"),
        )
    )
    fig.update_layout(
        title=tr("Learning rate per step (StepLR halves it every 5 epochs by default)"),
        xaxis_title=tr("step"),
        yaxis_title=tr("learning rate"),
        yaxis_type="log",
        height=320,
        margin=MARGIN,
    )
    return fig


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


def feature_map_grid(maps: np.ndarray, title: str) -> go.Figure:
    """One small heatmap per channel of a conv layer's activations."""
    # 8 columns, not 16: on a phone 16 columns left maps of about 15 px.
    return image_grid(
        maps, [str(i + 1) for i in range(len(maps))], columns=8, colorscale="Viridis", title=title, height_per_row=90
    )


def probabilities(probs: np.ndarray, tr=_same) -> go.Figure:
    """Bar chart of the ten class probabilities, the winner highlighted."""
    probs = np.asarray(probs).reshape(-1)
    best = int(np.argmax(probs))
    colors = ["#6C5CE7" if i == best else "#b2bec3" for i in range(10)]
    fig = go.Figure(
        go.Bar(
            x=[str(i) for i in range(10)],
            y=probs,
            marker_color=colors,
            text=[f"{p:.0%}" for p in probs],
            textposition="outside",
            name=tr("probability"),
        )
    )
    fig.update_layout(
        title=tr("What the CNN thinks"),
        xaxis_title=tr("digit"),
        xaxis_dtick=1,
        yaxis_title=tr("probability"),
        yaxis_range=[0, 1.1],
        height=320,
        margin=MARGIN,
    )
    return fig


def probability_bars(probs: np.ndarray, tr=_same) -> go.Figure:
    """The ten probabilities as compact bars beside the Draw page's answer: 150 px tall, so the answer and the pad
    fit on a phone's screen together; only probabilities of 5% or more are written over their bars (ten labels do
    not fit in a phone's width)."""
    probs = np.asarray(probs).reshape(-1)
    best = int(np.argmax(probs))
    fig = go.Figure(
        go.Bar(
            x=[str(i) for i in range(10)],
            y=probs,
            marker_color=["#6C5CE7" if i == best else "#b2bec3" for i in range(10)],
            text=[f"{p:.0%}" if p >= 0.05 else "" for p in probs],
            textposition="outside",
            cliponaxis=False,
            name=tr("probability"),
            hovertemplate=tr("digit") + " %{x}: %{y:.1%}<extra></extra>",
        )
    )
    fig.update_layout(height=150, margin=dict(l=4, r=4, t=22, b=4), yaxis_range=[0, 1], yaxis_visible=False)
    fig.update_xaxes(type="category", tickfont_size=13, fixedrange=True)
    fig.update_yaxes(fixedrange=True)
    return fig


def digit_image(image: np.ndarray, title: str, colorscale="gray") -> go.Figure:
    fig = px.imshow(np.asarray(image), color_continuous_scale=colorscale, zmin=0, title=title)
    fig.update_layout(coloraxis_showscale=False, height=260, margin=dict(l=5, r=5, t=40, b=5))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


# ---- records, read the same whether they are dicts or typed records ----


def field(record, name: str, default=None):
    """A record's field, for dict records and typed (dataclass) records alike."""
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def _kind(record) -> str:
    kind = field(record, "kind", "")
    return str(getattr(kind, "value", kind))


def _epoch_position(record) -> float:
    return field(record, "epoch") - 1 + field(record, "batch") / max(1, field(record, "batches_per_epoch"))


def _percent_trace(records, name: str, label: str, size: int) -> go.Scatter:
    """A record field in % against epochs; test accuracy (one point an epoch) is drawn with diamonds."""
    return go.Scatter(
        x=[_epoch_position(r) for r in records],
        y=[100 * field(r, name) for r in records],
        mode="lines+markers",
        marker=dict(size=size, symbol="diamond" if name == "test_accuracy" else "circle"),
        name=label,
    )


def accuracy_curves(records, tr=_same) -> go.Figure:
    """Train accuracy at every logged step (a running average over the epoch so far) and test accuracy after each
    epoch, on one axis of epochs: a gap that opens between them is overfitting."""
    logged = [r for r in records if _kind(r) in ("log", "epoch", "done") and field(r, "train_accuracy") is not None]
    tested = [r for r in records if field(r, "test_accuracy") is not None]
    fig = go.Figure()
    fig.add_trace(_percent_trace(logged, "train_accuracy", tr("train accuracy (running, this epoch)"), size=5))
    fig.add_trace(_percent_trace(tested, "test_accuracy", tr("test accuracy (after the epoch)"), size=10))
    low = min(
        [100 * field(r, "train_accuracy") for r in logged] + [100 * field(r, "test_accuracy") for r in tested] + [90.0]
    )
    fig.update_layout(
        title=tr("Train and test accuracy"),
        xaxis_title=tr("epoch"),
        yaxis_title=tr("accuracy %"),
        yaxis_range=[max(0.0, low - 2), 100.5],
        height=340,
        margin=MARGIN,
        legend=dict(orientation="h", y=-0.3),
    )
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


# ---- inside the CNN ----

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
