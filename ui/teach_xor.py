"""The XOR page's explanations: formulas, the chain rule, and the lesson's code as it runs."""
import streamlit as st

from core import xor_numpy
from ui.common import t
from ui.teach import source


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
