"""The session's CNN training job: starting it in the background queue, finding it again, polling it live."""

import streamlit as st
from streamlit.runtime import Runtime

from core import cnn
from core.cnn.cost import estimate_cost, job_cost_problem, weights_only
from core.cnn.data import default_data_dir
from core.errors import UserError
from core.serving.deployment import local_mode
from core.serving.jobs import Job, browser_key
from ui import training
from ui.common import error_text, session_id, t
from ui.server import live_view, server
from ui.state import DATA_DIR, Cnn

JOB_PARAM = "run"


def job_owner() -> str:
    """The session a job belongs to (one job each, dropped when it is gone); none under AppTest, where every test
    shares one made-up session id and no browser can leave."""
    return session_id() if Runtime.exists() else ""


def this_browser() -> str | None:
    """The visitor's browser, so a reload (a new session) still owns its run; None where it cannot be told."""
    try:
        return browser_key(st.context.cookies.get("_streamlit_xsrf"))
    except Exception:  # no request behind this session (AppTest): the session id alone decides
        return None


def controls(job: Job) -> bool:
    """Whether this session may stop the run and take its model (a shared ?run= link only shows it)."""
    return job.controlled_by(job_owner(), this_browser())


def data_dir() -> str:
    """The session's data directory where a local user may choose it; the server's own everywhere else (a disabled
    field's value still arrives from a raw websocket client, so the page's widget is not the guard)."""
    if DATA_DIR.get() is None:
        DATA_DIR.set(default_data_dir())  # what the page's field shows
    chosen = DATA_DIR.get()
    return chosen if local_mode() else default_data_dir()


def queue_run(
    settings: dict, run, payload: dict, *, slowdown: float = 1.0, owner_browser: str | None = None
) -> Job | None:
    """Queue a training run (`run(should_stop)` yields its records; it puts its model in `payload["model"]`) for
    this session: the Job, or None after saying why on the page (too costly for this server, the session has a run
    already, too many are waiting). `slowdown`: how much slower than the app's own loop it trains."""
    problem = job_cost_problem(settings)
    if problem is not None:
        st.error(error_text(problem))
        return None
    job = Job(
        run,
        payload=payload,
        owner=job_owner(),
        cost=slowdown * estimate_cost(settings),
        owner_browser=owner_browser,
        on_finish=weights_only(payload),
    )
    try:
        server().queue.submit(job)
    except UserError as exc:
        st.error(error_text(exc))
        return None
    return job


def start_job(model_config: dict, seed: int, **train_kwargs) -> Job | None:
    """Queue a training run for this session and remember its id (also in the URL, so a reload finds it); None
    where it cannot start (the page says why)."""
    settings = {**model_config, **train_kwargs, "seed": seed}
    root = data_dir()
    payload = {"model": None, "settings": settings}

    def run(should_stop):
        # Built when the run starts, not while it waits: thirty queued largest models would hold 400 MB.
        model = payload["model"] = cnn.build_model(seed, **model_config)
        return cnn.train(model, root, seed=seed, should_stop=should_stop, **train_kwargs)

    job = queue_run(settings, run, payload, owner_browser=this_browser())
    if job is None:
        return None
    Cnn.JOB.set(job.id)
    st.query_params[JOB_PARAM] = job.id
    return job


def current_job() -> Job | None:
    job_id = Cnn.JOB.get() or st.query_params.get(JOB_PARAM)
    job = server().queue.get(job_id)
    if job is not None:
        job.touch(session_id())
        if not controls(job):  # someone's shared link: shown, never this session's own run
            return job
        Cnn.JOB.set(job.id)
        if st.query_params.get(JOB_PARAM) != job.id:
            st.query_params[JOB_PARAM] = job.id
    return job


def live_job(job: Job, body, stop_label: str, stop_key: str, on_finished) -> None:
    """A job's panel that refreshes itself every second while it runs: `body(job)` draws it, its owner gets a Stop
    button, and once it ended `on_finished(job)` takes what it left; True from it reruns the page once."""
    job_id = job.id  # not the job: Streamlit keeps each session's fragment, and a job holds its model (13 MB)

    @st.fragment(run_every=1.0 if job.active else None)
    def panel():
        job = server().queue.get(job_id)
        live_view(job is not None and job.active)  # its ticks must not spend the tokens of the visitor's clicks
        if job is None:  # forgotten meanwhile (finished results are bounded)
            return
        job.touch(session_id())
        body(job)
        if not controls(job):
            st.caption(
                t("Another visitor's run, shared through its link: you can watch it, not stop it or keep its model.")
            )
        elif job.active:
            if st.button(stop_label, key=stop_key):
                job.stop()
        elif on_finished(job):
            st.rerun()

    panel()


def live_progress(job: Job, key: str) -> None:
    """A CNN training run's progress, live; the page adopts the run's model once it ends."""
    live_job(job, lambda job: training.show_progress(job, key), t("Stop training"), f"{key}_stop", _adopt_once)


def _adopt_once(job: Job) -> bool:
    if Cnn.ADOPTED.get() == job.id:
        return False
    training.adopt(job)
    return True


def queue_line() -> None:
    """One small line for the CNN page while runs wait: how many train and wait now, so a visitor on a busy public
    server knows why a run starts late (nothing while none waits)."""
    running, waiting = server().queue.counts()
    if waiting:
        st.caption(
            t("Server: {running} runs training, {waiting} waiting for a trainer.", running=running, waiting=waiting)
        )
