"""XOR playground: the lesson's 2-layer net from scratch and in PyTorch, trained live."""
import numpy as np
import streamlit as st

from core import xor_experiment, xor_figures
from core.gradcheck import gradient_check
from core.xor_experiment import XorSettings
from core.xor_numpy import X_XOR, Y_XOR, predict, train_many
from ui.common import plot, t, url_widget
from ui.teach import recipe
from ui.teach_xor import xor_numpy_explained

LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0]
IMPLEMENTATION_LABELS = {"numpy": "NumPy (from scratch)", "torch": "PyTorch", "both": "Both side by side"}
ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
INIT_LABELS = {"rand": "np.random.rand: U[0, 1) (lesson)", "uniform": "U[−1, 1)", "xavier": "Xavier/Glorot"}
DERIVATIVE_LABELS = {"output": "the output ŷ = σ(A) (right)", "pre_activation": "the pre-activation A (the trap)"}


def settings_form() -> XorSettings:
    left, middle, right = st.columns(3)
    with left:
        implementation = url_widget(st.radio, t("Implementation"), "xor_impl", "numpy", options=list(IMPLEMENTATION_LABELS),
                                    format_func=lambda k: t(IMPLEMENTATION_LABELS[k]))
        hidden = url_widget(st.slider, t("Hidden units"), "xor_hidden", 2, min_value=1, max_value=xor_experiment.MAX_HIDDEN)
        activation = url_widget(st.selectbox, t("Hidden activation"), "xor_act", "sigmoid", options=list(ACTIVATION_LABELS),
                                format_func=lambda k: ACTIVATION_LABELS[k])
    with middle:
        lr = url_widget(st.select_slider, t("Learning rate (log scale)"), "xor_lr", 0.5, options=LEARNING_RATES)
        epochs = url_widget(st.number_input, t("Epochs"), "xor_epochs", 10_000, min_value=1,
                            max_value=xor_experiment.MAX_EPOCHS, step=500)
        seed = url_widget(st.number_input, t("Random seed"), "xor_seed", 0, min_value=0, max_value=2**31 - 1)
    with right:
        init = url_widget(st.selectbox, t("Initial weights"), "xor_init", "rand", options=list(INIT_LABELS),
                          format_func=lambda k: t(INIT_LABELS[k]))
        biases = url_widget(st.checkbox, t("Biases"), "xor_bias", False,
                            help=t("The lesson's net has none: every neuron's line passes through the origin."))
        derivative_of = url_widget(st.radio, t("sigmoid_derivative is given"), "xor_deriv", "output",
                                   options=list(DERIVATIVE_LABELS), format_func=lambda k: t(DERIVATIVE_LABELS[k]))
    if derivative_of == "pre_activation" and implementation != "numpy":
        st.caption(t("The trap changes only the NumPy net: PyTorch's autograd always uses the right derivative."))
    return XorSettings(implementation, int(hidden), float(lr), int(epochs), int(seed), bool(biases), activation, init,
                       derivative_of)


@st.cache_data(max_entries=32, show_spinner=False)
def train_runs(settings: XorSettings) -> dict:
    """name → list of training records; deterministic for the settings, so visitors share the result."""
    return {name: list(run) for name, run in xor_experiment.runs(settings).items()}


def show_summary(results: dict) -> None:
    columns = st.columns(len(results))
    for column, (name, records) in zip(columns, results.items()):
        info = xor_experiment.summary(records)
        with column:
            if info["diverged"]:
                st.error(t("{name}: the loss became NaN/inf — the learning rate is too large; try a smaller one.", name=name))
                continue
            verdict = t("solves XOR ✅") if info["solved"] else t("does not solve XOR yet ❌")
            st.metric(t("{name} final loss", name=name), f"{info['final loss']:.5f}", help=verdict)
            st.caption(f"{name} {verdict}")


def show_replays(results: dict, settings: XorSettings) -> None:
    columns = st.columns(len(results))
    for column, (name, records) in zip(columns, results.items()):
        with column:
            plot(xor_figures.training_replay(records, settings.activation, title=t("{name}: drag the slider or press replay", name=name), tr=t), key=f"replay_{name}")
    if len(results) > 1:
        losses = {name: np.concatenate([r["losses"] for r in records]) for name, records in results.items()}
        plot(xor_figures.loss_curve(losses, title=t("Both losses (PyTorch's MSELoss is the mean of (y − ŷ)², so its gradient is half as large at the same lr)"), tr=t), key="both_losses")


