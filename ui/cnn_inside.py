"""Inside the CNN for one digit: the network left to right with each tensor's shape, a feature map and pixel you
click, that pixel's convolution, ReLU and max-pool with the real numbers, and the softmax of the last layer."""

from functools import partial

import numpy as np
import streamlit as st

from core.cnn import explain as cnn_explain
from core.cnn import inside_figures
from core.cnn.explain import ConvLayer
from ui.cnn_arithmetic import conv1_arithmetic, conv2_arithmetic, picture, relu_and_pool, softmax_steps
from ui.common import plot, t
from ui.state import Cnn

CACHED_IMAGES = 4  # activations of the last few images (about 0.4 MB each), per session


def cached_activations(model, image: np.ndarray) -> cnn_explain.Activations:
    """One forward pass per (model, image) and session: choosing a map or a pixel computes nothing again."""
    cache = Cnn.INSIDE_CACHE.setdefault()
    digest = cnn_explain.image_digest(image)
    entry = cache.get((id(model), digest))
    if entry is None or entry[0] is not model:
        entry = (model, cnn_explain.activations(model, image))
        cache[(id(model), digest)] = entry
        while len(cache) > CACHED_IMAGES:
            cache.popitem(last=False)
    cache.move_to_end((id(model), digest))
    return entry[1]


def inside_cnn(model, image, label: int | None = None, key: str = "inside") -> None:
    """The whole view for one 28×28 image in [0, 1]; `label` is the true digit when it is known."""
    image = cnn_explain.as_image(image)
    acts = cached_activations(model, image)
    soft = cnn_explain.softmax(acts, label)
    _verdict(image, soft)
    _network_strip(acts)
    _explorer(model, acts, key)
    softmax_steps(soft)


def _verdict(image: np.ndarray, soft) -> None:
    left, right = st.columns([1, 3])
    left.image(picture(image, "gray", 0.0, 1.0, scale=4), width=112)
    with right:
        best = soft.prediction
        if soft.label is None:
            st.markdown(t("The CNN reads **{digit}** ({p:.1%} sure).", digit=best, p=soft.probabilities[best]))
        elif soft.label == best:
            st.markdown(
                t(
                    "True digit **{label}** · the CNN reads **{digit}** ({p:.1%}) ✅",
                    label=soft.label,
                    digit=best,
                    p=soft.probabilities[best],
                )
            )
        else:
            st.markdown(
                t(
                    "True digit **{label}** · the CNN reads **{digit}** ({p:.1%}) ❌; it gives {label} {q:.1%}.",
                    label=soft.label,
                    digit=best,
                    p=soft.probabilities[best],
                    q=soft.probabilities[soft.label],
                )
            )


def _shape(shape) -> str:
    return "×".join(str(n) for n in shape)


