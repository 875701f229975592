"""Draw a digit (or upload a photo of one) and see what a CNN thinks, and why.

The ready-made model reads from the first stroke (no training needed); the session's own model, once it has one,
takes over, and the user can switch back. A stroke reruns only the drawing section, which shows the prediction first;
the costly views (saliency, feature maps) are computed only while their section is open.
"""

import numpy as np
import streamlit as st

from core import cnn
from core.draw import digits
from core.draw.strokes import strokes_to_image
from core.errors import UserError
from core.files.ready_model import ready_model_info
from ui import background, training
from ui.bars import probability_bars
from ui.cnn_inside import inside_cnn
from ui.common import error_text, lazy_section, lazy_view, t
from ui.pad import drawing_pad
from ui.server import live_view
from ui.state import Cnn
from ui.teach_draw import preprocessing_explained

PIXEL_ZOOM = 4  # 28×28 shown as 112×112 sharp pixels: an st.image, far cheaper for the browser than a plotly heatmap
MODEL_LABELS = {
    "lesson": "the lesson's CNN you trained",
    "own": "your model",
    "ready": "the ready-made model",
}
# Streamlit stacks columns on a phone, in their order: the answer's column then goes above the pad, so the answer and
# the pad fit on a 390×844 screen together (tests/browser/test_pad.py). Constant CSS of our own, scoped to the row.
ANSWER_HEIGHT = 170  # px: the metric and the 150-px bars side by side
PHONE_ORDER = """<style>
@media (max-width: 640px) { .st-key-draw_row [data-testid="stColumn"]:first-child { order: 2; } }
</style>"""


def _ready_or_none():
    try:
        return training.ready_model()
    except ValueError as exc:
        st.error(error_text(exc))
        return None


def available_models() -> dict[str, tuple[object, str]]:
    """The models this session can read with, newest kind first: key → (model, caption)."""
    models = {}
    lesson = Cnn.LESSON_MODEL.get()
    if lesson is not None:
        models["lesson"] = (
            lesson.model,
            t(
                "Reading with the CNN your run of the lesson's script trained (test accuracy {accuracy:.2%}).",
                accuracy=lesson.test_accuracy,
            ),
        )
    own = training.session_model()
    if own is not None:
        run = Cnn.RUN.get()
        caption = t("Reading with your {source} model", source=t(run.source.value))
        accuracy = f" ({t('test accuracy')} {run.accuracy:.2%})." if run.accuracy is not None else "."
        models["own"] = (own, caption + accuracy)
    ready = _ready_or_none()
    if ready is not None:
        models["ready"] = (
            ready,
            t(
                "Reading with the ready-made model (test accuracy {accuracy:.2%}).",
                accuracy=ready_model_info()["test_accuracy"],
            ),
        )
    return models


def chosen_model():
    """(model, caption): a model that just arrived (the lesson's or the CNN page's) is switched to; the reader can
    choose between those the session has."""
    models = available_models()
    if not models:
        return None, ""
    for key, seen in Cnn.DRAW_SEEN.items():  # a model of one's own just arrived: read with it
        if key in models and seen.get() != id(models[key][0]):
            seen.set(id(models[key][0]))
            Cnn.DRAW_MODEL.set(key)
    if Cnn.DRAW_MODEL.get() not in models:
        Cnn.DRAW_MODEL.set(next(iter(models)))
    if len(models) > 1:
        st.radio(
            t("Read with"),
            list(models),
            horizontal=True,
            key=Cnn.DRAW_MODEL.key,
            format_func=lambda k: t(MODEL_LABELS[k]),
        )
    return models[Cnn.DRAW_MODEL.get()]


def zoom(image: np.ndarray) -> np.ndarray:
    return np.kron(np.clip(image, 0.0, 1.0), np.ones((PIXEL_ZOOM, PIXEL_ZOOM), np.float32))


def prediction(image: np.ndarray, model) -> None:
    """The answer first: the digit, how sure, and compact bars of all ten probabilities, side by side even on a phone
    (a horizontal container does not stack), so they take little height beside or above the pad."""
    probs = cnn.predict_proba(model, image[None])[0]
    best = int(np.argmax(probs))
    with st.container(horizontal=True, wrap=False, vertical_alignment="center", gap="medium"):
        with st.container(width="content"):
            st.metric(t("The CNN reads"), str(best), help=t("confidence {p:.0%}", p=probs[best]))
            st.caption(t("{p:.0%} sure", p=probs[best]))
        probability_bars(probs, key="draw_probs")


def what_it_sees(image: np.ndarray, model, rgba: np.ndarray, photo: bool) -> None:
    """The steps from the input to the 28×28 the CNN reads, and what a plain resize would have given."""
    st.subheader(t("What the model actually sees"))
    plain = digits.plain_resize(rgba)
    plain_probs = cnn.predict_proba(model, plain[None])[0]
    pictures, captions = [], []
    if photo:
        pictures += [rgba, digits.ink_map(rgba)]
        captions += [t("1 · your photo"), t("2 · ink: darker than the paper around it")]
    pictures += [zoom(image), zoom(plain)]
    captions += [
        t("MNIST-style: what the CNN sees"),
        t("Plain resize: would read {d} ({p:.0%})", d=int(np.argmax(plain_probs)), p=plain_probs.max()),
    ]
    st.image(pictures, caption=captions, width=112 + 28)
    st.caption(
        t(
            "MNIST digits were size-normalised to a 20×20 box and centred by their centre of mass in 28×28. "
            "A drawing treated the same way looks like the training data; a plain resize usually does not."
        )
    )


