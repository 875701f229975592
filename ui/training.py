"""The session's CNN: adopting a finished run, the run history, the model the pages use, and a run's live progress.

The session keeps its runs in the Cnn.RUNS slot (newest last, at most MAX_RUNS) and the one the pages show and the
Draw page reads in Cnn.RUN: each a core.cnn.records.CnnRun (the model, its records, its settings, where it came from,
the job that trained it and its run number).
"""

import copy
import functools
import io
import threading

import numpy as np
import streamlit as st

from core import cnn
from core.cnn import training_figures
from core.cnn.records import CnnRun, Progress, Source, Stage
from core.cnn.settings import RunSettings
from core.files import model_file
from core.files.ready_model import load_ready_model
from core.serving.jobs import Job, JobState
from core.serving.memory import MemoryFull
from ui.common import error_text, plain, plot, session_id, t
from ui.server import server
from ui.state import Cnn

MAX_RUNS = 5  # a max-size model is 13 MB; five per session bound the memory one visitor can hold


def runs() -> list[CnnRun]:
    return Cnn.RUNS.setdefault()


def _remember(run: CnnRun) -> CnnRun:
    history = runs()
    run.number = Cnn.RUN_NUMBER.get() + 1
    Cnn.RUN_NUMBER.set(run.number)
    _count(run, history)
    history.append(run)
    kept = Cnn.RUN.get()
    while len(history) > MAX_RUNS:
        oldest = next((earlier for earlier in history if earlier is not kept), history[0])
        history.remove(oldest)
        server().budget.forget(oldest.budget_key)
    return run


def _count(run: CnnRun, history: list[CnnRun]) -> None:
    """Count the run's model in the process's memory budget (core.serving.memory). To make room for it, runs other
    sessions used least recently may be dropped from their histories (never the model a page shows); when the
    rest is this session's own, MemoryFull (a UserError) says so."""
    nbytes = sum(p.numel() * p.element_size() for p in run.model.parameters())
    run.budget_key = key = f"{session_id()}:run:{run.number}"
    server().budget.keep(key, session_id(), nbytes, str(run.number), lambda: _let_go(history, run))


def _let_go(history: list[CnnRun], run: CnnRun) -> None:
    """Called from another session's thread when the budget drops this run: out of the history, model freed."""
    run.evicted = True
    if run in history:
        history.remove(run)
    run.model = None


def notice(template: str, **values) -> None:
    """A message about the session's model for the next run of the page (English template, translated there)."""
    Cnn.NOTICE.set((template, values))


def show_notice() -> None:
    message = Cnn.NOTICE.get()
    if message:
        template, values = message
        st.info(t(template, **values))
    dropped = [label for label in server().budget.dropped(session_id()) if label.isdigit()]  # its history's run numbers
    if dropped:
        st.info(
            t(
                "The server's memory was needed for other visitors, so runs {numbers} left your run history "
                "(the model the pages use stays).",
                numbers=", ".join(dropped),
            )
        )


def adopt(job: Job) -> None:
    """A finished job's model joins the run history and becomes the session's model (once), unless the run was
    stopped below the model the session already has: then the page keeps that one and says so."""
    if Cnn.ADOPTED.get() == job.id:
        return
    Cnn.ADOPTED.set(job.id)
    Cnn.SHOWN_JOB.set(job.id)
    Cnn.NOTICE.pop()
    last = job.last
    if job.status not in (JobState.DONE, JobState.STOPPED) or not last or last.test_accuracy is None:
        return
    # A copy: a shared ?run= link must not hand two sessions the same nn.Module.
    model = copy.deepcopy(job.payload["model"]).cpu().eval()
    settings = RunSettings.of(job.payload["settings"])
    run = _remember_or_say(CnnRun(model, list(job.records), settings, Source.TRAINED, job.id))
    if run is None:
        return
    shown = Cnn.RUN.get()
    before = shown.accuracy if shown is not None else None
    if job.status == JobState.STOPPED and before is not None and before > last.test_accuracy:
        Cnn.SHOWN_JOB.set(shown.job)  # the kept model's run, not this one
        notice(
            "You stopped run {number} at {new:.2%} test accuracy. The model you had scores {old:.2%}, so the "
            "pages keep using it; both are in the run history below, where you can pick either.",
            number=run.number,
            new=last.test_accuracy,
            old=before,
        )
        return
    if job.status == JobState.STOPPED and before is not None:
        notice(
            "You stopped run {number} at {new:.2%} test accuracy, better than the {old:.2%} of the model you had, "
            "so the pages use it now. The earlier model is still in the run history below.",
            number=run.number,
            new=last.test_accuracy,
            old=before,
        )
    _show(run)


def set_model(model: cnn.CNN, records: list[Progress], settings: RunSettings, source: Source) -> None:
    """Make a model (e.g. an uploaded one) the session's model and add it to the run history."""
    Cnn.NOTICE.pop()
    run = _remember_or_say(CnnRun(model.eval(), records, settings, source))
    if run is not None:
        _show(run)


def _remember_or_say(run: CnnRun) -> CnnRun | None:
    """_remember, or None after saying why the server's memory cannot keep it."""
    try:
        return _remember(run)
    except MemoryFull as exc:
        st.error(error_text(exc))
        return None


def choose(run: CnnRun) -> None:
    """Show an earlier run of the history (the Draw page then reads its model)."""
    if run.evicted:  # dropped for another visitor a moment ago
        return
    Cnn.NOTICE.pop()
    _show(run)


def _show(run: CnnRun) -> None:
    before = Cnn.RUN.get()
    if before is not None:
        server().budget.pin(before.budget_key, False)
    server().budget.pin(run.budget_key)
    Cnn.RUN.set(run)
    Cnn.SHOWN_JOB.set(run.job)
    Cnn.REPORT.pop()


