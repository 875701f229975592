"""The session's CNN: adopting a finished run, the run history, the model the pages use, and a run's live progress.

The session keeps its runs in st.session_state["cnn_runs"] (newest last, at most MAX_RUNS) and the one the pages
show and the Draw page reads in st.session_state["cnn"]: a dict with the model, its records, its settings, where it
came from ("trained" or "uploaded"), the job that trained it and its run number.
"""

import copy

import numpy as np
import streamlit as st

from core import cnn
from core.cnn import figures as cnn_figures
from core.files.ready_model import load_ready_model
from core.serving.jobs import Job, JobState
from core.serving.memory import MemoryFull
from ui.common import error_text, plain, plot, session_id, t
from ui.server import server

MAX_RUNS = 5  # a max-size model is 13 MB; five per session bound the memory one visitor can hold


def accuracy_of(entry: dict | None) -> float | None:
    """The entry's final test accuracy when its run measured one (an uploaded model has no records)."""
    if not entry or not entry.get("records"):
        return None
    return entry["records"][-1].get("test_accuracy")


def runs() -> list[dict]:
    return st.session_state.setdefault("cnn_runs", [])


def _remember(entry: dict) -> dict:
    history = runs()
    entry["number"] = st.session_state.get("cnn_run_number", 0) + 1
    st.session_state["cnn_run_number"] = entry["number"]
    _count(entry, history)
    history.append(entry)
    kept = st.session_state.get("cnn")
    while len(history) > MAX_RUNS:
        oldest = next((run for run in history if run is not kept), history[0])
        history.remove(oldest)
        server().budget.forget(oldest.get("budget_key", ""))
    return entry


def _count(entry: dict, history: list) -> None:
    """Count the run's model in the process's memory budget (core.serving.memory). To make room for it, runs other
    sessions used least recently may be dropped from their histories (never the model a page shows); when the
    rest is this session's own, MemoryFull (a UserError) says so."""
    model = entry["model"]
    nbytes = sum(p.numel() * p.element_size() for p in model.parameters()) if hasattr(model, "parameters") else 0
    entry["budget_key"] = key = f"{session_id()}:run:{entry['number']}"
    server().budget.keep(key, session_id(), nbytes, str(entry["number"]), lambda: _let_go(history, entry))


def _let_go(history: list, entry: dict) -> None:
    """Called from another session's thread when the budget drops this run: out of the history, model freed."""
    entry["evicted"] = True
    if entry in history:
        history.remove(entry)
    entry["model"] = None


def notice(template: str, **values) -> None:
    """A message about the session's model for the next run of the page (English template, translated there)."""
    st.session_state["cnn_notice"] = (template, values)


def show_notice() -> None:
    message = st.session_state.get("cnn_notice")
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
    if st.session_state.get("cnn_adopted") == job.id:
        return
    st.session_state["cnn_adopted"] = job.id
    st.session_state["cnn_shown_job"] = job.id
    st.session_state.pop("cnn_notice", None)
    last = job.last
    if job.status not in (JobState.DONE, JobState.STOPPED) or not last or last.get("test_accuracy") is None:
        return
    # A copy: a shared ?run= link must not hand two sessions the same nn.Module.
    model = copy.deepcopy(job.payload["model"]).cpu().eval()
    entry = _remember_or_say(
        {
            "model": model,
            "records": list(job.records),
            "settings": dict(job.payload["settings"]),
            "source": "trained",
            "job": job.id,
        }
    )
    if entry is None:
        return
    before = accuracy_of(st.session_state.get("cnn"))
    if job.status == JobState.STOPPED and before is not None and before > last["test_accuracy"]:
        st.session_state["cnn_shown_job"] = st.session_state["cnn"].get("job")  # the kept model's run, not this one
        notice(
            "You stopped run {number} at {new:.2%} test accuracy. The model you had scores {old:.2%}, so the "
            "pages keep using it; both are in the run history below, where you can pick either.",
            number=entry["number"],
            new=last["test_accuracy"],
            old=before,
        )
        return
    if job.status == JobState.STOPPED and before is not None:
        notice(
            "You stopped run {number} at {new:.2%} test accuracy, better than the {old:.2%} of the model you had, "
            "so the pages use it now. The earlier model is still in the run history below.",
            number=entry["number"],
            new=last["test_accuracy"],
            old=before,
        )
    _show(entry)