@st.fragment
def show_inside(results: dict, settings: XorSettings) -> None:
    """Snapshot views; moving the snapshot slider reruns only this part of the page."""
    name = st.radio(t("Look inside"), list(results), horizontal=True, key="xor_inside") if len(results) > 1 else next(iter(results))
    records = results[name]
    epochs = [r["epoch"] for r in records]
    epoch = st.select_slider(t("Training snapshot (epoch)"), epochs, value=epochs[-1], key=f"xor_snapshot_{name}")
    record = records[epochs.index(epoch)]
    losses = np.concatenate([r["losses"] for r in records])
    left, right = st.columns(2)
    with left:
        plot(xor_figures.loss_curve({name: losses}, marker_epoch=epoch, tr=t), key="inside_loss")
    with right:
        plot(xor_figures.decision_boundary(record["params"], settings.activation, title=t("Output ŷ at epoch {epoch:,}", epoch=epoch)), key="inside_boundary")
    st.markdown(t("**Each hidden unit draws its own boundary**; the output combines them."))
    plot(xor_figures.hidden_units(record["params"], settings.activation, tr=t), key="inside_units")
    left, right = st.columns([3, 2])
    with left:
        plot(xor_figures.hidden_space(record["params"], settings.activation, tr=t), key="inside_space")
    with right:
        hidden, outputs = predict(record["params"], X_XOR, settings.activation)
        rows = [{"x1": int(a), "x2": int(b), t("target"): int(y), "ŷ": round(float(o), 4),
                 t("right?"): "✅" if (o > 0.5) == (y > 0.5) else "❌"}
                for (a, b), y, o in zip(X_XOR, Y_XOR.reshape(-1), outputs.reshape(-1))]
        st.markdown(t("**Outputs at epoch {epoch:,}**", epoch=epoch))
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(t("In hidden space the four points can be split by one line (or plane): that is why one hidden layer solves XOR while a single neuron cannot."))


def _formatted(rows: list[dict]) -> list[dict]:
    return [{k: f"{v:.1e}" if isinstance(v, float) else v for k, v in row.items()} for row in rows]


def show_gradient_check(settings: XorSettings) -> None:
    st.subheader(t("Gradient check: hand-written backprop vs torch autograd"))
    st.markdown(t("The same starting weights go through the lesson's `backward` maths and through torch autograd in float64, and through finite differences. `sigmoid_derivative(y) = y·(1 − y)` expects the sigmoid's **output** y = σ(A): that is why the lesson writes `output_delta = error * sigmoid_derivative(self.Y_hat)`."))
    right = xor_experiment.numpy_net(XorSettings(**{**xor_experiment.as_dict(settings), "derivative_of": "output"}))
    wrong = xor_experiment.numpy_net(XorSettings(**{**xor_experiment.as_dict(settings), "derivative_of": "pre_activation"}))
    left_col, right_col = st.columns(2)
    with left_col:
        st.markdown(t("**Given the output ŷ (right)**"))
        st.dataframe(_formatted(gradient_check(right)), hide_index=True, width="stretch")
    with right_col:
        st.markdown(t("**Given the pre-activation A (wrong)**"))
        st.dataframe(_formatted(gradient_check(wrong)), hide_index=True, width="stretch")
    st.caption(t("Right: differences around 1e-16 (autograd) and 1e-10 (finite differences). Wrong: differences as large as the gradients themselves."))


