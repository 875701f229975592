"""Explanations shared by the pages: the PyTorch recipe, the CNN's maths, and core code shown from its own source."""

import inspect
import textwrap

import streamlit as st
import torch

from core import cnn, xor_torch
from ui.common import t


def source(obj) -> None:
    """Show the code of a core function or class exactly as it runs (long lines wrap on narrow screens)."""
    st.code(textwrap.dedent(inspect.getsource(obj)), language="python", wrap_lines=True)


def recipe() -> None:
    """The lesson's recipe for any feed-forward net, for the XOR net and the CNN side by side."""
    st.markdown(
        t(
            "The same three steps train any feed-forward network in PyTorch: **define the model, pick a loss "
            "and an optimizer, write the training loop.**"
        )
    )
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
    st.markdown(t("The CNN's loop reads batches from the lesson's own data pipeline, and can be fed by it directly:"))
    source(cnn.lesson_loader)
    st.markdown(
        t(
            "The page's Train button runs exactly this `train_epoch`, about ten times an epoch on a tenth of "
            "the batches each, so it can report progress and stop in between."
        )
    )
    faster_form()


@st.cache_data(max_entries=1, show_spinner=False)
def _measured_gaps() -> tuple[float, float]:
    """difference_from_lesson for 16 random images on a fresh model (about 30 ms, once per process)."""
    generator = torch.Generator().manual_seed(0)
    images = torch.randn(16, 1, 28, 28, generator=generator)
    labels = torch.randint(0, 10, (16,), generator=generator)
    return cnn.difference_from_lesson(cnn.build_model(0), images, labels)


def faster_form() -> None:
    """Where the code that runs differs from the lesson's for speed: the lesson's form, the faster one, the proof."""
    st.markdown(f"#### {t('Why the page trains faster than the lesson, with the same numbers')}")
    st.markdown(t("**1. Pooling before ReLU.** The lesson writes `pool(relu(conv(x)))`:"))
    source(cnn.lesson_forward)
    st.markdown(
        t(
            "Max-pooling and ReLU are both monotone, so they can swap places: pooling first gives the same "
            "numbers, and ReLU then touches 4× fewer values, in place. The page's model runs this:"
        )
    )
    source(cnn.CNN.forward)
    st.markdown(
        t(
            "**2. Batches already in memory, `channels_last`.** The lesson's `DataLoader` turns each image "
            "into a tensor one by one. The page keeps the data as one `uint8` tensor and builds each batch "
            "in one step: the same `ToTensor()` and `Normalize((0.1307,), (0.3081,))` arithmetic, in the "
            "memory order (`channels_last`) that the CPU's convolutions run fastest on. A test checks that "
            "these batches equal the `DataLoader`'s, value for value."
        )
    )
    source(cnn._Tally.batches)
    st.markdown(
        t(
            "**3. The proof.** This check runs both forms on the same images and compares every output and "
            "every gradient; the tests run it too:"
        )
    )
    source(cnn.difference_from_lesson)
    outputs, gradients = _measured_gaps()
    st.success(
        t(
            "Measured now on 16 images: largest difference in the outputs {outputs:.1e}, in the gradients "
            "{gradients:.1e}.",
            outputs=outputs,
            gradients=gradients,
        )
    )


def cnn_explained() -> None:
    st.markdown(t("**Shapes.** One 28×28 grey image flows through the network like this:"))
    # Short lines, so each formula fits a 390-px phone without scrolling sideways.
    st.latex(
        r"\begin{gathered} 1{\times}28{\times}28 \xrightarrow{\text{conv}} 32{\times}28{\times}28 \\"
        r" \xrightarrow{\text{pool}} 32{\times}14{\times}14 \xrightarrow{\text{conv}} 64{\times}14{\times}14 \\"
        r" \xrightarrow{\text{pool}} 64{\times}7{\times}7 = 3136 \\"
        r" \xrightarrow{\text{fc}} 128 \xrightarrow{\text{fc}} 10 \end{gathered}"
    )
    st.markdown(
        t(
            "**Convolution** slides a small filter over the image; each output pixel is a weighted sum of a 3×3 "
            "neighbourhood. **ReLU** keeps positive values, **max-pooling** keeps the largest value of each 2×2 "
            "block:"
        )
    )
    st.latex(
        r"\begin{gathered} (x * k)_{ij} = \sum_{c,u,v} x_{c,\,i+u,\,j+v}\,k_{c,u,v} + b \\"
        r" \mathrm{ReLU}(z) = \max(0, z) \end{gathered}"
    )
    st.markdown(
        t(
            "**Softmax and cross-entropy** turn the ten scores into probabilities and punish a low probability "
            "for the true digit; **Adam** scales each weight's step by running averages of its gradients:"
        )
    )
    st.latex(
        r"\begin{gathered} p_k = \frac{e^{z_k}}{\sum_j e^{z_j}},\qquad C = -\log p_{\text{true}} \\"
        r" \frac{\partial C}{\partial z_k} = p_k - [k = \text{true}] \end{gathered}"
    )
    st.markdown(
        t(
            "**A loss of 2.30 means guessing.** A network that gives all ten digits the same probability 1/10 "
            "has loss −log(1/10) = ln 10 ≈ 2.30. Every run starts there; a run that stays there has learned "
            "nothing (the training doctor below the results says what to change)."
        )
    )
    st.markdown(t("The model as the page builds it:"))
    source(cnn.CNN)