def inside_the_cnn(image: np.ndarray, model) -> None:
    """Saliency and the network opened up for this digit: computed only while open, so a stroke settles fast."""
    section = lazy_section(t("Inside the CNN for your digit"), Cnn.DRAW_INSIDE.key)
    if not section.open:
        return
    with section:
        salient = cnn.saliency(model, image)
        st.image(
            zoom(salient / max(float(salient.max()), 1e-9)), caption=t("Saliency: pixels that mattered"), width=112 + 28
        )
        inside_cnn(model, image, key="draw_inside_view")


def read_upload(upload) -> np.ndarray | None:
    try:
        return digits.read_image_file(upload.getvalue())
    except ValueError as exc:
        st.error(error_text(exc))
        return None


def upload_input() -> np.ndarray | None:
    upload = st.file_uploader(
        t("A photo or scan of one digit (PNG or JPEG): dark ink on paper, shadows and ruled lines are fine"),
        type=["png", "jpg", "jpeg"],
        key="draw_upload",
    )
    return read_upload(upload) if upload is not None else None


def drawn_picture(strokes, answer) -> np.ndarray | None:
    """The pad's strokes drawn on the server; a value no honest pad sends is refused with a message, in the answer's
    place (shown as text: core.errors templates, numbers only)."""
    try:
        return strokes_to_image([] if strokes is None else strokes)
    except UserError as exc:
        answer.error(error_text(exc))
        return None


def pad_input():
    """The pad beside its answer (above it on a phone, see PHONE_ORDER): (the drawing as a grey image or None, the
    answer's column)."""
    with st.container(key="draw_row"):
        pad, answer = st.columns([2, 3], gap="medium")
    with answer:  # one height for the hint and the answer: on a phone the pad below must not move while drawn on
        answer = st.container(height=ANSWER_HEIGHT, border=False)
    with pad:
        strokes = drawing_pad()
    return drawn_picture(strokes, answer), answer


@st.fragment
def drawing_panel(model) -> None:
    """The pad or an upload, then the prediction; drawing reruns only this part of the page.

    While the pad is shown and "Inside the CNN" is closed, every rerun of this part is cheap (a stroke's prediction
    and "what it sees": a few ms), so its reruns take the live views' lane and the prediction follows the pen; an
    upload (up to 0.5 s of CPU) or the open inside view (saliency, feature maps) keeps the clicks' rate."""
    source = st.radio(
        t("Input"),
        ["draw", "upload"],
        horizontal=True,
        key="draw_source",
        format_func=lambda k: {"draw": t("Draw"), "upload": t("Upload a photo")}[k],
    )
    live_view(source == "draw" and not Cnn.DRAW_INSIDE.get())
    if source == "draw":
        picture, answer = pad_input()
    else:
        picture, answer = upload_input(), st.container()
    image = digits.preprocess(picture) if picture is not None else None
    with answer:
        if image is None:
            if source == "draw" or picture is not None:
                st.info(
                    t("Draw a digit (0–9) on the black square, as large as you like.")
                    if source == "draw"
                    else t("No digit found in this picture: it looks blank. Try a closer photo with darker ink.")
                )
            return
        prediction(image, model)
    what_it_sees(image, model, picture, photo=source == "upload")
    inside_the_cnn(image, model)


def quick_training(job) -> None:
    """A short training run right here, for a model of one's own (drawing does not need it)."""
    with st.expander(t("Train a model of your own"), expanded=False):
        st.info(
            t(
                "You have no trained CNN of your own in this session yet; the ready-made model reads your digits "
                "meanwhile. Train one quickly here, or on the **Train a CNN** page (where you can also load one)."
            )
        )
        left, right = st.columns([2, 1])
        epochs = left.select_slider(
            t("Quick training: epochs over up to 10,000 images"), [1, 2, 3], value=1, key="quick_epochs"
        )
        busy = job is not None and job.active and background.controls(job)  # watching a shared run blocks nothing
        if right.button(t("Quick train"), type="primary", key="quick_train", disabled=busy):
            quick = dict(epochs=int(epochs), train_subset=10_000, log_every=None, download=False)  # never a download
            if background.start_job(dict(), seed=0, **quick):
                st.rerun()


st.title(t("Draw a digit"))
st.html(PHONE_ORDER)
st.markdown(
    t(
        "Draw a digit with the mouse or a finger. A CNN reads it after the same preprocessing MNIST used, and "
        "shows why it decided what it did."
    )
)
lazy_view(t("📖 Why preprocessing matters, and the code that does it"), "draw_open_how", preprocessing_explained)
job = background.current_job()
if job is not None and (job.active or job.status in ("failed", "diverged") or Cnn.ADOPTED.get() != job.id):
    background.live_progress(job, key="draw")
model, caption = chosen_model()
if model is not None:
    st.caption(caption)
    drawing_panel(model)
if training.session_model() is None:
    quick_training(job)