def set_model(model, records: list, settings: dict, source: str, job_id: str | None = None) -> None:
    """Make a model (e.g. an uploaded one) the session's model and add it to the run history."""
    st.session_state.pop("cnn_notice", None)
    entry = _remember_or_say(
        {"model": model.eval(), "records": records, "settings": settings, "source": source, "job": job_id}
    )
    if entry is not None:
        _show(entry)


def _remember_or_say(entry: dict) -> dict | None:
    """_remember, or None after saying why the server's memory cannot keep it."""
    try:
        return _remember(entry)
    except MemoryFull as exc:
        st.error(error_text(exc))
        return None


def choose(entry: dict) -> None:
    """Show an earlier run of the history (the Draw page then reads its model)."""
    if entry.get("evicted"):  # dropped for another visitor a moment ago
        return
    st.session_state.pop("cnn_notice", None)
    _show(entry)


def _show(entry: dict) -> None:
    before = st.session_state.get("cnn")
    if before is not None:
        server().budget.pin(before.get("budget_key", ""), False)
    server().budget.pin(entry.get("budget_key", ""))
    st.session_state["cnn"] = entry
    st.session_state["cnn_shown_job"] = entry.get("job")
    st.session_state.pop("cnn_report", None)


@st.cache_resource(show_spinner=False)
def ready_model():
    """One read-only copy of the ready-made model for every session and tab: read once per process (1.7 MB)."""
    model = load_ready_model()
    cnn.predict_proba(model, np.zeros((1, 28, 28), np.float32))  # lays the weights out once, before sessions share it
    return model


def session_model():
    entry = st.session_state.get("cnn")
    return entry["model"] if entry else None


def progress_belongs_here(job: Job) -> bool:
    """Whether the CNN page should show this job's progress panel: while it runs or waits to be adopted, and after,
    only while its model (or its failure) is what the page shows, so one model is shown at a time."""
    if job.active or st.session_state.get("cnn_adopted") != job.id:
        return True
    return st.session_state.get("cnn_shown_job", job.id) == job.id


def _data_line(record) -> str:
    if record.get("bundled"):
        return t(
            "Trained on {images:,} images of the bundled MNIST sample (the data directory has no MNIST).",
            images=record["images"],
        )
    return t("Trained on {images:,} MNIST training images.", images=record["images"])


def _status_line(job: Job, record) -> None:
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
    elif job.status == JobState.RUNNING and record["stopped"]:
        st.warning(
            t(
                "Stopped at epoch {epoch}, batch {batch}; measuring its test accuracy…",
                epoch=record["epoch"],
                batch=record["batch"],
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
                epoch=record["epoch"] if record else 0,
                batch=record["batch"] if record else 0,
            )
            + reason
        )
    elif job.status == JobState.DONE and record:
        epochs = record["epoch"]
        template = (
            "Done: test accuracy {accuracy:.2%} after 1 epoch in {seconds:.0f} s."
            if epochs == 1
            else "Done: test accuracy {accuracy:.2%} after {epochs} epochs in {seconds:.0f} s."
        )
        st.success(t(template, accuracy=record["test_accuracy"], epochs=epochs, seconds=record["elapsed"]))


def _metrics(record) -> None:
    st.progress(
        record.progress,
        text=t(
            "Epoch {epoch}/{epochs} · batch {batch}/{batches}",
            epoch=record["epoch"],
            epochs=record["epochs"],
            batch=record["batch"],
            batches=record["batches_per_epoch"],
        ),
    )
    top, bottom = st.columns(3), st.columns(3)
    top[0].metric(t("loss"), f"{record['loss']:.4f}")
    top[1].metric(
        t("train accuracy"),
        f"{record['train_accuracy']:.1%}",
        help=t(
            "A running average over this epoch's batches so far, measured while the weights still "
            "change: that is why it trails the test accuracy after the first epoch."
        ),
    )
    test = record.get("test_accuracy")
    top[2].metric(t("test accuracy"), f"{test:.2%}" if test is not None else "…")
    bottom[0].metric(t("learning rate"), f"{record['lr']:.2g}")
    bottom[1].metric(t("samples/s"), f"{record['samples_per_s']:,.0f}")
    bottom[2].metric(t("training images"), f"{record['images']:,}")
    st.caption(
        _data_line(record)
        + ("" if record["kind"] == "done" else " " + t("About {seconds:.0f} s left.", seconds=record["seconds_left"]))
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
            plot(cnn_figures.training_curves(records, tr=t), key=f"{key}_curves")
