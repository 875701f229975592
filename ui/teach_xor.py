"""The XOR page's explanations: formulas, the chain rule, and the lesson's code as it runs."""

import html
import inspect
import re
import textwrap

import numpy as np
import streamlit as st

from core.xor import numpy_net as xor_numpy
from ui.common import t
from ui.teach import source


def xor_numpy_explained() -> None:
    st.markdown(t("**Forward pass.** Each layer multiplies by its weights, then squashes with an activation:"))
    # Short lines, so each formula fits a 390-px phone without scrolling sideways.
    st.latex(
        r"\begin{gathered} A_1 = X W_1,\quad H = \sigma(A_1) \\"
        r" A_2 = H W_2,\quad \hat y = \sigma(A_2) \end{gathered}"
    )
    st.markdown(
        t(
            "**The loss** is the post's cost C: half the squared error, summed over the four points. Every XOR "
            "chart and number on this page is this C:"
        )
    )
    st.latex(r"C = \tfrac12\sum_{i=1}^{4} (y_i - \hat y_i)^2")
    st.markdown(t("One epoch is one update computed from all four points at once (full batch), as in the post's loop."))
    st.markdown(
        t(
            "**Backward pass.** The chain rule walks back from the cost, one factor per step, as the lesson's "
            "comments do:"
        )
    )
    st.latex(
        r"\frac{\partial C}{\partial W_2} = H^{\top}\Big(\underbrace{-(y-\hat y)}_{dC/d\hat y}\odot"
        r"\underbrace{\hat y(1-\hat y)}_{d\hat y/dA_2}\Big)"
    )
    st.latex(
        r"\begin{aligned} \frac{\partial C}{\partial W_1} &= X^{\top}\Big(\underbrace{\tfrac{\partial C}{\partial A_2}"
        r" W_2^{\top}}_{dC/dH} \\ &\qquad\odot\underbrace{H(1-H)}_{dH/dA_1}\Big) \end{aligned}"
    )
    st.markdown(
        t(
            "**The sign.** The post's `output_error = y − ŷ` is the *negative* gradient −∂C/∂ŷ. Every quantity "
            "computed from it carries that minus sign along, so `self.w2 += …` and `self.w1 += …` move against "
            "the gradient: adding is gradient descent."
        )
    )
    st.latex(
        r"\begin{gathered} \texttt{output\_error} = y - \hat y = -\frac{\partial C}{\partial \hat y} \\"
        r" W \leftarrow W - \eta\,\frac{\partial C}{\partial W}"
        r" \end{gathered}"
    )
    st.markdown(
        t(
            "The sigmoid's slope can be written with its own output: if y = σ(a) then σ'(a) = y·(1 − y). That is "
            "why `sigmoid_derivative` takes the **output**, and why the lesson calls "
            "`sigmoid_derivative(self.Y_hat)`, not `sigmoid_derivative(self.A2)`."
        )
    )
    st.markdown(t("The post's code as the post writes it; with the lesson's settings it is exactly what runs here:"))
    for part in (xor_numpy.sigmoid, xor_numpy.sigmoid_derivative, xor_numpy.SimpleNeuralNetwork):
        source(part)


def under_the_hood_xor() -> None:
    """The XOR page's engineering, for the curious: none of it is needed to follow the lesson."""
    st.markdown(
        t(
            "The page's options (other activations, initial weights, biases, the derivative trap) run in a "
            "subclass of the lesson's class, which checks them before it trains; with the lesson's options the "
            "page runs the lesson's class itself:"
        )
    )
    source(xor_numpy.PlaygroundNet)
    st.markdown(
        t(
            "With options, the backward pass's quantities come from one function, so the step-through view and "
            "the training use the same numbers:"
        )
    )
    source(xor_numpy.deltas)
    st.markdown(
        t(
            "“100 seeds per hidden size” trains 100 nets at once: their weights are stacked into one array and "
            "every matrix product runs on all of them together. Each net ends exactly where it would alone:"
        )
    )
    source(xor_numpy.train_many)
    st.markdown(
        t(
            "A run's results are kept and shared: a visitor who picks the same settings sees them at once. New "
            "runs take fair turns on the shared CPU, so one long run cannot hold up everyone else."
        )
    )


def step_code(net) -> list[str]:
    """The lines that computed one step on `net`: the post's forward and backward, or (with options) the forward
    pass, deltas and updates the page's net calls (written for one net or many stacked), then its `+=`."""
    if type(net) is xor_numpy.SimpleNeuralNetwork:
        parts = [net.forward, net.backward]
    else:
        parts = [xor_numpy.forward_pass, xor_numpy.deltas, xor_numpy.updates, type(net).backward]
    return [line for part in parts for line in textwrap.dedent(inspect.getsource(part)).splitlines()]


def line_of(lines: list[str], stage: str) -> int:
    """The index of the line that computes `stage` (a lesson name, or w1/w2 for the updates)."""
    pattern = re.compile(rf"^\s*(self\.)?{re.escape(stage)}\s*([+-]?=)")
    return next((i for i, line in enumerate(lines) if pattern.match(line)), -1)


def _short(value: np.ndarray) -> str:
    return np.array2string(
        np.asarray(value), precision=3, suppress_small=True, separator=", ", max_line_width=60
    ).replace("\n", " ")


def code_with_values(lines: list[str], stage: str, values: dict[str, np.ndarray]) -> None:
    """The code, each computed quantity printed under its line, the chosen stage's line highlighted."""
    rows = []
    for line in lines:
        match = next((name for name in values if line_of([line], name) == 0), None)
        lit = match == stage
        style = "background:#fff3b0;font-weight:600;" if lit else ""
        rows.append(f'<div style="{style}white-space:pre-wrap;">{html.escape(line) or " "}</div>')
        if match is not None:
            colour = "#7a4b00" if lit else "#666"
            rows.append(
                f'<div style="color:{colour};white-space:pre-wrap;padding-left:2em;">→ {html.escape(match)} = '
                f"{html.escape(_short(values[match]))}</div>"
            )
    st.html(
        '<div style="font-family:monospace;font-size:0.8rem;line-height:1.4;border:1px solid #ddd;'
        'border-radius:6px;padding:0.5rem;overflow-wrap:anywhere;">' + "".join(rows) + "</div>"
    )
