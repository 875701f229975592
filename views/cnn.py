"""Train the lesson's CNN on MNIST, watch it learn, and look inside the result."""

import streamlit as st

from core.cnn import settings as cs
from core.cnn.cost import job_cost_problem
from core.cnn.data import MnistUnavailable, choose_data
from core.cnn.records import CnnRun, Source
from core.cnn.settings import RunSettings
from core.files import model_file
from ui import background, cnn_runs, training
from ui.cnn_results import results
from ui.common import error_text, lazy_view, setting_widget, t
from ui.data import data_panel
from ui.state import Cnn
from ui.teach import cnn_explained, recipe


def available_images() -> int:
    """How many training images the data the page would train on holds (the sample's when the directory is empty)."""
    try:
        return choose_data(background.data_dir(), download=False).train_count
    except MnistUnavailable:
        return cs.SUBSET_CHOICES[-1]


def settings_form(available: int) -> RunSettings:
    """The run's settings from the widgets; defaults are the lesson's."""
    left, middle, right = st.columns(3)
    with left:
        conv1 = setting_widget(st.select_slider, cs.CONV1)
        conv2 = setting_widget(st.select_slider, cs.CONV2)
        hidden = setting_widget(st.select_slider, cs.HIDDEN)
    with middle:
        optimizer = setting_widget(
            st.radio, cs.OPTIMIZER, horizontal=True, format_func=lambda name: t(cs.OPTIMIZER_NAMES[name])
        )
        lr = setting_widget(st.select_slider, cs.LEARNING_RATE, format_func=lambda v: f"{v:g}")
        step_lr = setting_widget(st.checkbox, cs.STEP_LR)
        precision = setting_widget(
            st.radio, cs.PRECISION, horizontal=True, format_func=lambda name: t(cs.PRECISION_NAMES[name])
        )
        cnn_runs.precision_note()
    with right:
        epochs = setting_widget(st.number_input, cs.EPOCHS)
        batch = setting_widget(st.select_slider, cs.BATCH_SIZE)
        subset_setting = cs.training_images(available)
        if st.session_state.get(cs.SUBSET_KEY) not in subset_setting.options:
            st.session_state.pop(cs.SUBSET_KEY, None)  # the data changed: offer what this data holds
        subset = setting_widget(st.select_slider, subset_setting, format_func=lambda v: f"{v:,}")
        seed = setting_widget(st.number_input, cs.SEED)
    return RunSettings(
        conv1_channels=int(conv1),
        conv2_channels=int(conv2),
        hidden_size=int(hidden),
        optimizer=optimizer,
        lr=float(lr),
        step_lr=bool(step_lr),
        epochs=int(epochs),
        batch_size=int(batch),
        # a crafted websocket message may carry anything; train() refuses it too
        precision=precision if cs.PRECISION.valid(precision) else cs.PRECISION.default,
        seed=int(seed),
        train_subset=int(subset),
    )


def train_controls(run: RunSettings) -> None:
    job = background.current_job()
    busy = job is not None and job.active and background.controls(job)  # watching a shared run does not block Train
    # start_job refuses a run too costly too, whatever a crafted click says
    too_costly = job_cost_problem(run.model_config() | run.train_kwargs())
    if too_costly is not None:
        st.warning(error_text(too_costly))
    if st.button(t("Train"), type="primary", key="cnn_train", disabled=busy or too_costly is not None):
        # download=False: a missing MNIST means the bundled sample; only the data line's Download button fetches it.
        started = background.start_job(
            run.model_config(), run.seed, log_every=None, download=False, **run.train_kwargs()
        )
        job = started or job
    background.queue_line()
    if job is not None and training.progress_belongs_here(job):
        background.live_progress(job, key="cnn")


def uploader_key() -> str:
    """A new uploader after each model it loaded: an uploader holding its file keeps a copy of it in the session
    (Streamlit's UploadedFile is a BytesIO of the stored bytes) and the file in Streamlit's store, 26 MB for the
    largest model, for as long as the page shows it; the new, empty one lets both go."""
    loaded = Cnn.MODELS_LOADED.get()
    return "cnn_upload" if loaded == 0 else f"cnn_upload_{loaded}"


def save_and_load(run: CnnRun | None) -> None:
    st.header(t("Save or load a model"))
    left, right = st.columns(2)
    with left:
        if run is not None:
            st.download_button(
                t("Download the model (.safetensors)"),
                training.model_file_of(run),
                file_name="nn-playground-cnn.safetensors",
                mime="application/octet-stream",
                key="cnn_save",
            )
        else:
            st.caption(t("Train a model first to download it."))
    with right:
        label = t("Load a saved model (.safetensors)")
        upload = st.file_uploader(label, type=["safetensors", "pt"], key=uploader_key())
        if upload is not None:
            try:
                model = model_file.load_model(upload)
            except ValueError as exc:
                st.error(t("Could not load that file: {reason}", reason=error_text(exc)))
            else:
                Cnn.MODELS_LOADED.set(Cnn.MODELS_LOADED.get() + 1)
                training.set_model(model, [], RunSettings.of(model.config), Source.UPLOADED)
                st.rerun()


st.title(t("Train the lesson's CNN on MNIST"))
data_panel()
st.markdown(
    t(
        "conv(1→32, 3×3) → ReLU → max-pool → conv(32→64, 3×3) → ReLU → max-pool → fc(3136→128) → ReLU → "
        "fc(128→10), trained with cross-entropy and Adam. Defaults are the lesson's; a subset of the images "
        "trains in seconds."
    )
)
lazy_view(t("📖 How it works: convolutions, pooling, softmax, and the model's code"), "cnn_open_how", cnn_explained)
available = available_images()
run = settings_form(available)
lazy_view(t("🔎 Find a learning rate"), "cnn_open_lr", lambda: cnn_runs.lr_finder_panel(run))
train_controls(run)
training.show_notice()
shown = Cnn.RUN.get()
if shown is not None:
    cnn_runs.doctor(shown, available)
    results(shown)
cnn_runs.history()
save_and_load(shown)
lazy_view(t("🔥 The PyTorch recipe: XOR net and CNN side by side"), "cnn_open_recipe", recipe)
