"""Plotly figures for the CNN and drawing pages; no training code here."""
import numpy as np
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

MARGIN = dict(l=10, r=10, t=50, b=10)


def _same(text: str) -> str:
    return text


def training_curves(records: list[dict], tr=_same) -> go.Figure:
    """Training loss per logged interval and per-epoch accuracies, against epochs (fractional)."""
    logs = [r for r in records if r.get("kind") == "log"]
    epochs = [r for r in records if "test_accuracy" in r]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = [r["epoch"] - 1 + r["batch"] / r["batches_per_epoch"] for r in logs]
    fig.add_trace(go.Scatter(x=x, y=[r["loss"] for r in logs], mode="lines+markers", name=tr("training loss"),
                             marker=dict(size=4)), secondary_y=False)
    if epochs:
        ex = [r["epoch"] - 1 + r["batch"] / r["batches_per_epoch"] for r in epochs]
        fig.add_trace(go.Scatter(x=ex, y=[100 * r["train_accuracy"] for r in epochs], mode="lines+markers",
                                 name=tr("train accuracy %")), secondary_y=True)
        fig.add_trace(go.Scatter(x=ex, y=[100 * r["test_accuracy"] for r in epochs], mode="lines+markers",
                                 name=tr("test accuracy %")), secondary_y=True)
    fig.update_xaxes(title_text=tr("epoch"))
    fig.update_yaxes(title_text=tr("loss"), secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text=tr("accuracy %"), secondary_y=True, range=[0, 100], dtick=20)
    fig.update_layout(title=tr("Training loss and accuracy"), height=360, margin=MARGIN, legend=dict(orientation="h", y=-0.25))
    return fig


def learning_rate_schedule(records: list[dict], tr=_same) -> go.Figure:
    logs = [r for r in records if r.get("kind") in ("log", "done")]
    fig = go.Figure(go.Scatter(x=[r["step"] for r in logs], y=[r["lr"] for r in logs], mode="lines", line_shape="hv",
                               name=tr("learning rate")))
    fig.update_layout(title=tr("Learning rate per step (StepLR halves it every 5 epochs by default)"), xaxis_title=tr("step"),
                      yaxis_title=tr("learning rate"), yaxis_type="log", height=320, margin=MARGIN)
    return fig


def confusion_matrix(matrix: np.ndarray, tr=_same) -> go.Figure:
    """Rows: true digit; columns: predicted digit; hover shows counts."""
    fig = go.Figure(go.Heatmap(z=matrix, x=[str(i) for i in range(10)], y=[str(i) for i in range(10)],
                               colorscale="Blues", text=matrix, texttemplate="%{text}",
                               hovertemplate=tr("true %{y}, predicted %{x}: %{z}") + "<extra></extra>"))
    fig.update_layout(title=tr("Confusion matrix (test split)"), xaxis_title=tr("predicted"), yaxis_title=tr("true"),
                      yaxis_autorange="reversed", xaxis_dtick=1, yaxis_dtick=1, height=460, margin=MARGIN)
    return fig


def image_grid(images: np.ndarray, titles: list[str], columns: int = 8, title: str = "", colorscale="gray",
               height_per_row: int = 110, zmid=None) -> go.Figure:
    """Small multiples of 2-D arrays (e.g. digits, filters, feature maps) with a title each."""
    images = np.asarray(images, dtype=np.float32)
    count = len(images)
    columns = max(1, min(columns, count))
    rows = int(np.ceil(count / columns))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles, horizontal_spacing=0.01,
                        vertical_spacing=min(0.3 / max(rows, 1), 0.08))
    for i, image in enumerate(images):
        row, col = divmod(i, columns)
        kwargs = dict(zmid=zmid) if zmid is not None else {}
        fig.add_trace(go.Heatmap(z=image, colorscale=colorscale, showscale=False, hoverinfo="skip", **kwargs),
                      row + 1, col + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_annotations(font_size=11)
    fig.update_layout(title=title, height=height_per_row * rows + 60, margin=dict(l=5, r=5, t=60, b=5))
    return fig


def feature_map_grid(maps: np.ndarray, title: str) -> go.Figure:
    """One small heatmap per channel of a conv layer's activations."""
    return image_grid(maps, [str(i + 1) for i in range(len(maps))], columns=16, colorscale="Viridis", title=title,
                      height_per_row=80)


def probabilities(probs: np.ndarray, tr=_same) -> go.Figure:
    """Bar chart of the ten class probabilities, the winner highlighted."""
    probs = np.asarray(probs).reshape(-1)
    best = int(np.argmax(probs))
    colors = ["#6C5CE7" if i == best else "#b2bec3" for i in range(10)]
    fig = go.Figure(go.Bar(x=[str(i) for i in range(10)], y=probs, marker_color=colors,
                           text=[f"{p:.0%}" for p in probs], textposition="outside", name=tr("probability")))
    fig.update_layout(title=tr("What the CNN thinks"), xaxis_title=tr("digit"), xaxis_dtick=1, yaxis_title=tr("probability"), yaxis_range=[0, 1.1],
                      height=320, margin=MARGIN)
    return fig


def digit_image(image: np.ndarray, title: str, colorscale="gray") -> go.Figure:
    fig = px.imshow(np.asarray(image), color_continuous_scale=colorscale, zmin=0, title=title)
    fig.update_layout(coloraxis_showscale=False, height=260, margin=dict(l=5, r=5, t=40, b=5))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig
