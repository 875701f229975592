"""The XOR page's results: verdicts, loss curves, export, the replay, the network and its outputs."""

import streamlit as st

from core.xor import experiment as xe
from core.xor import figures as xor_figures
from core.xor.experiment import XorSettings, all_losses
from core.xor.export import xor_script
from core.xor.network_figure import hidden_space, network_diagram
from core.xor.numpy_net import X_XOR, Y_XOR, Record, correct, predict
from core.xor.replay import replay
from core.xor.session import Run
from ui.common import kept_figure, lang, lazy_view, plot, t
from ui.state import Xor


def show_summary(run: Run) -> None:
    """Final numbers, export, and the loss curves (outside the snapshot view: moving that slider leaves them be)."""
    left, right = st.columns([2, 3])
    with left:
        show_verdicts(run)
        if xe.is_post_xor(run.settings):
            st.download_button(
                t("⬇ Download this run as a Python script (NumPy only)"),
                xor_script(run.settings),
                file_name="xor_run.py",
                mime="text/x-python",
                on_click="ignore",
                key="xor_export",
            )
    with right:
        plot(kept_figure(Xor.LOSS_FIGURE, (run.id, lang()), lambda: _loss_figure(run)), key="xor_loss")
        if "PyTorch" in run.results and not xe.on_points(run.settings):
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


def _loss_figure(run: Run):
    losses = {name: all_losses(records) for name, records in run.results.items()}
    title = t("Loss C = ½Σ(y − ŷ)² averaged over the training points") if xe.on_points(run.settings) else None
    return xor_figures.loss_curve(losses, title=title, tr=t)


def _diagram(run: Run, name: str):
    """The network at the end of the run of implementation `name`, kept per run, implementation and language."""
    record = run.results[name][-1]
    return kept_figure(
        Xor.DIAGRAM_FIGURE,
        (run.id, name, lang()),
        lambda: network_diagram(
            record.params,
            run.settings.activation,
            tr=t,
            title=t("The network at epoch {epoch:,}", epoch=record.epoch),
        ),
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
            if info.test_accuracy is not None:
                show_test_metrics(name, info)
                continue
            verdict = t("solves XOR ✅") if info.solved else t("does not solve XOR yet ❌")
            st.metric(t("{name} final loss", name=name), f"{info.final_loss:.5f}", help=verdict)
            st.caption(f"{name} {verdict}")


def show_test_metrics(name: str, info: xe.Summary) -> None:
    """On a data set: the test accuracy first (what the net does on points it never learned from), then both losses."""
    st.metric(t("{name}: Test accuracy", name=name), f"{info.test_accuracy:.1%}")
    st.caption(
        t(
            "Training loss {train:.4f} · test loss {test:.4f} (C averaged over the points)",
            train=info.final_loss,
            test=info.test_loss,
        )
    )


def _outputs_table(record: Record, settings: XorSettings) -> list[dict]:
    _, outputs = predict(record.params, X_XOR, settings.activation)
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
    return kept_figure(
        Xor.REPLAY, (run.id, name, lang()), lambda: replay(run.results[name], run.settings.activation, tr=t)
    )


@st.fragment
def show_inside(run: Run) -> None:
    """The run's end: the output over the input square, the network and its outputs; then, when opened, the run
    replayed in the browser (Play, Pause and scrubbing never ask the server). Choosing the implementation reruns
    only this part of the page."""
    results = run.results
    name = (
        st.radio(t("Look inside"), list(results), horizontal=True, key="xor_inside")
        if len(results) > 1
        else next(iter(results))
    )
    records = results[name]
    if not xe.is_post_xor(run.settings):
        show_inside_points(run, name)
        return
    record, epoch = records[-1], records[-1].epoch
    boundary_and_network(run, name, t("The black line is ŷ = 0.5: on one side the net answers 1, on the other 0."))
    st.markdown(t("**Outputs at epoch {epoch:,}**", epoch=epoch))
    st.table(_outputs_table(record, run.settings))
    st.caption(t("An output of exactly 0.5 is undecided (➖) and NaN is wrong: neither counts as solved."))
    # Opened on demand, as the live view is: drawing its animation was ~300 ms of every XOR page load (1,326 vs
    # 1,017 ms without it, bench/page_timing.py); the boundary at the run's end stays in view.
    lazy_view(t("🎞 Replay the training: how the boundary formed"), "xor_open_replay", lambda: show_replay(run, name))
    lazy_view(t("Hidden space: where XOR becomes separable"), "xor_open_space", lambda: show_hidden_space(record, run))


def show_hidden_space(record: Record, run: Run) -> None:
    plot(hidden_space(record.params, run.settings.activation, tr=t), key="xor_space")
    st.caption(
        t(
            "In hidden space the four points can be split by one line (or plane): that is why one hidden layer "
            "solves XOR while a single neuron cannot."
        )
    )


def _boundary(run: Run, name: str):
    """The output over the input square at the run's end, with the data's points: built once per run."""
    settings, record = run.settings, run.results[name][-1]
    title = t("Output ŷ at epoch {epoch:,}", epoch=record.epoch)
    return kept_figure(
        Xor.BOUNDARY_FIGURE,
        (run.id, name, lang()),
        lambda: xor_figures.decision_boundary(record.params, settings.activation, title, t, xe.dataset(settings)),
    )


def show_replay(run: Run, name: str) -> None:
    st.markdown(t("**Replay the training.** Press ▶ Play, or drag the slider through the training snapshots."))
    plot(replay_figure(run, name), key="xor_replay")
    st.caption(
        t(
            "Left: the output ŷ over the input square, and each hidden unit's line (where its weighted input is "
            "0). Right: what each hidden unit and the output give for the four points. Below: the loss, marked at "
            "the snapshot shown."
        )
    )


def show_inside_points(run: Run, name: str) -> None:
    """On a data set or with extra inputs: the boundary over every point (test points hollow) and the network."""
    boundary_and_network(
        run, name, t("Filled points are training points, hollow ones test points the net never learns from.")
    )


def boundary_and_network(run: Run, name: str, boundary_caption: str) -> None:
    """The run's end side by side: the output over the input square, and the network with each unit's picture."""
    left, right = st.columns(2)
    with left:
        plot(_boundary(run, name), key="xor_boundary")
        st.caption(boundary_caption)
    with right:
        plot(_diagram(run, name), key="xor_diagram")
        st.caption(
            t(
                "Red edges are positive weights, blue negative, thicker is larger; each picture shows what that "
                "unit outputs over the input square."
            )
        )
