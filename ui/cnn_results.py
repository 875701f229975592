"""The CNN page's report on the session's model: accuracy, confusion matrix, mistakes, filters, feature maps."""
import streamlit as st

from core import cnn, cnn_figures
from core.mnist_data import MnistUnavailable
from ui import background
from ui.common import plot, t


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
