"""The MNIST data panel: which directory, whether the data is there, and what is used meanwhile when it is not."""

import streamlit as st

from core.deployment import LOCAL_ENV, local_mode
from core.mnist_data import DATA_DIR_ENV, MnistChoice, MnistUnavailable, choose_data, forget_failed_download, load_split
from ui import background
from ui.common import error_text, plain, t


def data_panel() -> MnistChoice:
    """The data directory (editable only when the app runs locally) and what training will use: its MNIST, or the
    bundled sample with the reason and what to do. Cheap on every rerun: nothing is downloaded here unasked."""
    root = background.data_dir()
    choice = choose_data(root, download=False)
    with st.expander(t("Data: MNIST"), expanded=choice.bundled):
        st.text_input(
            t("Data directory (default from the environment variable {env})", env=DATA_DIR_ENV),
            key="data_dir",
            persist_state="session",
            disabled=not local_mode(),
            help=None
            if local_mode()
            else t("Fixed on this server. To choose another folder, run the app yourself with {env}=1.", env=LOCAL_ENV),
        )
        if not choice.bundled:
            st.caption(
                t(
                    "MNIST found in {folder}: {train:,} training and {test:,} test images.",
                    folder=plain(root),
                    train=choice.train_count,
                    test=choice.test_count,
                )
            )
            return choice
        st.warning(error_text(choice.problem))
        if st.button(t("Download MNIST now"), key="cnn_download"):
            if local_mode():  # a public server keeps its 10-minute pause after a failure, whoever clicks
                forget_failed_download(root)
            try:
                with st.spinner(t("Downloading MNIST…")):
                    load_split(root, train=True)
                    load_split(root, train=False)
                st.rerun()
            except MnistUnavailable as exc:
                st.error(error_text(exc))
    return choice
