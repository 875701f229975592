"""Explanations shared by the pages: formulas, the chain rule, and the core code shown from its own source."""
import inspect
import textwrap

import streamlit as st

from core import cnn, xor_numpy, xor_torch
from ui.common import t


def source(obj) -> None:
    """Show the code of a core function or class exactly as it runs."""
    st.code(textwrap.dedent(inspect.getsource(obj)), language="python")


def xor_numpy_explained() -> None:
    st.markdown(t("**Forward pass.** Each layer multiplies by its weights, then squashes with an activation:"))
    st.latex(r"A_1 = X W_1,\quad Z_1 = \sigma(A_1),\quad A_2 = Z_1 W_2,\quad \hat y = \sigma(A_2),\quad C = \tfrac12 \sum (y - \hat y)^2")
    st.markdown(t("**Backward pass.** The chain rule walks back from the cost, one factor per step, as the lesson's comments do:"))
    st.latex(r"\frac{\partial C}{\partial W_2} = Z_1^{\top}\Big(\underbrace{-(y-\hat y)}_{dC/d\hat y}\odot\underbrace{\hat y(1-\hat y)}_{d\hat y/dA_2}\Big)")
    st.latex(r"\frac{\partial C}{\partial W_1} = X^{\top}\Big(\underbrace{\tfrac{\partial C}{\partial A_2} W_2^{\top}}_{dC/dZ_1}\odot\underbrace{Z_1(1-Z_1)}_{dZ_1/dA_1}\Big),\qquad W \leftarrow W - \eta\,\frac{\partial C}{\partial W}")
    st.markdown(t("The sigmoid's slope can be written with its own output: if y = σ(a) then σ'(a) = y·(1 − y). That is why `sigmoid_derivative` takes the **output**, and why the lesson calls `sigmoid_derivative(self.Y_hat)`, not `sigmoid_derivative(self.A2)`."))
    st.markdown(t("The code that runs on this page:"))
    for part in (xor_numpy.sigmoid_derivative, xor_numpy.SimpleNeuralNetwork.forward,
                 xor_numpy.SimpleNeuralNetwork.gradients, xor_numpy.SimpleNeuralNetwork.backward):
        source(part)


def recipe() -> None:
    """The lesson's recipe for any feed-forward net, for the XOR net and the CNN side by side."""
    st.markdown(t("The same three steps train any feed-forward network in PyTorch: **define the model, pick a loss and an optimizer, write the training loop.**"))
    steps = [
        (t("1 · Define the model"), xor_torch.XORNet, cnn.CNN),
        (t("2 · Pick a loss and an optimizer"), xor_torch.loss_and_optimizer, cnn.loss_and_optimizer),
        (t("3 · Write the training loop"), xor_torch.train, cnn.train),
    ]
    for title, xor_part, cnn_part in steps:
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


def preprocessing_explained() -> None:
    from core import digits

    st.markdown(t("MNIST's digits were written on paper, scanned, cropped to their ink, scaled so the longer side is 20 pixels, and placed in a 28×28 field with their centre of mass in the middle. A drawing has to go through the same steps, or the model sees something it never saw in training. This is the code that does it:"))
    source(digits.preprocess)
    left, right = st.columns(2)
    with left:
        source(digits._fit_box)
    with right:
        source(digits._place)
