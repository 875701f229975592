"""The live view's picture as numbers: one frame record per redraw, which the page's canvas (ui/live_canvas.py) draws.
The output ŷ over the input square with each hidden unit's line and the points (test points hollow), above the
training and test loss on a log axis. A plotly figure was remounted by Streamlit's frontend on every redraw (a full
Plotly.newPlot, ~120 ms of the browser's time, and blank frames between): the canvas keeps its node and only paints.

Everything in a record is a number, a list of numbers or the page's own translated text: nothing a visitor typed."""

import math

import numpy as np
import plotly.colors

from core.xor.datasets import POST_XOR, Dataset
from core.xor.figures import (
    COLORSCALE,
    GRID,
    LOSS_AXIS,
    MAX_CURVE_POINTS,
    POINT_LABELS,
    loss_decades,
    output_surface,
    same_text,
    thinned,
)
from core.xor.numpy_net import X_XOR, Y_XOR
from core.xor.replay import unit_lines
from core.xor.watch import Watch

# COLORSCALE's stops as (position, [r, g, b]): the canvas interpolates between them as plotly does.
COLOR_STOPS = [
    [round(float(position), 2), [int(part) for part in color[4:-1].split(",")]]
    for position, color in plotly.colors.get_colorscale(COLORSCALE)
]


def _rounded(values, digits: int = 3) -> list:
    """Plain floats rounded to `digits` decimals; NaN and ±inf as None (JSON has neither)."""
    return [round(float(v), digits) if math.isfinite(v) else None for v in np.asarray(values, dtype=np.float64)]


def _significant(values) -> list:
    """Losses to 4 significant digits (the axis is logarithmic); NaN and ±inf as None."""
    return [float(f"{v:.4g}") if math.isfinite(v) else None for v in np.asarray(values, dtype=np.float64)]


def _segments(params) -> list[list[float]]:
    """Each hidden unit's line inside the square as [x0, y0, x1, y1] (unit_lines: its ends and middle, then None)."""
    xs, ys, _ = unit_lines(params)
    return [[round(xs[i], 4), round(ys[i], 4), round(xs[i + 2], 4), round(ys[i + 2], 4)] for i in range(0, len(xs), 4)]


def _points(X, y, hollow: bool) -> dict:
    """A group of points: x, y pairs in one flat list, and each point's class as a character ('1' red, '0' blue)."""
    classes = "".join("1" if value > 0.5 else "0" for value in np.asarray(y).reshape(-1))
    return {"xy": _rounded(np.asarray(X, dtype=np.float64).reshape(-1)), "cls": classes, "hollow": hollow}


def point_groups(data: Dataset) -> list[dict]:
    """The points as the figures show them: the post's four, large and labelled; a data set's training points
    filled and its test points hollow."""
    if data.name == POST_XOR:
        return [_points(X_XOR, Y_XOR, False) | {"big": True, "labels": POINT_LABELS}]
    return [_points(data.X_train, data.y_train, False), _points(data.X_test, data.y_test, True)]


def frame(watch: Watch, tr=same_text) -> dict:
    """The live view at the watch's epoch, JSON-able: the output grid, the units' lines, the losses so far (thinned
    to MAX_CURVE_POINTS), the loss axis's decades, the points and the labels."""
    params = watch.last.params
    epochs, losses = thinned(watch.losses)
    tested = np.array(watch.test_losses, dtype=np.float64).reshape(-1, 2)
    if len(tested) > MAX_CURVE_POINTS:
        tested = tested[thinned(tested[:, 1])[0]]
    has_lines, has_test = not params.features, len(watch.data.X_test) > 0
    text = {
        "label": tr("Output ŷ over the input square and the loss so far"),
        "title": tr("output ŷ and the hidden units' lines"),
        "lossTitle": tr("loss C"),
        "lossAxis": LOSS_AXIS,
        "epoch": tr("epoch"),
        "legend": {  # what the picture has: the units' lines (none with extra inputs), the test loss (on a data set)
            **({"unit": tr("each hidden unit's line")} if has_lines else {}),
            "train": tr("training loss"),
            **({"test": tr("test loss")} if has_test else {}),
        },
    }
    return {
        "id": f"{watch.number}:{watch.last.epoch}",
        "epochs": int(watch.settings.epochs),
        "grid": {
            "lo": float(GRID[0]),
            "hi": float(GRID[-1]),
            "n": len(GRID),
            "z": _rounded(output_surface(params, watch.settings.activation).reshape(-1)),  # rows along x2, from -0.5
        },
        "lines": _segments(params) if has_lines else [],
        "loss": {"x": [int(e) for e in epochs], "y": _significant(losses)},
        "test": {"x": [int(e) for e in tested[:, 0]], "y": _significant(tested[:, 1])},
        "decades": loss_decades([losses, tested[:, 1]]),
        "points": point_groups(watch.data),
        "text": text,
    }
