"""The CNN page's report on the session's model: accuracy, mistakes you can click, curves, filters, and the
network opened up for any test image."""

from functools import partial

import numpy as np
import streamlit as st

from core.cnn import figures as cnn_figures
from core.cnn import report as cnn_report
from core.cnn import report_figures, training_figures
from core.cnn.data import MnistUnavailable, choose_data
from core.cnn.records import CnnRun
from core.i18n.strings import LANGUAGES, translate
from ui import background
from ui.cnn_inside import inside_cnn
from ui.common import error_text, plot, t
from ui.state import Cnn

TABS_KEY = "cnn_results_tab"
IMAGE_NUMBER = "#"  # the mistakes table's column of test image numbers: the same in both languages
NUMBER_KEY = "cnn_inside_number"  # its number input
ROWS_KEY = "cnn_cell_rows"  # the list of the chosen cell's images


def report(run: CnnRun) -> cnn_report.TestReport:
    """The session model's test report, computed once per model (ui.training drops it when the model changes)."""
    cached = Cnn.REPORT.get()
    if cached is None or cached[0] is not run.model:
        # The test images training used: the data directory's MNIST, or the bundled sample standing in for it.
        root = choose_data(background.data_dir(), download=False).root
        cached = (run.model, cnn_report.test_report(run.model, root))
        Cnn.REPORT.set(cached)
    return cached[1]


# Four short names: five (Accuracy and Learning rate apart) made the tab bar scroll sideways on a 390-px phone.
TAB_NAMES = ("Mistakes", "Inside the CNN", "Training", "Filters")


def _tab_names() -> list[str]:
    return [t(name) for name in TAB_NAMES]


def _keep_open_tab(names: list[str]) -> None:
    """The tab state holds the open tab's label: after a language switch, the same tab under its new label."""
    stored = st.session_state.get(TABS_KEY)
    if stored in names:
        return
    st.session_state.pop(TABS_KEY, None)
    for name, label in zip(TAB_NAMES, names):
        if any(stored == translate(name, language) for language in LANGUAGES):
            st.session_state[TABS_KEY] = label


@st.fragment
def results(run: CnnRun) -> None:
    """The session model's report; its tabs and clicks rerun only this part, and only the open tab is drawn."""
    st.header(t("Your model"))
    try:
        rep = report(run)
    except (MnistUnavailable, ValueError) as exc:
        st.warning(error_text(exc))
        return
    st.metric(t("Test accuracy"), f"{rep.accuracy:.2%}", help=t("on {count:,} test images", count=rep.count))
    names = _tab_names()
    _keep_open_tab(names)
    mistakes, inside, training, filters = st.tabs(names, key=TABS_KEY, on_change="rerun")
    if mistakes.open:
        with mistakes:
            _mistakes(rep)
    if inside.open:
        with inside:
            _inside(run.model, rep)
    if training.open:
        with training:
            _accuracy(run, rep)
            _learning_rate(run)
    if filters.open:
        with filters:
            _filters(run.model)


def _on_cell_click(chart_key: str) -> None:
    try:
        point = st.session_state[chart_key]["selection"]["points"][0]
        index = int(point["point_index"])
        if int(point.get("curve_number", 1)) == 1 and 0 <= index < 100:
            Cnn.CELL.set(divmod(index, 10))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return


def _chosen_cell(rep: cnn_report.TestReport) -> tuple[int, int]:
    """The clicked cell, else the most frequent mistake (else the diagonal's first cell)."""
    cell = Cnn.CELL.get()
    if cell is not None:
        return int(cell[0]), int(cell[1])
    off_diagonal = rep.confusion - np.diag(np.diag(rep.confusion))
    if off_diagonal.max() == 0:
        return 0, 0
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(off_diagonal)), off_diagonal.shape))


