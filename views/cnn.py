"""Train the lesson's CNN on MNIST, watch it learn, and look inside the result."""
import io

import streamlit as st

from core import cnn
from ui.common import t, url_widget
from ui import background, training
from ui.cnn_results import results
from ui.data import data_panel
from ui.teach import cnn_explained, recipe

SUBSETS = [1000, 2000, 5000, 10000, 20000, 30000, 60000]
LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]


def settings_form() -> tuple[dict, int, dict]:
    """(model config, seed, training keyword arguments) from the widgets; defaults are the lesson's."""
    left, middle, right = st.columns(3)
    with left:
        conv1 = url_widget(st.select_slider, t("Conv 1 channels"), "cnn_c1", 32, options=[4, 8, 16, 32, 64])
        conv2 = url_widget(st.select_slider, t("Conv 2 channels"), "cnn_c2", 64, options=[8, 16, 32, 64, 128])
        hidden = url_widget(st.select_slider, t("Fully connected hidden units"), "cnn_fc", 128,
                            options=[16, 32, 64, 128, 256, 512])
    with middle:
        optimizer = url_widget(st.radio, t("Optimizer"), "cnn_opt", "adam", options=["adam", "sgd"], horizontal=True,
                               format_func=lambda k: {"adam": "Adam", "sgd": t("SGD + momentum 0.9")}[k])
        lr = url_widget(st.select_slider, t("Learning rate"), "cnn_lr", 1e-3, options=LEARNING_RATES,
                        format_func=lambda v: f"{v:g}")
        step_lr = url_widget(st.checkbox, t("StepLR: halve the learning rate every 5 epochs"), "cnn_steplr", True)
    with right:
        epochs = url_widget(st.number_input, t("Epochs"), "cnn_epochs", 10, min_value=1, max_value=30)
        batch = url_widget(st.select_slider, t("Batch size"), "cnn_batch", 64, options=[16, 32, 64, 128, 256, 512])
        subset = url_widget(st.select_slider, t("Training images (a subset trains faster)"), "cnn_subset", 60000,
                            options=SUBSETS, format_func=lambda v: f"{v:,}")
        seed = url_widget(st.number_input, t("Random seed"), "cnn_seed", 0, min_value=0, max_value=2**31 - 1)
    config = {"conv1_channels": int(conv1), "conv2_channels": int(conv2), "hidden_size": int(hidden)}
    kwargs = {"epochs": int(epochs), "lr": float(lr), "batch_size": int(batch), "optimizer": optimizer,
              "step_lr": bool(step_lr), "train_subset": int(subset)}
    return config, int(seed), kwargs


def train_controls(config: dict, seed: int, kwargs: dict) -> None:
    job = background.current_job()
    busy = job is not None and job.active
    if st.button(t("Train"), type="primary", key="cnn_train", disabled=busy):
        job = background.start_job(config, seed, log_every=None, **kwargs) or job
    if job is not None:
        background.live_progress(job, key="cnn")


def model_bytes(entry: dict) -> bytes:
    """The session model as a file, serialised once per model."""
    cached = st.session_state.get("cnn_bytes")
    if cached is None or cached[0] is not entry["model"]:
        buffer = io.BytesIO()
        cnn.save_model(entry["model"], buffer)
        cached = (entry["model"], buffer.getvalue())
        st.session_state["cnn_bytes"] = cached
    return cached[1]


def save_and_load(entry: dict | None) -> None:
    st.header(t("Save or load a model"))
    left, right = st.columns(2)
    with left:
        if entry is not None:
            st.download_button(t("Download the model (.pt)"), model_bytes(entry), file_name="nn-playground-cnn.pt",
                               mime="application/octet-stream", key="cnn_save")
        else:
            st.caption(t("Train a model first to download it."))
    with right:
        upload = st.file_uploader(t("Load a saved model (.pt)"), type=["pt"], key="cnn_upload")
        if upload is not None and st.session_state.get("cnn_uploaded") != upload.file_id:
            try:
                model = cnn.load_model(upload)
            except ValueError as exc:
                st.error(t("Could not load that file: {reason}", reason=str(exc)))
            else:
                st.session_state["cnn_uploaded"] = upload.file_id
                training.set_model(model, [], dict(model.config), source="uploaded")
                st.rerun()


st.title(t("Train the lesson's CNN on MNIST"))
st.markdown(t("conv(1→32, 3×3) → ReLU → max-pool → conv(32→64, 3×3) → ReLU → max-pool → fc(3136→128) → ReLU → fc(128→10), trained with cross-entropy and Adam. Defaults are the lesson's; a subset of the images trains in seconds."))
with st.expander(t("📖 How it works: convolutions, pooling, softmax, and the model's code")):
    cnn_explained()
data_panel()
config, seed, kwargs = settings_form()
train_controls(config, seed, kwargs)
entry = st.session_state.get("cnn")
if entry is not None:
    results(entry)
save_and_load(entry)
with st.expander(t("🔥 The PyTorch recipe: XOR net and CNN side by side")):
    recipe()
