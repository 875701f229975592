"""Inside the CNN for one digit: the network left to right with each tensor's shape, a feature map and pixel you
click, that pixel's convolution, ReLU and max-pool with the real numbers, and the softmax of the last layer."""

from collections import OrderedDict
from functools import partial

import numpy as np
import streamlit as st

from core.cnn import explain as cnn_explain
from core.cnn import figures as cnn_figures
from core.cnn.explain import ConvLayer
from ui.common import plot, t

CACHE_KEY = "cnn_inside_cache"
CACHED_IMAGES = 4  # activations of the last few images (about 0.4 MB each), per session


def cached_activations(model, image: np.ndarray) -> cnn_explain.Activations:
    """One forward pass per (model, image) and session: choosing a map or a pixel computes nothing again."""
    cache: OrderedDict = st.session_state.setdefault(CACHE_KEY, OrderedDict())
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
    acts = cached_activations(model, cnn_explain.as_image(image))
    soft = cnn_explain.softmax(acts, label)
    _verdict(acts, soft)
    _network_strip(acts)
    _explorer(model, acts, key)
    _softmax_steps(soft)


def _verdict(acts, soft) -> None:
    left, right = st.columns([1, 3])
    left.image(_picture(acts.image, "gray", 0.0, 1.0, scale=4), width=112)
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


def _picture(values: np.ndarray, colorscale: str = "Viridis", zmin=None, zmax=None, scale: int = 4) -> str:
    """A small picture as a PNG data URI: it travels inside the page, where a NumPy array passed to st.image becomes
    a media file the browser fetches in a request of its own (eight of them made opening the view slow)."""
    return cnn_figures.png_data_uri(cnn_figures.colorize(values, colorscale, zmin, zmax, scale=scale))


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
    for picture, name, shape in zip(pictures, names, shapes):
        scale = max(1, 96 // max(picture.shape))
        with row.container(width=104, gap=None):
            st.image(_picture(picture, scale=scale), width=min(96, scale * picture.shape[1]))
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
            cnn_figures.feature_map_picker(maps, channel, tr=t),
            key=chart,
            selection_mode="points",
            on_select=partial(_on_map_click, chart, map_key, count, pixel_key),
        )
    with right:
        chart = f"{key}_pixels_{layer.value}"
        st.caption(t("map {map}: click a pixel", map=channel + 1))
        st.caption(t("Maps, rows and columns count from 1: row 1 is the top, column 1 the left."))
        plot(
            cnn_figures.pixel_picker(maps[channel], (row, col), tr=t),
            key=chart,
            selection_mode="points",
            on_select=partial(_on_pixel_click, chart, pixel_key, size),
        )
    pixel = cnn_explain.conv_pixel(model, acts, layer, channel, row, col)
    if layer is ConvLayer.CONV1:
        _conv1_arithmetic(pixel)
    else:
        _conv2_arithmetic(pixel, key)
    _relu_and_pool(pixel, cnn_explain.pool_window(acts, layer, channel, row, col))


def _brightest(feature_map: np.ndarray) -> tuple[int, int]:
    """Start on the map's strongest pixel: a zero there would teach little."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(feature_map)), feature_map.shape))


def _table(values: np.ndarray, bold: tuple[int, int] | None = None) -> str:
    """A small grid of numbers as a markdown table (numbers only: nothing a visitor typed)."""
    rows = []
    for i, line in enumerate(np.asarray(values)):
        cells = [_number(v) for v in line]
        if bold is not None and i == bold[0]:
            cells[bold[1]] = f"**{cells[bold[1]]}**"
        rows.append("| " + " | ".join(cells) + " |")
    header = "| " + " | ".join(" " for _ in range(values.shape[1])) + " |\n|" + "---:|" * values.shape[1]
    return header + "\n" + "\n".join(rows)


def _number(value: float) -> str:
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def _three_tables(patch: np.ndarray, kernel: np.ndarray, products: np.ndarray, patch_caption: str) -> None:
    for column, caption, values in zip(
        st.columns(3), (patch_caption, t("× kernel"), t("= products")), (patch, kernel, products)
    ):
        with column:
            st.caption(caption)
            st.markdown(_table(values))


def _where(pixel) -> str:
    """The pixel's place as the page counts everywhere: maps, rows and columns from 1 (core indexes from 0)."""
    return t(
        "Convolution at row {row}, column {col} of map {map}",
        row=pixel.row + 1,
        col=pixel.col + 1,
        map=pixel.channel + 1,
    )


def _conv1_arithmetic(pixel) -> None:
    st.markdown("**" + _where(pixel) + "**")
    _three_tables(
        pixel.patch[0],
        pixel.kernel[0],
        pixel.products[0],
        t("3×3 input patch (pixels normalised: (p − 0.1307) / 0.3081; 0 outside the image)"),
    )
    st.markdown(
        t(
            "Sum of the 9 products = {sum:.4f}; plus the bias {bias:.4f} gives **{total:.4f}**.",
            sum=float(pixel.products.sum()),
            bias=pixel.bias,
            total=pixel.total,
        )
    )


