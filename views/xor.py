"""XOR playground: the lesson's 2-layer net from scratch and in PyTorch, trained live."""

import time
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from core.serving.compute import ServerBusy, Turn
from core.xor import experiment as xe
from core.xor import figures as xor_figures
from core.xor.experiment import XorSettings
from core.xor.export import xor_script
from core.xor.gradcheck import check_summary, gradient_check
from core.xor.numpy_net import X_XOR, Y_XOR, correct, predict, train_many
from ui import xor_history, xor_step
from ui.background import session_id
from ui.common import error_text, lazy_section, plain, plot, setting_widget, t
from ui.server import short_work
from ui.teach import recipe
from ui.teach_xor import xor_numpy_explained

IMPLEMENTATION_LABELS = {"numpy": "NumPy (from scratch)", "torch": "PyTorch", "both": "Both side by side"}
ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
INIT_LABELS = {"rand": "np.random.rand: U[0, 1) (lesson)", "uniform": "U[−1, 1)", "xavier": "Xavier/Glorot"}
DERIVATIVE_LABELS = {"output": "the output ŷ = σ(A) (right)", "pre_activation": "the weighted input A (the trap)"}
TORCH_START_LABELS = {
    "post": "The post's: biases, PyTorch's own random start",
    "numpy_start": "No biases, NumPy's starting weights",
}
LIVE_REDRAW_SECONDS = 0.3  # live charts redraw at most this often: each redraw costs the browser ~50 ms


@dataclass(frozen=True)
class Run:
    id: int
    settings: XorSettings
    results: dict  # implementation name → training records (shared with other visitors: read only)


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


def _live_update(placeholder, name: str, records: list[dict], settings: XorSettings, turn: Turn) -> None:
    losses = np.concatenate([r["losses"] for r in records])
    with placeholder.container():
        st.caption(
            t(
                "{name} training… epoch {epoch:,} of {epochs:,}",
                name=name,
                epoch=records[-1]["epoch"],
                epochs=settings.epochs,
            )
        )
        if turn.paused:
            st.caption(
                t("Someone is training a CNN on this shared server, so XOR takes turns with it and runs slower.")
            )
        plot(
            xor_figures.live_view(losses, records[-1]["params"], settings.activation, settings.epochs, tr=t),
            key=f"xor_live_{name}_{records[-1]['epoch']}",
        )


def train_live(settings: XorSettings, turn: Turn) -> dict:
    """Train each implementation, redrawing its loss and boundary while it trains."""
    placeholder = st.empty()
    results, last_drawn = {}, 0.0
    for name, run in xe.runs(settings).items():
        records = results.setdefault(name, [])
        for record in turn.paced(run):
            records.append(record)
            if time.monotonic() - last_drawn > LIVE_REDRAW_SECONDS:
                _live_update(placeholder, name, records, settings, turn)
                last_drawn = time.monotonic()
    placeholder.empty()
    return results


def trained(settings: XorSettings, live: bool = False) -> dict:
    """The records for these settings: shared across visitors, trained under the fair CPU gate when new."""
    results = xe.RESULTS.get(settings)
    if results is None:
        with short_work(session_id(), xe.cost_seconds(settings)) as turn:
            if live:
                results = train_live(settings, turn)
            else:
                results = {name: list(turn.paced(run)) for name, run in xe.runs(settings).items()}
        xe.RESULTS.put(settings, results)
    return results


def start_run(settings: XorSettings) -> None:
    try:
        results = trained(settings, live=True)
    except ServerBusy as exc:
        st.error(error_text(exc))
        return
    run_id = st.session_state.get("xor_run_count", 0) + 1
    st.session_state["xor_run_count"] = run_id
    st.session_state["xor_run"] = Run(run_id, settings, results)
    st.session_state.pop("xor_step", None)
    xor_history.add(run_id, settings, results)


def show_summary(run: Run) -> None:
    """Final numbers, export, and the loss curves (outside the snapshot view: moving that slider leaves them be)."""
    left, right = st.columns([2, 3])
    with left:
        show_verdicts(run)
        st.download_button(
            t("⬇ Download this run as a Python script (NumPy only)"),
            xor_script(run.settings),
            file_name="xor_run.py",
            mime="text/x-python",
            on_click="ignore",
            key="xor_export",
        )
    with right:
        losses = {name: np.concatenate([r["losses"] for r in records]) for name, records in run.results.items()}
        plot(xor_figures.loss_curve(losses, tr=t), key="xor_loss")
        if "PyTorch" in run.results:
            st.caption(
                t(
                    "PyTorch's MSELoss is the mean of (y − ŷ)² over the 4 points; its curve is drawn as 2 × MSELoss, "
                    "which is the post's C = ½Σ(y − ŷ)². Its gradient is half the hand-written one, so at the same "
                    "learning rate PyTorch takes half-size steps."
                )
            )
        if len(run.results) > 1 and run.settings.torch_start == "post":
            st.caption(
                t(
                    "The two nets also start differently: PyTorch's, as the post builds it, has biases and its own "
                    "random start. Choose “No biases, NumPy's starting weights” to compare like for like."
                )
            )


