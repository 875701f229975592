"""The XOR page's deeper views: the gradient check, the derivative trap, 100 seeds per hidden size, and the lazy
sections that hold them."""

from dataclasses import replace

import streamlit as st

from core.serving.compute import ServerBusy
from core.xor import experiment as xe
from core.xor import figures as xor_figures
from core.xor.experiment import XorSettings, all_losses
from core.xor.gradcheck import check_summary, gradient_check
from core.xor.numpy_net import train_many
from core.xor.session import ManySeedsResult, Run, TrapResult
from ui import server as serving
from ui import xor_history, xor_step
from ui.common import error_text, lazy_view, plot, session_id, t
from ui.state import Slot, Xor
from ui.xor_run import trained

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


def _kept(slot: Slot, settings: XorSettings):
    """A stored result, only while it belongs to these settings (else it is cleared, never shown unlabelled)."""
    stored = slot.get()
    if stored is not None and stored.settings != settings:
        slot.pop()
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
                curves[label] = (all_losses(records), xe.summary(records, changed))
            Xor.TRAP_RESULT.set(TrapResult(settings, curves))
        except ServerBusy as exc:
            st.error(error_text(exc))
    stored = _kept(Xor.TRAP_RESULT, settings)
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
    curves = stored.curves
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
    return result.solved, result.epochs_to_solve


def _run_many_seeds(settings: XorSettings) -> None:
    sizes, rates, solve_epochs = list(range(1, 9)), [], []
    epochs = xe.many_seeds_epochs(settings)
    bar = st.progress(0.0)
    try:
        for size in sizes:  # one hidden size at a time: fair turns
            with serving.short_work(session_id(), xe.many_seeds_cost(settings)):
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
    Xor.MANY_RESULT.set(ManySeedsResult(settings, sizes, rates, solve_epochs))


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
    stored = _kept(Xor.MANY_RESULT, settings)
    if stored is None:
        return
    sizes, rates, solve_epochs = stored.sizes, stored.rates, stored.solve_epochs
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
    if not xe.is_post_xor(run.settings):  # these views follow the post's four points and two inputs
        sections = sections[1:2]
    for label, key, draw in sections:
        lazy_view(label, key, draw)
