"""The MNIST data line: which data training uses, in one calm line with a Download button, and the details folded."""

import streamlit as st

from core.cnn.data import DATA_DIR_ENV, MnistChoice, MnistUnavailable, choose_data, forget_failed_download, load_split
from core.serving.deployment import LOCAL_ENV, local_mode
from ui import background
from ui.common import error_text, plain, t


def data_panel() -> MnistChoice:
    """One line saying what training will use (the data directory's MNIST, or the bundled sample with a Download
    button), then the directory and the reason folded away. Cheap on every rerun: nothing is downloaded unasked."""
    root = background.data_dir()
    choice = choose_data(root, download=False)
    if choice.bundled:
        line, button = st.columns([4, 1], vertical_alignment="center")
        line.markdown(
            t(
                "Training on the bundled {count:,}-image MNIST sample · Full MNIST (60,000 images, about 55 MB):",
                count=choice.train_count,
            )
        )
        if button.button(t("Download"), key="cnn_download"):
            _download(root)
    else:
        count = choice.train_count
        st.markdown(t("Training on MNIST from the data directory: {count:,} training images.", count=count))
    _details(root, choice)
    return choice


def _download(root) -> None:
    """Only this button downloads MNIST (Train never does): into the data directory, then the page reruns on it."""
    if local_mode():  # a public server keeps its 10-minute pause after a failure, whoever clicks
        forget_failed_download(root)
    try:
        with st.spinner(t("Downloading MNIST…")):
            load_split(root, train=True)
            load_split(root, train=False)
        st.rerun()
    except MnistUnavailable as exc:
        st.error(error_text(exc))


def _details(root, choice: MnistChoice) -> None:
    with st.expander(t("Data details")):
        st.text_input(
            t("Data directory (default from the environment variable {env})", env=DATA_DIR_ENV),
            key="data_dir",
            persist_state="session",
            disabled=not local_mode(),
            help=None
            if local_mode()
            else t("Fixed on this server. To choose another folder, run the app yourself with {env}=1.", env=LOCAL_ENV),
        )
        if choice.bundled:
            st.warning(error_text(choice.problem))
        else:
            st.caption(
                t(
                    "MNIST found in {folder}: {train:,} training and {test:,} test images.",
                    folder=plain(root),
                    train=choice.train_count,
                    test=choice.test_count,
                )
            )