def show_derivative_question(settings: XorSettings) -> None:
    st.subheader(t("The lesson's question: what if sigmoid_derivative gets A instead of ŷ?"))
    st.markdown(t("`sigmoid_derivative(y) = y·(1 − y)` is only the sigmoid's slope when y is the sigmoid's output. Feed it the pre-activation A and every update points the wrong way by a different amount. Train both with this page's settings and compare:"))
    if st.button(t("Train it right and wrong"), key="xor_trap"):
        curves = {}
        for variant, label in (("output", t("σ'(ŷ): right")), ("pre_activation", t("σ'(A): the trap"))):
            changed = XorSettings(**{**xor_experiment.as_dict(settings), "implementation": "numpy", "derivative_of": variant})
            records = list(xor_experiment.runs(changed)["NumPy"])
            curves[label] = (np.concatenate([r["losses"] for r in records]), xor_experiment.summary(records))
        st.session_state["xor_trap_result"] = curves
    if "xor_trap_result" in st.session_state:
        curves = st.session_state["xor_trap_result"]
        plot(xor_figures.loss_curve({name: losses for name, (losses, _) in curves.items()}, tr=t), key="trap_losses")
        for name, (_, info) in curves.items():
            if info["diverged"]:
                st.caption(t("{name}: diverged; the weights blew up and the loss became NaN by epoch {epoch:,} ❌", name=name, epoch=info["epochs run"]))
                continue
            verdict = t("solves XOR ✅") if info["solved"] else t("does not solve XOR yet ❌")
            st.caption(t("{name}: final loss {loss:.4f}, {verdict}", name=name, loss=info["final loss"], verdict=verdict))


@st.cache_data(max_entries=64, show_spinner=False)
def many_seeds(hidden_size: int, epochs: int, learning_rate: float, biases: bool, init: str, activation: str):
    """(solved, epochs to solve) for seeds 0–99: deterministic, so every visitor can share the result."""
    result = train_many(hidden_size, range(100), epochs=epochs, learning_rate=learning_rate, biases=biases, init=init,
                        activation=activation)
    return result["solved"], result["epochs_to_solve"]


def show_many_seeds(settings: XorSettings) -> None:
    st.subheader(t("How often does it work? 100 seeds per hidden size"))
    st.markdown(t("Trains 100 nets at once for each hidden size 1–8 (vectorised NumPy), with this page's learning rate, epochs, biases, activation and initialisation."))
    if st.button(t("Run 100 seeds × hidden sizes 1–8"), key="xor_many"):
        sizes, rates, solve_epochs = list(range(1, 9)), [], []
        bar = st.progress(0.0)
        for size in sizes:
            solved, epochs_to_solve = many_seeds(size, settings.epochs, settings.learning_rate, settings.biases,
                                                 settings.init, settings.activation)
            rates.append(float(solved.mean()))
            solve_epochs.append(epochs_to_solve[solved])
            bar.progress(size / len(sizes), text=t("hidden size {size}: {rate:.0%} solved", size=size, rate=rates[-1]))
        bar.empty()
        st.session_state["xor_many_result"] = (sizes, rates, solve_epochs)
    if "xor_many_result" in st.session_state:
        sizes, rates, solve_epochs = st.session_state["xor_many_result"]
        left, right = st.columns(2)
        with left:
            plot(xor_figures.success_rates(sizes, rates, tr=t), key="many_rates")
        with right:
            plot(xor_figures.epochs_to_solve(sizes, solve_epochs, tr=t), key="many_epochs")


st.title(t("XOR: why a hidden layer is needed"))
st.markdown(t("XOR outputs 1 when exactly one input is 1. No single line separates those points, so one neuron cannot learn it; a hidden layer bends the space until one line can. Change the settings, press **Train**, and watch."))
with st.expander(t("📖 How it works: forward pass, backward pass, and the code that runs")):
    xor_numpy_explained()
settings = settings_form()
problems = settings.problems()
for template, values in problems:
    st.error(t(template, **values))
if st.button(t("Train"), type="primary", key="xor_train", disabled=bool(problems)) or (
        "xor_results" not in st.session_state and not problems):
    with st.spinner(t("Training…")):
        st.session_state["xor_results"] = (settings, train_runs(settings))
if "xor_results" in st.session_state:
    trained_settings, results = st.session_state["xor_results"]
    if trained_settings != settings:
        st.info(t("The settings changed: press **Train** to train with them. Showing the last run."))
    show_summary(results)
    show_replays(results, trained_settings)
    st.divider()
    show_inside(results, trained_settings)
    st.divider()
    show_gradient_check(trained_settings)
    st.divider()
    show_derivative_question(trained_settings)
    st.divider()
    show_many_seeds(trained_settings)
    with st.expander(t("🔥 The PyTorch recipe: XOR net and CNN side by side")):
        recipe()
