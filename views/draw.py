"""Draw a digit (or upload a photo of one) and see what the session's CNN thinks, and why."""
import time

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from core import cnn, cnn_figures, digits
from ui import background, training
from ui.common import plot, t
from ui.teach_draw import preprocessing_explained

CANVAS_SIZE = 280


def quick_training() -> None:
    """No model yet: offer a short training run right here instead of a dead end."""
    st.info(t("You have no trained CNN in this session yet. Train one quickly here (or on the **Train a CNN** page, or load a saved one there)."))
    left, right = st.columns([2, 1])
    epochs = left.select_slider(t("Quick training: epochs over up to 10,000 images"), [1, 2, 3], value=1, key="quick_epochs")
    if right.button(t("Quick train"), type="primary", key="quick_train"):
        if background.start_job(dict(), seed=0, epochs=int(epochs), train_subset=10_000, log_every=None):
            st.rerun()


def explain(image: np.ndarray, model, rgba: np.ndarray, started: float) -> None:
    """Prediction, probabilities, what the model sees, feature maps and saliency for one preprocessed digit."""
    probs = cnn.predict_proba(model, image[None])[0]
    elapsed_ms = 1000 * (time.perf_counter() - started)
    plain = digits.plain_resize(rgba)
    plain_probs = cnn.predict_proba(model, plain[None])[0]
    best = int(np.argmax(probs))
    left, right = st.columns([1, 2])
    with left:
        st.metric(t("The CNN reads"), str(best), help=t("confidence {p:.0%}", p=probs[best]))
        st.caption(t("{p:.0%} sure · image to probabilities in {ms:.0f} ms", p=probs[best], ms=elapsed_ms))
    with right:
        plot(cnn_figures.probabilities(probs, tr=t), key="draw_probs")
    st.subheader(t("What the model actually sees"))
    cols = st.columns(3)
    with cols[0]:
        plot(cnn_figures.digit_image(image, t("MNIST-style: what the CNN sees")), key="draw_seen")
    with cols[1]:
        plot(cnn_figures.digit_image(plain, t("Plain resize: would read {d} ({p:.0%})", d=int(np.argmax(plain_probs)), p=plain_probs.max())), key="draw_plain")
    with cols[2]:
        plot(cnn_figures.digit_image(cnn.saliency(model, image), t("Saliency: pixels that mattered"), colorscale="Hot"), key="draw_saliency")
    st.caption(t("MNIST digits were size-normalised to a 20×20 box and centred by their centre of mass in 28×28. A drawing treated the same way looks like the training data; a plain resize usually does not."))
    maps1, maps2 = cnn.feature_maps(model, image)
    plot(cnn_figures.feature_map_grid(maps1, t("Conv 1 feature maps of your digit")), key="draw_fmap1")
    plot(cnn_figures.feature_map_grid(maps2, t("Conv 2 feature maps of your digit")), key="draw_fmap2")


def read_upload(upload) -> np.ndarray | None:
    try:
        return digits.read_image_file(upload.getvalue())
    except digits.ImageError as exc:
        st.error(str(exc))
        return None


@st.fragment
def drawing_panel(model) -> None:
    """Canvas and prediction; interacting here reruns only this part of the page."""
    source = st.radio(t("Input"), ["draw", "upload"], horizontal=True, key="draw_source",
                      format_func=lambda k: {"draw": t("Draw"), "upload": t("Upload a photo")}[k])
    rgba = None
    if source == "draw":
        left, right = st.columns([1, 2])
        with left:
            width = st.slider(t("Stroke width"), 5, 40, 18, key="draw_width")
            if st.button(t("Clear"), key="draw_clear"):
                st.session_state["canvas_version"] = st.session_state.get("canvas_version", 0) + 1
        with right:
            result = st_canvas(stroke_width=width, stroke_color="#FFFFFF", background_color="#000000",
                               width=CANVAS_SIZE, height=CANVAS_SIZE, drawing_mode="freedraw", return_image_data=True,
                               key=f"canvas_{st.session_state.get('canvas_version', 0)}")
            rgba = result.image_data
    else:
        upload = st.file_uploader(t("A photo or scan of one digit (PNG or JPEG); dark ink on light paper is inverted automatically"),
                                  type=["png", "jpg", "jpeg"], key="draw_upload")
        if upload is not None:
            rgba = read_upload(upload)
            if rgba is not None:
                st.image(rgba, caption=t("your upload"), width=200)
    started = time.perf_counter()
    image = digits.preprocess(rgba) if rgba is not None else None
    if image is None:
        st.info(t("Draw a digit (0–9) on the black square, as large as you like."))
        return
    explain(image, model, rgba, started)


st.title(t("Draw a digit"))
st.markdown(t("Draw a digit with the mouse or a finger. Your CNN reads it after the same preprocessing MNIST used, and shows why it decided what it did."))
with st.expander(t("📖 Why preprocessing matters, and the code that does it")):
    preprocessing_explained()
job = background.current_job()
if job is not None and (job.active or job.status in ("failed", "diverged") or st.session_state.get("cnn_adopted") != job.id):
    background.live_progress(job, key="draw")
model = training.session_model()
if model is None:
    if job is None or not job.active:
        quick_training()
else:
    entry = st.session_state["cnn"]
    accuracy = entry["records"][-1]["test_accuracy"] if entry["records"] else None
    st.caption(t("Using your {source} model", source=t(entry["source"])) + (f" · {t('test accuracy')} {accuracy:.2%}" if accuracy else ""))
    drawing_panel(model)
