"""The CNN's engineering, for the curious (the Under the hood page): why the page trains faster than the post's
script with the same forward and backward, and how the Draw page reads a digit in milliseconds."""

import streamlit as st
import torch

from core import cnn
from core.cnn import mixed_precision
from core.cnn import timing as cnn_timing
from core.cnn import training as cnn_training
from core.cnn.cost import LESSON_MACS
from core.serving.device import precision_offer, resolve_device, resolve_precision
from ui import training
from ui.common import t
from ui.teach import source


@st.cache_data(max_entries=1, show_spinner=False)
def _measured_gaps() -> tuple[float, float]:
    """difference_from_lesson for 16 random images on a fresh model (about 30 ms, once per process)."""
    generator = torch.Generator().manual_seed(0)
    images = torch.randn(16, 1, 28, 28, generator=generator)
    labels = torch.randint(0, 10, (16,), generator=generator)
    return cnn.difference_from_lesson(cnn.build_model(0), images, labels)


def faster_training() -> None:
    """Where the code that runs differs from the post's for speed: the post's form, the faster one, the proof."""
    st.markdown(
        t(
            "**What is the same.** For the same weights and the same batch of inputs, the page's forward pass "
            "gives the post's outputs and its backward pass the post's gradients: the check at the end measures "
            "both. What is not the post's: the page normalises the pixels (`Normalize((0.1307,), (0.3081,))`, "
            "which the post does not do) and draws its own shuffled batches, so a whole run is not the post's "
            "run step for step."
        )
    )
    st.markdown(t("**1. Pooling before ReLU.** The post writes `pool(relu(conv(x)))`:"))
    source(cnn.lesson_forward)
    st.markdown(
        t(
            "ReLU is non-decreasing (a larger input never gives a smaller output), so it never changes which "
            "value of a 2×2 window is the largest: relu(max(a, b)) = max(relu(a), relu(b)). Pooling first gives "
            "the same numbers, and ReLU then touches 4× fewer values, in place. The page's model runs this:"
        )
    )
    source(cnn.CNN.forward)
    st.markdown(
        t(
            "**2. `uint8` batches already in memory, `channels_last`.** The post's `DataLoader` turns each image "
            "into a tensor one by one. The page keeps the data as one `uint8` tensor (one byte a pixel) and "
            "builds each batch in one step: the `ToTensor()` arithmetic, then the page's `Normalize`, in the "
            "memory order (`channels_last`) that the CPU's convolutions run fastest on. A test checks that these "
            "batches equal those of a `DataLoader` with the same two transforms, value for value."
        )
    )
    source(cnn_training._Tally.batches)
    st.markdown(
        t(
            "**3. Fused Adam.** Adam updates every weight tensor in several small steps (its two running "
            "averages, then the weight). The fused version does all of them for all tensors in one pass; the "
            "arithmetic is Adam's:"
        )
    )
    source(cnn_training._make_optimizer)
    st.markdown(
        t(
            "**4. The proof.** This check runs both forms on the same images with the same weights and compares "
            "every output and every gradient; the tests run it too:"
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


def image_to_probabilities() -> None:
    """The Draw page's speed, measured now on this server with the ready-made model."""
    timing = cnn_timing.time_reading(training.ready_model(), cnn_timing.sample_canvas(0))
    st.markdown(
        t(
            "The Draw page answers while you draw. Measured now on this server, for a test digit drawn on the "
            "280×280 canvas (median of {runs} runs, ready-made model): preprocessing {prep:.1f} ms, the CNN "
            "{net:.1f} ms, **{total:.1f} ms** from the canvas to ten probabilities.",
            runs=timing.runs,
            prep=timing.preprocess_ms,
            net=timing.network_ms,
            total=timing.total_ms,
        )
    )
    st.markdown(
        t(
            "Preprocessing finds the ink, crops to it, fits it into a 20×20 box and centres it by its centre of "
            "mass in 28×28, as MNIST was made. The CNN's part is one forward pass, about {macs:.1f} million "
            "multiply-adds, and a softmax. The ready-made model is read once per server process and shared by "
            "every visitor; a stroke reruns only the drawing part of the page, and the costly views (saliency, "
            "feature maps) are computed only while their section is open.",
            macs=LESSON_MACS / 1e6,
        )
    )


def sixteen_bits() -> None:
    """The Precision setting: what autocast does, where it sits (outside the recipe), and what it costs."""
    st.markdown(
        t(
            "A float32 number has 24 bits of mantissa; bfloat16 keeps float32's 8 exponent bits (the same range) and "
            "only 8 bits of mantissa, about 2 to 3 decimal digits. A CPU with AMX, or a GPU, multiplies bfloat16 "
            "matrices several times faster than float32. With Precision set to bfloat16, `torch.autocast` runs the "
            "convolutions and the fully connected layers on 16-bit copies of the weights; the weights themselves, "
            "their gradients and Adam's averages stay float32, so the small updates of late training are not "
            "rounded away. The loss is computed from float32 logits."
        )
    )
    st.markdown(
        t(
            "The recipe's `train_epoch` is the lesson's loop, unchanged: it is handed the model wrapped like this, "
            "one `with torch.autocast(...)` around each batch's forward pass:"
        )
    )
    source(mixed_precision.Autocast)
    offer = precision_offer(resolve_device(None))
    st.info(
        t(
            "On this server: {offer} With the setting on auto, a run here trains in {name}.",
            offer=t(offer.template, **dict(offer.values)),
            name=resolve_precision("auto", resolve_device(None)).name,
        )
    )
    st.markdown(
        t(
            "**What it costs.** On the 8,000-image sample, 2 epochs, the same seed and the same batches: test "
            "accuracy 97.90% in bfloat16 against 98.00% in float32 (seed 0). A GPU without bfloat16 runs float16 "
            "instead, whose range is small, so the loss is multiplied before the backward pass and the gradients "
            "divided back (`GradScaler`). The CNN page shows the difference on your own last runs."
        )
    )
