"""The session's CNN training job: starting it in the background queue, finding it again, polling it live."""
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import cnn
from core.jobs import QUEUE, Job, QueueFull
from core.mnist_data import default_data_dir
from ui import training
from ui.common import t

JOB_PARAM = "run"


def session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def data_dir() -> str:
    return st.session_state.setdefault("data_dir", default_data_dir())


def start_job(model_config: dict, seed: int, **train_kwargs) -> Job | None:
    """Queue a training run for this session and remember its id (also in the URL, so a reload finds it)."""
    model = cnn.build_model(seed, **model_config)
    root = data_dir()

    def run(should_stop):
        return cnn.train(model, root, seed=seed, should_stop=should_stop, **train_kwargs)

    try:
        job = QUEUE.submit(Job(run, payload={"model": model, "settings": {**model_config, **train_kwargs, "seed": seed}},
                               owner=session_id()))
    except QueueFull:
        st.error(t("The server is busy: many training runs are already waiting. Please try again in a few minutes."))
        return None
    st.session_state["cnn_job"] = job.id
    st.query_params[JOB_PARAM] = job.id
    return job


def current_job() -> Job | None:
    job_id = st.session_state.get("cnn_job") or st.query_params.get(JOB_PARAM)
    job = QUEUE.get(job_id)
    if job is not None:
        job.touch()
        st.session_state["cnn_job"] = job.id
        if st.query_params.get(JOB_PARAM) != job.id:
            st.query_params[JOB_PARAM] = job.id
    return job


def live_progress(job: Job, key: str) -> None:
    """Progress that refreshes itself every second while the job runs, then reruns the page once."""
    @st.fragment(run_every=1.0 if job.active else None)
    def panel():
        training.show_progress(job, key)
        if job.active:
            if st.button(t("Stop training"), key=f"{key}_stop"):
                job.stop()
        elif st.session_state.get("cnn_adopted") != job.id:
            training.adopt(job)
            st.rerun()

    panel()