def _network_strip(acts) -> None:
    """Each tensor's shape, left to right; the conv stages show their first map, the rest their values."""
    st.markdown("**" + t("The network, left to right") + "**")
    pictures = [
        acts.x[0],
        acts.relu1[0],
        acts.pool1[0],
        acts.relu2[0],
        acts.pool2[0],
        acts.flat.reshape(-1, 49),
        acts.fc1.reshape(8, -1),
        acts.logits.reshape(1, 10),
    ]
    names = [
        t("input"),
        t("conv 1 + ReLU"),
        t("max-pool"),
        t("conv 2 + ReLU"),
        t("max-pool"),
        t("flatten"),
        t("fc 1 + ReLU"),
        t("fc 2: logits"),
    ]
    shapes = [
        acts.x.shape,
        acts.relu1.shape,
        acts.pool1.shape,
        acts.relu2.shape,
        acts.pool2.shape,
        acts.flat.shape,
        acts.fc1.shape,
        acts.logits.shape,
    ]
    row = st.container(horizontal=True, wrap=True, gap="small")  # wraps, where columns would stack on a phone
    for stage, name, shape in zip(pictures, names, shapes):
        scale = max(1, 96 // max(stage.shape))
        with row.container(width=104, gap=None):
            st.image(picture(stage, scale=scale), width=min(96, scale * stage.shape[1]))
            st.caption(f"{name} · {_shape(shape)}")
    st.caption(
        t(
            "conv keeps the size (padding 1), each max-pool halves it, flatten lines up {flat} numbers for the "
            "fully connected layers; the pictures show map 1 of each conv stage.",
            flat=acts.flat.size,
        )
    )


def _state(key: str, default):
    return st.session_state.setdefault(key, default)


def _clicked_index(chart_key: str, trace: int = 1) -> int | None:
    """The point index of the clicked marker of `trace`, or None; the selection is the browser's, so it is checked."""
    try:
        points = st.session_state[chart_key]["selection"]["points"]
        point = points[0]
        if int(point.get("curve_number", trace)) != trace:
            return None
        return int(point["point_index"])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None


def _on_map_click(chart_key: str, map_key: str, count: int, pixel_key: str) -> None:
    index = _clicked_index(chart_key)
    if index is not None and 0 <= index < count:
        st.session_state[map_key] = index
        st.session_state.pop(pixel_key, None)


def _on_pixel_click(chart_key: str, pixel_key: str, size: int) -> None:
    index = _clicked_index(chart_key)
    if index is not None and 0 <= index < size * size:
        st.session_state[pixel_key] = divmod(index, size)


# Plotly picks the point a click lands on from its last hover, and a finger never hovers: on a phone the first tap
# only hovered (a label), the second selected. Before plotly sees a touch on these charts, a mouse move at the same
# spot makes it hover there, so one tap selects. Constant JS of our own; it reads nothing the visitor sent.
TAP_SELECTS_JS = """
export default function ({ parentElement }) {
  const onDown = event => {
    if (event.pointerType !== 'touch') return;
    const drag = event.target.closest && event.target.closest('[class*="_tap_area"] .js-plotly-plot .nsewdrag');
    if (!drag) return;
    const move = { clientX: event.clientX, clientY: event.clientY, bubbles: true, cancelable: true, view: window };
    drag.dispatchEvent(new MouseEvent('mousemove', move));
  };
  document.addEventListener('pointerdown', onDown, true);
  return () => document.removeEventListener('pointerdown', onDown, true);
}
"""
_tap_selects = st.components.v2.component("nn_playground_tap_selects", js=TAP_SELECTS_JS)


@st.fragment
def _explorer(model, acts, key: str) -> None:
    """Pick a layer, a map and a pixel: only this part reruns, and it only reads the cached activations."""
    st.markdown("**" + t("Click a feature map, then a pixel of it") + "**")
    layer = st.segmented_control(
        t("Layer"),
        [ConvLayer.CONV1, ConvLayer.CONV2],
        default=ConvLayer.CONV1,
        required=True,
        key=f"{key}_layer",
        format_func=lambda v: t("conv 1") if v is ConvLayer.CONV1 else t("conv 2"),
    )
    layer = layer if isinstance(layer, ConvLayer) else ConvLayer.CONV1
    maps = acts.after_relu(layer)
    count, size = len(maps), maps.shape[-1]
    map_key, pixel_key = f"{key}_map_{layer.value}", f"{key}_pixel_{layer.value}"
    channel = min(int(_state(map_key, 0)), count - 1)
    row, col = _state(pixel_key, _brightest(maps[channel]))
    row, col = min(int(row), size - 1), min(int(col), size - 1)
    _tap_selects(key=f"{key}_tap")
    with st.container(key=f"{key}_tap_area"):
        left, right = st.columns([3, 2])
    with left:
        chart = f"{key}_maps_{layer.value}"
        st.caption(
            t("{count} maps of {size}×{size} after ReLU (each scaled to its own maximum)", count=count, size=size)
        )
        plot(
            inside_figures.feature_map_picker(maps, channel, tr=t),
            key=chart,
            selection_mode="points",
            on_select=partial(_on_map_click, chart, map_key, count, pixel_key),
        )
    with right:
        chart = f"{key}_pixels_{layer.value}"
        st.caption(t("map {map}: click a pixel", map=channel + 1))
        st.caption(t("Maps, rows and columns count from 1: row 1 is the top, column 1 the left."))
        plot(
            inside_figures.pixel_picker(maps[channel], (row, col), tr=t),
            key=chart,
            selection_mode="points",
            on_select=partial(_on_pixel_click, chart, pixel_key, size),
        )
    pixel = cnn_explain.conv_pixel(model, acts, layer, channel, row, col)
    if layer is ConvLayer.CONV1:
        conv1_arithmetic(pixel)
    else:
        conv2_arithmetic(pixel, key)
    relu_and_pool(pixel, cnn_explain.pool_window(acts, layer, channel, row, col))


def _brightest(feature_map: np.ndarray) -> tuple[int, int]:
    """Start on the map's strongest pixel: a zero there would teach little."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(feature_map)), feature_map.shape))