@st.cache_resource(show_spinner=False)
def ready_model():
    """One read-only copy of the ready-made model for every session and tab: read once per process (1.7 MB)."""
    model = load_ready_model()
    cnn.predict_proba(model, np.zeros((1, 28, 28), np.float32))  # lays the weights out once, before sessions share it
    return model


def session_model() -> cnn.CNN | None:
    run = Cnn.RUN.get()
    return run.model if run else None


def progress_belongs_here(job: Job) -> bool:
    """Whether the CNN page should show this job's progress panel: while it runs or waits to be adopted, and after,
    only while its model (or its failure) is what the page shows, so one model is shown at a time."""
    if job.active or Cnn.ADOPTED.get() != job.id:
        return True
    if Cnn.SHOWN_JOB.key not in st.session_state:
        return True
    return Cnn.SHOWN_JOB.get() == job.id


def _data_line(record: Progress) -> str:
    if record.bundled:
        return t(
            "Trained on {images:,} images of the bundled MNIST sample (the data directory has no MNIST).",
            images=record.images,
        )
    return t("Trained on {images:,} MNIST training images.", images=record.images)


def _status_line(job: Job, record: Progress | None) -> None:
    if job.status == JobState.QUEUED:
        running, waiting = server().queue.counts()
        st.info(
            t(
                "Waiting for a free trainer: you are number {position} in line ({running} running now).",
                position=server().queue.position(job),
                running=running,
            )
        )
    elif job.status == JobState.RUNNING and record is None:
        st.info(t("Starting: loading MNIST and building the model…"))
    elif job.status == JobState.RUNNING and record.stopped:
        st.warning(
            t(
                "Stopped at epoch {epoch}, batch {batch}; measuring its test accuracy…",
                epoch=record.epoch,
                batch=record.batch,
            )
        )
    elif job.paused:
        st.info(t("Paused for a moment: a short run goes first; yours continues by itself."))
    elif job.status == JobState.FAILED:
        st.error(t("Training failed: {reason}", reason=error_text(job.failure) if job.failure else plain(job.error)))
    elif job.status == JobState.DIVERGED:
        st.error(
            t(
                "Training diverged: the loss became NaN or infinite. Lower the learning rate (e.g. 10× smaller) "
                "and train again."
            )
        )
    elif job.status == JobState.STOPPED:
        reason = f" {error_text(job.stop_reason)}" if job.stop_reason is not None else ""
        st.warning(
            t(
                "Stopped at epoch {epoch}, batch {batch}.",
                epoch=record.epoch if record else 0,
                batch=record.batch if record else 0,
            )
            + reason
        )
    elif job.status == JobState.DONE and record:
        epochs = record.epoch
        template = (
            "Done: test accuracy {accuracy:.2%} after 1 epoch in {seconds:.0f} s."
            if epochs == 1
            else "Done: test accuracy {accuracy:.2%} after {epochs} epochs in {seconds:.0f} s."
        )
        st.success(t(template, accuracy=record.test_accuracy, epochs=epochs, seconds=record.elapsed))


def _metrics(record: Progress) -> None:
    st.progress(
        record.progress,
        text=t(
            "Epoch {epoch}/{epochs} · batch {batch}/{batches}",
            epoch=record.epoch,
            epochs=record.epochs,
            batch=record.batch,
            batches=record.batches_per_epoch,
        ),
    )
    top, bottom = st.columns(3), st.columns(3)
    top[0].metric(t("loss"), f"{record.loss:.4f}")
    top[1].metric(
        t("train accuracy"),
        f"{record.train_accuracy:.1%}",
        help=t(
            "A running average over this epoch's batches so far, measured while the weights still "
            "change: that is why it trails the test accuracy after the first epoch."
        ),
    )
    test = record.test_accuracy
    top[2].metric(t("test accuracy"), f"{test:.2%}" if test is not None else "…")
    bottom[0].metric(t("learning rate"), f"{record.lr:.2g}")
    bottom[1].metric(t("samples/s"), f"{record.samples_per_s:,.0f}")
    bottom[2].metric(t("training images"), f"{record.images:,}")
    st.caption(
        _data_line(record)
        + ("" if record.kind == Stage.DONE else " " + t("About {seconds:.0f} s left.", seconds=record.seconds_left))
    )


def show_progress(job: Job, key: str) -> None:
    """Status, progress bar, metrics, and the live loss curve while the job runs (after it, a finished run's curves
    are in the run history, so the page draws them once) or when it went wrong."""
    records = list(job.records)
    record = records[-1] if records else None
    _status_line(job, record)
    if record:
        _metrics(record)
        if job.active or job.status in (JobState.DIVERGED, JobState.FAILED):
            plot(training_figures.training_curves(records, tr=t), key=f"{key}_curves")


def model_file_of(run: CnnRun):
    """The download button's data: the model as a file, made only when the button is pressed (Streamlit calls it on
    its own thread). Made on every rerun, as before, a 13 MB model was kept twice a session (our copy and Streamlit's
    media store), memory no budget counted. Made once per rerun at most: a raw client can ask Streamlit to call it
    again and again without a rerun (~50 ms of CPU each for the largest model), and reruns are paced."""
    lock = threading.Lock()

    @functools.cache
    def made() -> bytes:
        buffer = io.BytesIO()
        if run.model is not None:  # None: the memory budget took it back for another visitor meanwhile
            model_file.save_model(run.model, buffer)
        return buffer.getvalue()

    def once() -> bytes:
        with lock:
            return made()

    return once
