"""Explanations shared by the pages: the PyTorch recipe, the CNN's maths, and core code shown from its own source."""

import inspect
import textwrap

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core import cnn
from core.lesson.code import BLOCK, Block, in_language
from core.xor import torch_net as xor_torch
from ui.common import lang, t


def source(obj) -> None:
    """Show the code of a core function or class exactly as it runs, or a block of the post as the post wrote it
    (long lines wrap on narrow screens)."""
    text = in_language(obj.source(), lang()) if isinstance(obj, Block) else textwrap.dedent(inspect.getsource(obj))
    st.code(text, language="python", wrap_lines=True)


def recipe() -> None:
    """The lesson's recipe for any feed-forward net, for the XOR net and the CNN side by side."""
    st.markdown(
        t(
            "The same three steps train any feed-forward network in PyTorch: **define the model, pick a loss "
            "and an optimizer, write the training loop.**"
        )
    )
    titles = (t("1 · Define the model"), t("2 · Pick a loss and an optimizer"), t("3 · Write the training loop"))
    for title, xor_part, cnn_part in zip(titles, xor_torch.RECIPE, (BLOCK["cnn_model"], *cnn.RECIPE)):
        st.markdown(f"#### {title}")
        left, right = st.columns(2)
        with left:
            st.caption(t("XOR net"))
            source(xor_part)
        with right:
            st.caption(t("MNIST CNN"))
            source(cnn_part)
    st.markdown(
        t(
            "The CNN's loop can be fed by the post's own data pipeline directly: `ToTensor()` only, as the post "
            "writes it:"
        )
    )
    source(cnn.lesson_loader)
    st.markdown(
        t(
            "The page adds one step the post does not have: it also normalises each pixel with MNIST's mean and "
            "standard deviation, `Normalize((0.1307,), (0.3081,))`, so the inputs are centred near 0. Its Train "
            "button runs exactly this `train_epoch`, about ten times an epoch on a tenth of the batches each, so "
            "it can report progress and stop in between."
        )
    )
    under_the_hood_link(t("Why the page trains faster: under the hood"))


def under_the_hood_link(label: str) -> None:
    """One short line to the Under the hood page, where the engineering lives, out of the student's path."""
    try:
        st.page_link("views/under_the_hood.py", label=label, icon="🔧")
    except StreamlitPageNotFoundError:  # a view run on its own (AppTest.from_file) has no navigation to link into
        st.caption(f"🔧 {label} · {t('Under the hood')}")


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
        r"\begin{gathered} (x * k)_{ij} = b\, + \\"
        r" \sum_{c}\sum_{u,v=0}^{2} x_{c,\,i+u-1,\,j+v-1}\,k_{c,u,v} \\"
        r" \mathrm{ReLU}(z) = \max(0, z) \end{gathered}"
    )
    st.caption(
        t(
            "With padding 1, output pixel (i, j) reads the input pixels i−1 … i+1 and j−1 … j+1, centred on "
            "itself; outside the image the input counts as 0, so the output keeps the 28×28 size."
        )
    )
    st.markdown(
        t(
            "**Softmax and cross-entropy** turn the ten scores into probabilities and punish a low probability "
            "for the true digit:"
        )
    )
    st.latex(
        r"\begin{gathered} p_k = \frac{e^{z_k}}{\sum_j e^{z_j}},\qquad C = -\log p_{\text{true}} \\"
        r" \frac{\partial C}{\partial z_k} = p_k - [k = \text{true}] \end{gathered}"
    )
    st.markdown(
        t(
            "**Adam** keeps two running averages for each weight: m of its gradients g (the first moment) and v "
            "of their squares g² (the second moment). Its step divides the first by the square root of the "
            "second, so each weight gets a step of about lr whatever the size of its gradients:"
        )
    )
    st.latex(
        r"\begin{gathered} m \leftarrow \beta_1 m + (1-\beta_1)\,g \\"
        r" v \leftarrow \beta_2 v + (1-\beta_2)\,g^2 \\"
        r" w \leftarrow w - \mathrm{lr}\,\frac{\hat m}{\sqrt{\hat v} + \varepsilon} \end{gathered}"
    )
    st.caption(t("m̂ and v̂ are m and v corrected for starting at 0; PyTorch's defaults are β₁ = 0.9, β₂ = 0.999."))
    st.markdown(
        t(
            "**A loss of 2.30 means guessing.** A network that gives all ten digits the same probability 1/10 "
            "has loss −log(1/10) = ln 10 ≈ 2.30. Every run starts there; a run that stays there has learned "
            "nothing (the training doctor below the results says what to change)."
        )
    )
    st.markdown(t("The forward pass as the post writes it, run on the page's model:"))
    source(cnn.lesson_forward)
    under_the_hood_link(t("The page's faster forward: under the hood"))