def show_verdicts(run: Run) -> None:
    columns = st.columns(len(run.results))
    for column, (name, records) in zip(columns, run.results.items()):
        info = xe.summary(records, run.settings, name)
        with column:
            if info.cause == "trap":
                st.error(
                    t(
                        "{name}: the loss became NaN at epoch {epoch:,}. The cause is the derivative trap: "
                        "sigmoid_derivative was given the weighted input A instead of the output ŷ, so the updates "
                        "point the wrong way and the weights blow up. Choose “the output ŷ” to fix it.",
                        name=name,
                        epoch=info.epochs_run,
                    )
                )
                continue
            if info.diverged:
                st.error(
                    t(
                        "{name}: the loss became NaN at epoch {epoch:,}: the learning rate is too large; try a "
                        "smaller one.",
                        name=name,
                        epoch=info.epochs_run,
                    )
                )
                continue
            verdict = t("solves XOR ✅") if info.solved else t("does not solve XOR yet ❌")
            st.metric(t("{name} final loss", name=name), f"{info.final_loss:.5f}", help=verdict)
            st.caption(f"{name} {verdict}")


def _outputs_table(record: dict, settings: XorSettings) -> list[dict]:
    _, outputs = predict(record["params"], X_XOR, settings.activation)
    right = correct(outputs)
    return [
        {
            "x1": int(a),
            "x2": int(b),
            t("target"): int(y),
            "ŷ": f"{o:.4f}",
            t("right?"): "✅" if ok else ("➖" if o == 0.5 else "❌"),
        }
        for (a, b), y, o, ok in zip(X_XOR, Y_XOR.reshape(-1), outputs.reshape(-1), right)
    ]


def replay_figure(run: Run, name: str):
    """The run's replay, built once per run, implementation and language (51 frames take ~120 ms to build): a rerun
    of the page for another reason reuses it."""
    key = (run.id, name, t("epoch"))
    kept = st.session_state.get("xor_replay")
    if kept is None or kept[0] != key:
        kept = (key, xor_figures.replay(run.results[name], run.settings.activation, tr=t))
        st.session_state["xor_replay"] = kept
    return kept[1]


@st.fragment
def show_inside(run: Run) -> None:
    """The run replayed in the browser (Play, Pause and scrubbing never ask the server), then the network and its
    outputs at the run's end. Choosing the implementation reruns only this part of the page."""
    results = run.results
    name = (
        st.radio(t("Look inside"), list(results), horizontal=True, key="xor_inside")
        if len(results) > 1
        else next(iter(results))
    )
    records = results[name]
    record, epoch = records[-1], records[-1]["epoch"]
    st.markdown(t("**Watch it learn.** Press ▶ Play, or drag the slider through the training snapshots."))
    plot(replay_figure(run, name), key="xor_replay")
    st.caption(
        t(
            "Left: the output ŷ over the input square, and each hidden unit's line (where its weighted input is "
            "0). Right: what each hidden unit and the output give for the four points. Below: the loss, marked at "
            "the snapshot shown."
        )
    )
    left, right = st.columns(2)
    with left:
        plot(
            xor_figures.network_diagram(
                record["params"], run.settings.activation, tr=t, title=t("The network at epoch {epoch:,}", epoch=epoch)
            ),
            key="xor_diagram",
        )
        st.caption(
            t(
                "Red edges are positive weights, blue negative, thicker is larger; each picture shows what that "
                "unit outputs over the input square."
            )
        )
    with right:
        st.markdown(t("**Outputs at epoch {epoch:,}**", epoch=epoch))
        st.table(_outputs_table(record, run.settings))
        st.caption(t("An output of exactly 0.5 is undecided (➖) and NaN is wrong: neither counts as solved."))
    space = lazy_section(t("Hidden space: where XOR becomes separable"), "xor_open_space")
    if space.open:
        with space:
            plot(xor_figures.hidden_space(record["params"], run.settings.activation, tr=t), key="xor_space")
            st.caption(
                t(
                    "In hidden space the four points can be split by one line (or plane): that is why one hidden "
                    "layer solves XOR while a single neuron cannot."
                )
            )


