"""Train the lesson's CNN on MNIST, watch it learn, and look inside the result."""
import io

import streamlit as st

from core import cnn, cnn_figures
from core.mnist_data import MnistUnavailable
from ui.common import plot, t, url_widget
from ui import background, training
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


def report(entry: dict) -> dict:
    """The session model's test report, computed once per model."""
    cached = st.session_state.get("cnn_report")
    if cached is None or cached[0] is not entry["model"]:
        cached = (entry["model"], cnn.test_report(entry["model"], background.data_dir()))
        st.session_state["cnn_report"] = cached
    return cached[1]


@st.fragment
def results(entry: dict) -> None:
    """The session model's report; its widgets (e.g. the feature-map digit) rerun only this part."""
    st.header(t("Your model"))
    model = entry["model"]
    try:
        rep = report(entry)
    except MnistUnavailable as exc:
        st.warning(str(exc))
        return
    st.metric(t("Test accuracy"), f"{rep['accuracy']:.2%}", help=t("on {count:,} test images", count=rep["count"]))
    tabs = st.tabs([t("Confusion matrix"), t("Mistakes"), t("Learning rate"), t("Filters"), t("Feature maps")])
    with tabs[0]:
        plot(cnn_figures.confusion_matrix(rep["confusion"], tr=t), key="cnn_confusion")
    with tabs[1]:
        if len(rep["mistake_images"]):
            titles = [t("true {y} → {p}", y=y, p=p) for y, p in zip(rep["mistake_labels"], rep["mistake_predictions"])]
            plot(cnn_figures.image_grid(rep["mistake_images"], titles, columns=10, title=t("Misclassified test digits")), key="cnn_mistakes")
        else:
            st.success(t("No mistakes on the test split."))
    with tabs[2]:
        if entry["records"]:
            plot(cnn_figures.learning_rate_schedule(entry["records"], tr=t), key="cnn_lr_plot")
        else:
            st.info(t("This model was uploaded, so there is no training history."))
    with tabs[3]:
        filters = model.conv1.weight.detach().cpu().numpy()[:, 0]
        plot(cnn_figures.image_grid(filters, [str(i + 1) for i in range(len(filters))], columns=16, colorscale="RdBu",
                                    zmid=0.0, title=t("First-layer 3×3 filters (red positive, blue negative)"), height_per_row=80), key="cnn_filters")
    with tabs[4]:
        index = st.slider(t("Test digit"), 0, len(rep["sample_images"]) - 1, 0, key="cnn_fmap_index")
        image = rep["sample_images"][index]
        maps1, maps2 = cnn.feature_maps(model, image)
        left, right = st.columns([1, 4])
        left.plotly_chart(cnn_figures.digit_image(image, t("input")), key="cnn_fmap_input")
        with right:
            plot(cnn_figures.feature_map_grid(maps1, t("Conv 1 feature maps (28×28)")), key="cnn_fmap1")
            plot(cnn_figures.feature_map_grid(maps2, t("Conv 2 feature maps (14×14)")), key="cnn_fmap2")


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
