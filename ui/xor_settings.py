"""The XOR page's settings form: one widget per declared Setting, read back as an XorSettings."""

import streamlit as st

from core.xor import experiment as xe
from core.xor.experiment import XorSettings
from ui.common import plain, setting_widget, t

IMPLEMENTATION_LABELS = {"numpy": "NumPy (from scratch)", "torch": "PyTorch", "both": "Both side by side"}
ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
INIT_LABELS = {"rand": "np.random.rand: U[0, 1) (lesson)", "uniform": "U[−1, 1)", "xavier": "Xavier/Glorot"}
DERIVATIVE_LABELS = {"output": "the output ŷ = σ(A) (right)", "pre_activation": "the weighted input A (the trap)"}
TORCH_START_LABELS = {
    "post": "The post's: biases, PyTorch's own random start",
    "numpy_start": "No biases, NumPy's starting weights",
}


def settings_form() -> XorSettings:
    left, middle, right = st.columns(3)
    with left:
        implementation = setting_widget(st.radio, xe.IMPLEMENTATION, format_func=lambda k: t(IMPLEMENTATION_LABELS[k]))
        hidden = setting_widget(st.slider, xe.HIDDEN)
        activation = setting_widget(st.selectbox, xe.ACTIVATION, format_func=lambda k: ACTIVATION_LABELS[k])
    with middle:
        lr = setting_widget(st.select_slider, xe.LEARNING_RATE)
        epochs = setting_widget(st.number_input, xe.EPOCHS, step=500)
        seed = setting_widget(st.number_input, xe.SEED)
    with right:
        init = setting_widget(st.selectbox, xe.INIT, format_func=lambda k: t(INIT_LABELS[k]))
        biases = setting_widget(st.checkbox, xe.BIASES)
        derivative_of = setting_widget(st.radio, xe.DERIVATIVE, format_func=lambda k: t(DERIVATIVE_LABELS[k]))
        torch_start = setting_widget(st.radio, xe.TORCH_START, format_func=lambda k: t(TORCH_START_LABELS[k]))
    if derivative_of == "pre_activation" and implementation != "numpy":
        st.caption(t("The trap changes only the NumPy net: PyTorch's autograd always uses the right derivative."))
    return XorSettings(
        implementation=implementation,
        hidden_size=int(hidden),
        learning_rate=float(lr),
        epochs=int(epochs),
        seed=int(seed),
        biases=bool(biases),
        activation=activation,
        init=init,
        derivative_of=derivative_of,
        torch_start=torch_start,
    )


def show_problems(settings: XorSettings) -> bool:
    """Each problem of the settings as an error (a link's values as plain text); True when there are any."""
    problems = settings.problems()
    for template, values in problems:
        st.error(t(template, **{k: plain(v) if isinstance(v, str) else v for k, v in values.items()}))
    return bool(problems)