GRADCHECK_COLUMNS = (
    ("parameter", "parameter"),
    ("max |hand − autograd|", "vs autograd"),
    ("max |hand − finite diff|", "vs finite differences"),
    ("max |gradient|", "largest gradient"),
)


def _gradcheck_table(rows: list[dict]) -> list[dict]:
    return [
        {
            t(header): value if key == "parameter" else f"{value:.1e}"
            for key, header in GRADCHECK_COLUMNS
            for value in (row[key],)
        }
        for row in rows
    ]


def show_gradient_check(settings: XorSettings) -> None:
    st.markdown(
        t(
            "The same starting weights go through the lesson's `backward` maths and through torch autograd in "
            "float64, and through finite differences. `sigmoid_derivative(y) = y·(1 − y)` expects the sigmoid's "
            "**output** y = σ(A): that is why the lesson writes "
            "`output_delta = output_error * sigmoid_derivative(self.Y_hat)`."
        )
    )
    st.caption(t("Largest difference per weight matrix between the hand-written gradient and each check."))
    left, right = st.columns(2)
    measured = {}
    for column, variant, heading in (
        (left, "output", t("**Given the output ŷ (right)**")),
        (right, "pre_activation", t("**Given the weighted input A (wrong)**")),
    ):
        with column:
            st.markdown(heading)
            rows = gradient_check(xe.numpy_net(replace(settings, derivative_of=variant)))
            st.table(_gradcheck_table(rows))
            measured[variant] = check_summary(rows)
    right, wrong = measured["output"], measured["pre_activation"]
    st.caption(
        t(
            "Right: the hand-written gradient differs from autograd by at most {autograd:.0e} (float64 rounding) "
            "and from finite differences by at most {finite:.0e}. Wrong: differences up to {times:.2g} times the "
            "size of the gradients themselves.",
            autograd=right["autograd"],
            finite=right["finite"],
            times=wrong["relative"],
        )
    )
    if right["finite"] > 1e-6:  # only ReLU at its kink: finite differences straddle a corner that has no slope
        st.caption(
            t(
                "ReLU has no slope at exactly 0, where a unit with a zero bias sits for the input (0,0); finite "
                "differences step across that corner, so they disagree there. Autograd, like the hand-written "
                "code, takes the slope at 0 to be 0."
            )
        )


def _kept(key: str, settings: XorSettings):
    """A stored result, only while it belongs to these settings (else it is cleared, never shown unlabelled)."""
    stored = st.session_state.get(key)
    if stored is not None and stored[0] != settings:
        del st.session_state[key]
        return None
    return stored


def show_derivative_question(settings: XorSettings) -> None:
    st.markdown(
        t(
            "`sigmoid_derivative(y) = y·(1 − y)` is only the sigmoid's slope when y is the sigmoid's output. "
            "Feed it the weighted input A and every update points the wrong way by a different amount. Train "
            "both with this page's settings and compare:"
        )
    )
    if st.button(t("Train it right and wrong"), key="xor_trap"):
        curves = {}
        try:
            for variant, label in (("output", t("σ'(ŷ): right")), ("pre_activation", t("σ'(A): the trap"))):
                changed = replace(settings, implementation="numpy", derivative_of=variant)
                records = trained(changed)["NumPy"]
                curves[label] = (np.concatenate([r["losses"] for r in records]), xe.summary(records, changed))
            st.session_state["xor_trap_result"] = (settings, curves)
        except ServerBusy as exc:
            st.error(error_text(exc))
    stored = _kept("xor_trap_result", settings)
    if stored is None:
        return
    st.caption(
        t(
            "Trained with: {settings}",
            settings=xor_history.describe(
                replace(settings, implementation="numpy"), skip=("derivative_of", "torch_start")
            ),
        )
    )
    curves = stored[1]
    plot(
        xor_figures.loss_curve({name: losses for name, (losses, _) in curves.items()}, tr=t, log_epochs=True),
        key="trap_losses",
    )
    for name, (_, info) in curves.items():
        if info.diverged:
            st.caption(
                t(
                    "{name}: diverged; the weights blew up and the loss became NaN at epoch {epoch:,} ❌",
                    name=name,
                    epoch=info.epochs_run,
                )
            )
            continue
        verdict = t("solves XOR ✅") if info.solved else t("does not solve XOR yet ❌")
        st.caption(t("{name}: final loss {loss:.4f}, {verdict}", name=name, loss=info.final_loss, verdict=verdict))