def _conv2_arithmetic(pixel, key: str) -> None:
    channels = len(pixel.patch)
    st.markdown("**" + _where(pixel) + "**")
    st.markdown(
        t(
            "conv 2 reads all {channels} maps of the layer before: one 3×3 kernel per input map, and every "
            "product is added up.",
            channels=channels,
        )
    )
    sums = pixel.channel_sums
    left, right = st.columns(2)
    with left:
        st.caption(t("The {channels} input patches (top) and kernels (bottom)", channels=channels))
        st.image(_picture(_tiles(pixel.patch), scale=6))
        st.image(_picture(_tiles(pixel.kernel), "RdBu_r", *_symmetric(pixel.kernel), scale=6))
    with right:
        plot(cnn_figures.channel_contributions(sums, tr=t), key=f"{key}_contrib")
    strongest = int(np.argmax(np.abs(sums)))
    options = list(range(channels))
    shown = st.selectbox(
        t("Input map to show in full"),
        options,
        index=strongest,
        key=f"{key}_in_channel",
        format_func=lambda c: t("map {map}: adds {value:.4f}", map=c + 1, value=sums[c]),
    )
    shown = shown if shown in options else strongest
    _three_tables(
        pixel.patch[shown], pixel.kernel[shown], pixel.products[shown], t("3×3 patch of input map {map}", map=shown + 1)
    )
    st.markdown(
        t(
            "Sum over all {count} products ({channels} maps × 9) = {sum:.4f}; plus the bias {bias:.4f} gives "
            "**{total:.4f}**.",
            count=channels * 9,
            channels=channels,
            sum=float(pixel.products.sum()),
            bias=pixel.bias,
            total=pixel.total,
        )
    )


def _tiles(stack: np.ndarray, columns: int = 8) -> np.ndarray:
    """C×3×3 → one picture of 3×3 tiles, 8 a row, NaN between them."""
    count = len(stack)
    rows = -(-count // columns)
    out = np.full((rows * 4 - 1, columns * 4 - 1), np.nan)
    for index, tile in enumerate(stack):
        r, c = divmod(index, columns)
        out[r * 4 : r * 4 + 3, c * 4 : c * 4 + 3] = tile
    return out


def _symmetric(values: np.ndarray) -> tuple[float, float]:
    peak = float(np.abs(values).max()) or 1.0
    return -peak, peak


def _relu_and_pool(pixel, window) -> None:
    st.markdown(t("**ReLU**: max(0, {total:.4f}) = **{relu:.4f}**", total=pixel.total, relu=pixel.relu))
    left, right = st.columns([1, 2])
    with left:
        st.caption(
            t(
                "2×2 max-pool window (rows {top}–{bottom}, columns {left}–{right})",
                top=window.top + 1,
                bottom=window.top + 2,
                left=window.left + 1,
                right=window.left + 2,
            )
        )
        best = np.unravel_index(int(np.argmax(window.values)), window.values.shape)
        st.markdown(_table(window.values, bold=(int(best[0]), int(best[1]))))
    with right:
        verdict = (
            t("This pixel is the window's maximum: it is kept.")
            if window.chosen_is_kept
            else t("A neighbour is larger: this pixel is dropped.")
        )
        st.markdown(
            t(
                "**Max-pool** keeps {kept:.4f} at row {row}, column {col} of the pooled map. {verdict}",
                kept=window.kept,
                row=window.pooled_row + 1,
                col=window.pooled_col + 1,
                verdict=verdict,
            )
        )
        st.caption(
            t(
                "The model's code pools before ReLU because it is faster; both orders give the same numbers, "
                "since ReLU is non-decreasing: it never changes which value is largest."
            )
        )


def _softmax_steps(soft) -> None:
    st.markdown("**" + t("The last layer: ten scores become probabilities") + "**")
    plot(cnn_figures.logits_bars(soft.logits, soft.probabilities, soft.label, tr=t), key=None)
    exp_header = "e^z" if soft.shift == 0 else t("e^(z − {shift:.1f})", shift=soft.shift)
    lines = [f"| {t('digit')} | z | {exp_header} | p |", "|---:|---:|---:|---:|"]
    for digit in range(10):
        mark = "**" if digit == soft.prediction else ""
        lines.append(
            f"| {mark}{digit}{mark} | {soft.logits[digit]:.3f} | {soft.exps[digit]:.4g} | "
            f"{mark}{soft.probabilities[digit]:.4f}{mark} |"
        )
    st.markdown("\n".join(lines))
    st.markdown(
        t(
            "Sum of the exponentials = {total:.4g}; each probability is its exponential divided by this sum.",
            total=soft.total,
        )
    )
    if soft.loss is not None:
        st.markdown(
            t(
                "Cross-entropy loss for the true digit {label}: −ln p{label} = −ln {p:.4f} = **{loss:.4f}**.",
                label=soft.label,
                p=soft.probabilities[soft.label],
                loss=soft.loss,
            )
        )