def _mistakes(rep: cnn_report.TestReport) -> None:
    st.caption(t("Rows: the true digit; columns: what the CNN read. Click a cell to see those test images."))
    true, predicted = _chosen_cell(rep)
    chart = "cnn_confusion"
    plot(
        report_figures.clickable_confusion_matrix(rep.confusion, (true, predicted), tr=t),
        key=chart,
        selection_mode="points",
        on_select=partial(_on_cell_click, chart),
    )
    indices = rep.cell(true, predicted)
    if true == predicted:
        st.markdown(t("Test images of {true} read right: **{count:,}**.", count=len(indices), true=true))
    else:
        st.markdown(
            t(
                "Test images of {true} read as {predicted}: **{count:,}**.",
                count=len(indices),
                true=true,
                predicted=predicted,
            )
        )
    if not len(indices):
        return
    shown = indices[: cnn_report.MAX_CELL_IMAGES]
    if len(indices) > len(shown):
        st.caption(t("The first {shown} are listed.", shown=len(shown)))
    _cell_images(rep, shown)


def _cell_images(rep: cnn_report.TestReport, shown: np.ndarray) -> None:
    """A list of the cell's images with their top-3 probabilities; choosing a row opens it inside the CNN."""
    rows = {  # narrow enough for a 390-px phone: a small image, the number, whole percents
        t("image"): [_data_uri(rep.image(i)) for i in shown],
        IMAGE_NUMBER: [int(i) for i in shown],
        t("top 3 probabilities"): [" · ".join(f"{d}: {p:.0%}" for d, p in rep.top(i)) for i in shown],
    }
    st.dataframe(
        rows,
        hide_index=True,
        selection_mode="single-row",
        key=ROWS_KEY,
        row_height=44,
        on_select=partial(_on_row_click, [int(i) for i in shown]),
        column_config={
            t("image"): st.column_config.ImageColumn(width="small"),
        },
    )
    st.caption(t("Choose a row to open that image inside the CNN."))


def _on_row_click(shown: list[int]) -> None:
    """Open the chosen test image in the "Inside the CNN" tab."""
    try:
        row = int(st.session_state[ROWS_KEY]["selection"]["rows"][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return
    if 0 <= row < len(shown):
        Cnn.INSIDE_INDEX.set(shown[row])
        st.session_state[TABS_KEY] = t("Inside the CNN")


def _data_uri(image: np.ndarray) -> str:
    """A 28×28 digit as a PNG data URI (about 0.4 kB) for an image cell."""
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.round(image * 255).astype(np.uint8)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _inside(model, rep: cnn_report.TestReport) -> None:
    index = min(max(int(Cnn.INSIDE_INDEX.get()), 0), rep.count - 1)
    st.session_state[NUMBER_KEY] = index
    st.number_input(
        t("Test image # (0–{last:,})", last=rep.count - 1),
        0,
        rep.count - 1,
        step=1,
        key=NUMBER_KEY,
        on_change=_on_number,
    )
    inside_cnn(model, rep.image(index), label=int(rep.labels[index]), key="cnn_inside")


def _on_number() -> None:
    """Keep the typed number (it is clamped to the test split when used; a raw websocket can send anything)."""
    try:
        Cnn.INSIDE_INDEX.set(int(st.session_state[NUMBER_KEY]))
    except (KeyError, TypeError, ValueError, OverflowError):
        return


def _accuracy(run: CnnRun, rep: cnn_report.TestReport) -> None:
    if run.records:
        plot(training_figures.accuracy_curves(run.records, tr=t), key="cnn_accuracy_curves")
        st.caption(
            t(
                "Train accuracy is a running average over the batches of the epoch so far, measured while the "
                "weights were still changing; test accuracy is measured once, after the epoch, with the final "
                "weights. That is why train accuracy trails test accuracy after one epoch; when it climbs well "
                "above test accuracy later, the network is memorising its training images (overfitting)."
            )
        )
    else:
        st.info(t("This model was uploaded, so there is no training history."))
    plot(report_figures.per_class_accuracy(rep.per_class_accuracy(), tr=t), key="cnn_per_class")


def _learning_rate(run: CnnRun) -> None:
    if run.records:  # an uploaded model's missing history is said once, above
        plot(training_figures.learning_rate_schedule(run.records, tr=t), key="cnn_lr_plot")


def _filters(model) -> None:
    filters = model.conv1.weight.detach().cpu().numpy()[:, 0]
    plot(
        cnn_figures.image_grid(
            filters,
            [str(i + 1) for i in range(len(filters))],
            columns=8,
            colorscale="RdBu_r",
            zmid=0.0,
            title=t("First-layer 3×3 filters (red positive, blue negative)"),
            height_per_row=80,
        ),
        key="cnn_filters",
    )
