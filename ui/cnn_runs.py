"""The CNN page's training tools: the doctor's findings with one-click fixes, the learning-rate finder, the run
history (compare, pick the model the Draw page uses) and exporting a run as a script."""

from dataclasses import replace

import streamlit as st

from core.cnn import doctor as cnn_doctor
from core.cnn import lr_finder
from core.cnn import settings as cnn_settings
from core.cnn import training_figures as cnn_training_figures
from core.cnn.data import MnistUnavailable, choose_data, load_split
from core.cnn.records import CnnRun, Source
from core.cnn.settings import RunSettings
from core.errors import UserError
from core.lesson import cnn_export
from core.serving.device import precision_offer, resolve_device
from core.serving.jobs import Job
from ui import background, training
from ui.common import error_text, plain, plot, session_id, t
from ui.server import server
from ui.state import Cnn

LR_FINDER_STEPS, LR_FINDER_BATCH = 100, 64  # about 3 s of training for the lesson's CNN on 2 cores


def apply_fix(fix: dict) -> None:
    """Set the setting widgets to a suggested change (a widget callback: it runs before the widgets are built)."""
    for name, value in fix.items():
        st.session_state[cnn_settings.widget_key(name)] = value


def _fix_label(fix: dict) -> str:
    parts = [
        f"{t(cnn_settings.LABELS[name])} → {value:g}"
        if isinstance(value, float)
        else f"{t(cnn_settings.LABELS[name])} → {value:,}"
        for name, value in fix.items()
    ]
    return t("Apply: {change}", change=", ".join(parts))


def _dead_units(run: CnnRun) -> cnn_doctor.DeadUnits | None:
    """The dead-ReLU check for the run's model, once per model (about 50 ms)."""
    if run.dead is None:
        try:
            images, _ = load_split(choose_data(background.data_dir(), download=False).root, train=False, download=False)
        except MnistUnavailable:
            return None
        run.dead = cnn_doctor.dead_units(run.model, images)
    return run.dead


def doctor(run: CnnRun, available_images: int) -> None:
    """The training doctor's findings for the shown run, each with a button that applies its suggestion."""
    if not run.records:
        return
    findings = cnn_doctor.diagnose(run.records, run.settings, _dead_units(run), available_images)
    with st.expander(t("🩺 Training doctor"), expanded=bool(findings)):
        if not findings:
            st.success(
                t(
                    "Nothing looks wrong with this run: the loss fell, test accuracy follows train accuracy, "
                    "and most fully connected units fire."
                )
            )
        for index, finding in enumerate(findings):
            st.markdown(f"**{t(finding.title)}**")
            st.markdown(t(finding.message, **finding.values) + " " + t(finding.advice, **finding.values))
            if finding.fix:
                st.button(
                    _fix_label(finding.fix),
                    key=f"cnn_fix_{index}",
                    on_click=apply_fix,
                    args=(finding.fix,),
                    help=t("Sets the settings above; then press Train."),
                )


def _start_lr_finder(settings: RunSettings) -> None:
    root, config, optimizer = background.data_dir(), settings.model_config(), settings.optimizer

    def run(should_stop):
        return lr_finder.lr_range_test(
            config,
            root,
            optimizer=optimizer,
            seed=settings.seed,
            steps=LR_FINDER_STEPS,
            batch_size=LR_FINDER_BATCH,
            should_stop=should_stop,
        )

    try:
        job = server().queue.submit(
            Job(
                run,
                payload={"kind": "lr_finder", "optimizer": optimizer},
                linked=False,  # no ?run= link leads back to it: stopped soon after its tab closes
                owner=background.job_owner(),
                owner_browser=background.this_browser(),
                cost=lr_finder.job_cost(config, LR_FINDER_STEPS, LR_FINDER_BATCH),
            )
        )
    except UserError as exc:
        st.error(error_text(exc))
        return
    Cnn.LR_JOB.set(job.id)


def lr_finder_panel(settings: RunSettings) -> None:
    """'Find a learning rate': runs the range test as a short background job and plots it as it goes."""
    st.markdown(
        t(
            "Train a fresh copy of the model for {steps} batches while the learning rate grows from 10⁻⁶ to 1, "
            "and watch the loss: flat while the steps are too small, falling where the rate is useful, "
            "shooting up where it is too large. A good rate is about a tenth of the one with the lowest loss.",
            steps=LR_FINDER_STEPS,
        )
    )
    if st.button(t("Find a learning rate"), key="cnn_lr_find"):
        _start_lr_finder(settings)
    job = server().queue.get(Cnn.LR_JOB.get())
    if job is not None:
        _lr_finder_result(job)


