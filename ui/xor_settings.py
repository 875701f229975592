"""The XOR page's settings form: one widget per declared Setting, read back as an XorSettings. A class link's
?hide= leaves a control out; its value then comes from the link or the default."""

import streamlit as st

from core.settings import Setting
from core.xor import experiment as xe
from core.xor.datasets import DATASET, FEATURE_SETTINGS, NOISE, POINTS, POST_XOR, TEST_SHARE
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
DATASET_LABELS = {
    "xor": "XOR: the post's four points",
    "xor_clouds": "XOR: four noisy clouds",
    "circle": "Circle",
    "spirals": "Two spirals",
    "moons": "Two moons",
    "blobs": "Gaussian blobs",
}


def link_value(setting: Setting):
    """A hidden control's value: the session's, else the link's (when valid), else the default."""
    if setting.key in st.session_state:
        return st.session_state[setting.key]
    raw = st.query_params.get(setting.key)
    try:
        return setting.default if raw is None else setting.parse(raw)
    except ValueError:
        st.warning(
            t(
                "The link's {key}={value} is not a valid setting here, so the default {default} is used.",
                key=setting.key,
                value=plain(raw[:40]),
                default=setting.default,
            )
        )
        return setting.default


def control(widget, setting: Setting, hidden: set[str], **kwargs):
    """The setting's widget, or its value without one when a class link hides it."""
    if setting.key in hidden:
        return link_value(setting)
    return setting_widget(widget, setting, **kwargs)


def _start_for_dataset() -> None:
    """Picking a data set sets the settings that learn it (xe.DATASET_START); the post's four points get the post's."""
    chosen = st.session_state[DATASET.key]
    for field, value in xe.DATASET_START.items():
        setting = xe.FIELD_SETTINGS[field]
        st.session_state[setting.key] = setting.default if chosen == POST_XOR else value


def _start_for_linked_dataset() -> None:
    """A link that names a data set, on the session's first run: what the link does not set starts as a pick would."""
    if DATASET.key in st.session_state or st.query_params.get(DATASET.key) in (None, POST_XOR):
        return
    for field, value in xe.DATASET_START.items():
        key = xe.FIELD_SETTINGS[field].key
        if key not in st.query_params and key not in st.session_state:
            st.session_state[key] = value


def data_form(hidden: set[str]) -> dict:
    """The data set, its noise, size and split, and the extra inputs."""
    _start_for_linked_dataset()
    left, middle, right = st.columns(3)
    with left:
        dataset = control(
            st.selectbox, DATASET, hidden, format_func=lambda k: t(DATASET_LABELS[k]), on_change=_start_for_dataset
        )
    values = {"dataset": dataset}
    if dataset != POST_XOR:
        with middle:
            values["noise"] = control(st.select_slider, NOISE, hidden)
            values["points"] = control(st.slider, POINTS, hidden, step=10)
        with right:
            values["test_percent"] = control(st.select_slider, TEST_SHARE, hidden)
    st.caption(t("Extra inputs, computed from x1 and x2 and fed to the net beside them:"))
    row = st.container(horizontal=True)
    with row:
        chosen = [name for name, setting in FEATURE_SETTINGS.items() if control(st.checkbox, setting, hidden)]
    values["features"] = tuple(chosen)
    return values


def settings_form(hidden: set[str] = frozenset()) -> XorSettings:
    data = data_form(hidden)
    left, middle, right = st.columns(3)
    with left:
        implementation = control(st.radio, xe.IMPLEMENTATION, hidden, format_func=lambda k: t(IMPLEMENTATION_LABELS[k]))
        hidden_size = control(st.slider, xe.HIDDEN, hidden)
        activation = control(st.selectbox, xe.ACTIVATION, hidden, format_func=lambda k: ACTIVATION_LABELS[k])
    with middle:
        lr = control(st.select_slider, xe.LEARNING_RATE, hidden)
        epochs = control(st.number_input, xe.EPOCHS, hidden, step=500)
        seed = control(st.number_input, xe.SEED, hidden)
    with right:
        init = control(st.selectbox, xe.INIT, hidden, format_func=lambda k: t(INIT_LABELS[k]))
        biases = control(st.checkbox, xe.BIASES, hidden)
        derivative_of = control(st.radio, xe.DERIVATIVE, hidden, format_func=lambda k: t(DERIVATIVE_LABELS[k]))
        torch_start = control(st.radio, xe.TORCH_START, hidden, format_func=lambda k: t(TORCH_START_LABELS[k]))
    if derivative_of == "pre_activation" and implementation != "numpy":
        st.caption(t("The trap changes only the NumPy net: PyTorch's autograd always uses the right derivative."))
    if data["dataset"] != POST_XOR:
        st.caption(
            t(
                "On a data set the cost is averaged over the training points, and biases start on: the post's net "
                "has none, so each hidden unit's line passes through (0, 0), a corner of the square, and cannot "
                "circle a cluster in the middle."
            )
        )
    return XorSettings(
        implementation=implementation,
        hidden_size=int(hidden_size),
        learning_rate=float(lr),
        epochs=int(epochs),
        seed=int(seed),
        biases=bool(biases),
        activation=activation,
        init=init,
        derivative_of=derivative_of,
        torch_start=torch_start,
        **data,
    )


def _use_spirals_recipe() -> None:
    for field, value in xe.SPIRALS_RECIPE.items():
        if field == "features":
            for name, setting in FEATURE_SETTINGS.items():
                st.session_state[setting.key] = name in value
        else:
            st.session_state[xe.FIELD_SETTINGS[field].key] = value


def spirals_hint(settings: XorSettings) -> None:
    """The spirals need more than the data sets' start: the page says which settings solve them."""
    if settings.dataset != "spirals":
        return
    st.info(
        t(
            "The two spirals are hard: with noise 0.05 and 300 points, 12 hidden units, tanh, learning rate 3, "
            "5,000 epochs and all five extra inputs the net reaches 96–100% test accuracy."
        )
    )
    st.button(t("Use these settings"), key="xor_spirals_recipe", on_click=_use_spirals_recipe)


def show_problems(settings: XorSettings) -> bool:
    """Each problem of the settings as an error (a link's values as plain text); True when there are any."""
    problems = settings.problems()
    for template, values in problems:
        st.error(t(template, **{k: plain(v) if isinstance(v, str) else v for k, v in values.items()}))
    return bool(problems)
