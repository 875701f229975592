"""The session's CNN: starting a background training job, showing its progress, keeping the result."""
import copy

import streamlit as st

from core import cnn_figures
from core.jobs import QUEUE, Job
from ui.common import plot, t

def adopt(job: Job) -> None:
    """Make a finished job's model the session's model (once)."""
    if st.session_state.get("cnn_adopted") == job.id:
        return
    st.session_state["cnn_adopted"] = job.id
    if job.status in ("done", "stopped") and job.last and "test_accuracy" in job.last:
        # A copy: a shared ?run= link must not hand two sessions the same nn.Module.
        model = copy.deepcopy(job.payload["model"]).cpu()
        set_model(model, list(job.records), job.payload["settings"], source="trained")


def set_model(model, records: list, settings: dict, source: str) -> None:
    st.session_state["cnn"] = {"model": model.eval(), "records": records, "settings": settings, "source": source}
    st.session_state.pop("cnn_report", None)


def session_model():
    entry = st.session_state.get("cnn")
    return entry["model"] if entry else None


def _status_line(job: Job, record: dict | None) -> None:
    if job.status == "queued":
        running, waiting = QUEUE.counts()
        st.info(t("Waiting for a free trainer: you are number {position} in line ({running} running now).",
                  position=QUEUE.position(job), running=running))
    elif job.status == "running" and record is None:
        st.info(t("Starting: loading MNIST and building the model…"))
    elif job.status == "failed":
        st.error(job.error)
    elif job.status == "diverged":
        st.error(t("Training diverged: the loss became NaN or infinite. Lower the learning rate (e.g. 10× smaller) and train again."))
    elif job.status == "stopped":
        st.warning(t("Stopped at epoch {epoch}, batch {batch}.", epoch=record["epoch"] if record else 0, batch=record["batch"] if record else 0))
    elif job.status == "done" and record:
        st.success(t("Done: test accuracy {accuracy:.2%} after {epochs} epochs in {seconds:.0f} s.",
                     accuracy=record["test_accuracy"], epochs=record["epoch"], seconds=record["elapsed"]))


def _metrics(record: dict) -> None:
    fraction = record["step"] / record["total_steps"]
    st.progress(min(1.0, fraction), text=t("Epoch {epoch}/{epochs} · batch {batch}/{batches}",
                                            epoch=record["epoch"], epochs=record["epochs"], batch=record["batch"],
                                            batches=record["batches_per_epoch"]))
    cols = st.columns(5)
    cols[0].metric(t("loss"), f"{record['loss']:.4f}")
    cols[1].metric(t("train accuracy"), f"{record['train_accuracy']:.1%}")
    test = record.get("test_accuracy")
    cols[2].metric(t("test accuracy"), f"{test:.2%}" if test is not None else "…")
    cols[3].metric(t("learning rate"), f"{record['lr']:.2g}")
    cols[4].metric(t("samples/s"), f"{record['samples_per_s']:,.0f}")
    if record.get("kind") != "done":
        st.caption(t("About {seconds:.0f} s left.", seconds=record["seconds_left"]))


def show_progress(job: Job, key: str) -> None:
    """Status, progress bar, metrics and the live loss curve of a job."""
    records = list(job.records)
    record = records[-1] if records else None
    _status_line(job, record)
    if record:
        _metrics(record)
        plot(cnn_figures.training_curves(records, tr=t), key=f"{key}_curves")
