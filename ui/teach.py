"""Explanations shared by the pages: the PyTorch recipe, the CNN's maths, and core code shown from its own source."""
import inspect
import textwrap

import streamlit as st

from core import cnn, xor_torch
from ui.common import t


def source(obj) -> None:
    """Show the code of a core function or class exactly as it runs."""
    st.code(textwrap.dedent(inspect.getsource(obj)), language="python")


def recipe() -> None:
    """The lesson's recipe for any feed-forward net, for the XOR net and the CNN side by side."""
    st.markdown(t("The same three steps train any feed-forward network in PyTorch: **define the model, pick a loss and an optimizer, write the training loop.**"))
    titles = (t("1 · Define the model"), t("2 · Pick a loss and an optimizer"), t("3 · Write the training loop"))
    for title, xor_part, cnn_part in zip(titles, xor_torch.RECIPE, cnn.RECIPE):
        st.markdown(f"#### {title}")
        left, right = st.columns(2)
        with left:
            st.caption(t("XOR net"))
            source(xor_part)
        with right:
            st.caption(t("MNIST CNN"))
            source(cnn_part)


def cnn_explained() -> None:
    st.markdown(t("**Shapes.** One 28×28 grey image flows through the network like this:"))
    st.latex(r"1{\times}28{\times}28 \xrightarrow{\text{conv }3\times3} 32{\times}28{\times}28 \xrightarrow{\text{pool}} 32{\times}14{\times}14 \xrightarrow{\text{conv }3\times3} 64{\times}14{\times}14 \xrightarrow{\text{pool}} 64{\times}7{\times}7 = 3136 \xrightarrow{\text{fc}} 128 \xrightarrow{\text{fc}} 10")
    st.markdown(t("**Convolution** slides a small filter over the image; each output pixel is a weighted sum of a 3×3 neighbourhood. **ReLU** keeps positive values, **max-pooling** keeps the largest value of each 2×2 block:"))
    st.latex(r"(x * k)_{ij} = \sum_{c,u,v} x_{c,\,i+u,\,j+v}\,k_{c,u,v} + b,\qquad \mathrm{ReLU}(z) = \max(0, z)")
    st.markdown(t("**Softmax and cross-entropy** turn the ten scores into probabilities and punish a low probability for the true digit; **Adam** scales each weight's step by running averages of its gradients:"))
    st.latex(r"p_k = \frac{e^{z_k}}{\sum_j e^{z_j}},\qquad C = -\log p_{\text{true}},\qquad \frac{\partial C}{\partial z_k} = p_k - [k = \text{true}]")
    st.markdown(t("The model as the page builds it:"))
    source(cnn.CNN)