def _lr_finder_result(job: Job) -> None:
    @st.fragment(run_every=0.5 if job.active else None)
    def panel():
        job.touch(session_id())
        records = list(job.records)
        if job.error:
            reason = error_text(job.failure) if job.failure else plain(job.error)
            st.error(t("The range test failed: {reason}", reason=reason))
            return
        if not records:
            st.info(t("Starting the range test…"))
            return
        last = records[-1]
        plot(cnn_training_figures.lr_range(records, last.suggestion, tr=t), key="cnn_lr_plot_range")
        if last.done and last.suggestion is not None:
            choice = cnn_settings.nearest_option(cnn_settings.LEARNING_RATE, last.suggestion)
            st.markdown(
                t(
                    "Suggested learning rate for {optimizer}: about {lr:.1e}; the nearest setting is {choice:g}.",
                    optimizer=t(cnn_settings.OPTIMIZER_NAMES[job.payload["optimizer"]]),
                    lr=last.suggestion,
                    choice=choice,
                )
            )
            if st.button(
                t("Use learning rate {lr:g}", lr=choice), key="cnn_lr_use", on_click=apply_fix, args=({"lr": choice},)
            ):
                st.rerun()  # the whole page, so the learning-rate slider outside this fragment shows the new value
        elif job.active:
            st.caption(
                t("Batch {step} of {steps} · learning rate {lr:.1e}", step=last.step, steps=last.steps, lr=last.lr)
            )
        if not job.active and Cnn.LR_SEEN.get() != job.id:
            Cnn.LR_SEEN.set(job.id)
            st.rerun()  # once, so the fragment is built again without its polling timer

    panel()


def _ran_in(run: CnnRun) -> str | None:
    """The precision a finished, unstopped run's forward pass ran in (its last record says), else None."""
    if run.source != Source.TRAINED or not run.records or run.records[-1].stopped:
        return None
    return run.records[-1].precision if run.accuracy is not None else None


def _same_but_precision(a: RunSettings, b: RunSettings) -> bool:
    return replace(a, precision=b.precision) == b


def _precision_pair() -> tuple[CnnRun, CnnRun] | None:
    """The last 16-bit run and the last float32 run with the same other settings (seed included), if any."""
    finished = [e for e in training.runs() if _ran_in(e) is not None]
    low = next((e for e in reversed(finished) if _ran_in(e) != "float32"), None)
    if low is None:
        return None
    same = (e for e in reversed(finished) if _ran_in(e) == "float32" and _same_but_precision(e.settings, low.settings))
    full = next(same, None)
    return None if full is None else (full, low)


def precision_note() -> None:
    """Under the Precision setting: what this device offers, and what bfloat16 cost in accuracy on the last runs."""
    offer = precision_offer(resolve_device(None))
    lines = [t(offer.template, **dict(offer.values))]
    pair = _precision_pair()
    if pair is None:
        lines.append(t("Train the same settings once in float32 and once in bfloat16 to see here what it costs."))
    else:
        full, low = pair
        lines.append(
            t(
                "Runs {full} and {low}, the same settings: float32 {full_accuracy:.2%}, {name} {low_accuracy:.2%} "
                "({gap:+.2f} points).",
                full=full.number,
                low=low.number,
                full_accuracy=full.accuracy,
                name=_ran_in(low),
                low_accuracy=low.accuracy,
                gap=100 * (low.accuracy - full.accuracy),
            )
        )
    st.caption(" ".join(lines))


def _value_text(value) -> str:
    if isinstance(value, bool):
        return t("on") if value else t("off")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    names = {**cnn_settings.OPTIMIZER_NAMES, **cnn_settings.PRECISION_NAMES}
    return t(names.get(value, str(value)))


def run_label(run: CnnRun, differences: list) -> str:
    """'Run 2 · 97.60% · Learning rate 0.01', naming only the settings that differ between the runs."""
    parts = [t("Run {number}", number=run.number)]
    if run.accuracy is not None:
        parts.append(f"{run.accuracy:.2%}")
    if run.source == Source.UPLOADED:
        parts.append(t("uploaded"))
    parts += [f"{t(label)} {_value_text(value)}" for label, value in differences]
    return " · ".join(parts)


def history() -> None:
    """This session's runs: curves overlaid, the model the pages use, and a run exported as a script."""
    entries = training.runs()
    if not entries:
        return
    st.header(t("Your runs"))
    trained = [e for e in entries if e.source == Source.TRAINED]
    differences = dict(zip(map(id, trained), cnn_settings.differences([e.settings for e in trained])))
    labels = {id(e): run_label(e, differences.get(id(e), [])) for e in entries}
    if trained:
        plot(
            cnn_training_figures.runs_overlay([(labels[id(e)], e.records) for e in trained], tr=t),
            key="cnn_runs_plot",
        )
    shown = Cnn.RUN.get()
    index = next((i for i, e in enumerate(entries) if e is shown), len(entries) - 1)
    picked = st.radio(
        t("The model the pages use (the Draw page reads it)"),
        range(len(entries)),
        index=index,
        format_func=lambda i: labels[id(entries[i])],
        key=f"cnn_pick_{id(shown)}",
    )
    if entries[picked] is not shown:
        training.choose(entries[picked])
        st.rerun()
    export(entries[picked])


def export(run: CnnRun) -> None:
    if run.source != Source.TRAINED:
        st.caption(t("An uploaded model has no training settings to export."))
        return
    script = cnn_export.export_script(run.settings)
    st.download_button(
        t("Download this run as a Python script"),
        script,
        file_name=cnn_export.FILE_NAME,
        mime="text/x-python",
        key="cnn_export",
        help=t("The lesson's script with this run's settings; it needs only `torch` and `torchvision`."),
    )
