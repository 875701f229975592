"""Inside the CNN, the arithmetic of one pixel with the real numbers: its convolution (conv 1: one 3×3 patch;
conv 2: every input map's), its ReLU and 2×2 max-pool, and the softmax of the last layer."""

import numpy as np
import streamlit as st

from core.cnn import figures as cnn_figures
from core.cnn import inside_figures
from ui.common import plot, t


def picture(values: np.ndarray, colorscale: str = "Viridis", zmin=None, zmax=None, scale: int = 4) -> str:
    """A small picture as a PNG data URI: it travels inside the page, where a NumPy array passed to st.image becomes
    a media file the browser fetches in a request of its own (eight of them made opening the view slow)."""
    return cnn_figures.png_data_uri(cnn_figures.colorize(values, colorscale, zmin, zmax, scale=scale))


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


def where(pixel) -> str:
    """The pixel's place as the page counts everywhere: maps, rows and columns from 1 (core indexes from 0)."""
    return t(
        "Convolution at row {row}, column {col} of map {map}",
        row=pixel.row + 1,
        col=pixel.col + 1,
        map=pixel.channel + 1,
    )


def conv1_arithmetic(pixel) -> None:
    st.markdown("**" + where(pixel) + "**")
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


def conv2_arithmetic(pixel, key: str) -> None:
    channels = len(pixel.patch)
    st.markdown("**" + where(pixel) + "**")
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
        st.image(picture(_tiles(pixel.patch), scale=6))
        st.image(picture(_tiles(pixel.kernel), "RdBu_r", *_symmetric(pixel.kernel), scale=6))
    with right:
        plot(inside_figures.channel_contributions(sums, tr=t), key=f"{key}_contrib")
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


def relu_and_pool(pixel, window) -> None:
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


def softmax_steps(soft) -> None:
    st.markdown("**" + t("The last layer: ten scores become probabilities") + "**")
    plot(inside_figures.logits_bars(soft.logits, soft.probabilities, soft.label, tr=t), key=None)
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