@st.cache_data(max_entries=64, show_spinner=False)
def many_seeds(hidden_size: int, epochs: int, learning_rate: float, biases: bool, init: str, activation: str):
    """(solved, epochs to solve) for seeds 0–99: deterministic, so every visitor can share the result."""
    result = train_many(
        hidden_size,
        range(100),
        epochs=epochs,
        learning_rate=learning_rate,
        biases=biases,
        init=init,
        activation=activation,
    )
    return result["solved"], result["epochs_to_solve"]


def _run_many_seeds(settings: XorSettings) -> None:
    sizes, rates, solve_epochs = list(range(1, 9)), [], []
    epochs = xe.many_seeds_epochs(settings)
    bar = st.progress(0.0)
    try:
        for size in sizes:
            with short_work(session_id(), xe.many_seeds_cost(settings)):  # one hidden size at a time: fair turns
                solved, epochs_to_solve = many_seeds(
                    size, epochs, settings.learning_rate, settings.biases, settings.init, settings.activation
                )
            rates.append(float(solved.mean()))
            solve_epochs.append(epochs_to_solve[solved])
            bar.progress(size / len(sizes), text=t("hidden size {size}: {rate:.0%} solved", size=size, rate=rates[-1]))
    except ServerBusy as exc:
        st.error(error_text(exc))
        return
    finally:
        bar.empty()
    st.session_state["xor_many_result"] = (settings, sizes, rates, solve_epochs)


def show_many_seeds(settings: XorSettings) -> None:
    st.markdown(
        t(
            "Trains 100 nets at once for each hidden size 1–8 (vectorised NumPy), with this page's learning "
            "rate, epochs (at most {most:,}), biases, activation and initialisation.",
            most=xe.MANY_SEEDS_MAX_EPOCHS,
        )
    )
    if st.button(t("Run 100 seeds × hidden sizes 1–8"), key="xor_many"):
        _run_many_seeds(settings)
    stored = _kept("xor_many_result", settings)
    if stored is None:
        return
    _, sizes, rates, solve_epochs = stored
    st.caption(
        t(
            "Trained with: {settings}",
            settings=xor_history.describe(
                replace(settings, implementation="numpy", epochs=xe.many_seeds_epochs(settings)),
                skip=("seed", "derivative_of", "torch_start"),
            ),
        )
    )
    left, right = st.columns(2)
    with left:
        plot(xor_figures.success_rates(sizes, rates, tr=t), key="many_rates")
    with right:
        plot(xor_figures.epochs_to_solve(sizes, solve_epochs, tr=t), key="many_epochs")


def show_sections(run: Run) -> None:
    """The views a student opens: each computes and draws only while open."""
    sections = (
        (
            t("👣 Step through one update"),
            "xor_open_step",
            lambda: xor_step.show(run.id, next(iter(run.results.values())), run.settings),
        ),
        (t("🗂 Your runs: compare and pin"), "xor_open_history", xor_history.show),
        (
            t("✅ Gradient check: hand-written backprop vs torch autograd"),
            "xor_open_gradcheck",
            lambda: show_gradient_check(run.settings),
        ),
        (
            t("🪤 The lesson's question: what if sigmoid_derivative gets A instead of ŷ?"),
            "xor_open_trap",
            lambda: show_derivative_question(run.settings),
        ),
        (
            t("🎲 How often does it work? 100 seeds per hidden size"),
            "xor_open_seeds",
            lambda: show_many_seeds(run.settings),
        ),
    )
    for label, key, draw in sections:
        section = lazy_section(label, key)
        if section.open:
            with section:
                draw()


st.title(t("XOR: why a hidden layer is needed"))
st.markdown(
    t(
        "XOR outputs 1 when exactly one input is 1. No single line separates those points, so one neuron cannot "
        "learn it; a hidden layer bends the space until one line can. Change the settings, press **Train**, and "
        "watch."
    )
)
how = lazy_section(t("📖 How it works: forward pass, backward pass, and the code that runs"), "xor_open_how")
if how.open:
    with how:
        xor_numpy_explained()
settings = settings_form()
problems = settings.problems()
for template, values in problems:
    st.error(t(template, **{k: plain(v) if isinstance(v, str) else v for k, v in values.items()}))
clicked = st.button(t("Train"), type="primary", key="xor_train", disabled=bool(problems))
# A crafted click on a disabled button trains nothing.
if not problems and (clicked or "xor_run" not in st.session_state):
    start_run(settings)
current = st.session_state.get("xor_run")
if current is not None:
    if current.settings != settings:
        st.info(t("The settings changed: press **Train** to train with them. Showing the last run."))
    show_summary(current)
    show_inside(current)
    show_sections(current)
recipe_section = lazy_section(t("🔥 The PyTorch recipe: XOR net and CNN side by side"), "xor_open_recipe")
if recipe_section.open:
    with recipe_section:
        recipe()
