"""The MNIST data panel: which directory, whether the data is there, and what to do when it is not."""
import os

import streamlit as st

from core.mnist_data import DATA_DIR_ENV, MnistUnavailable, load_split, missing_files
from ui import background
from ui.common import t


def data_dir_locked() -> bool:
    """On a public deployment, NN_PLAYGROUND_DATA_LOCKED=1 keeps visitors from pointing downloads elsewhere."""
    return os.environ.get("NN_PLAYGROUND_DATA_LOCKED", "").strip() in ("1", "true", "yes")


def data_panel() -> bool:
    """Data directory field and its status; True when MNIST is on disk."""
    with st.expander(t("Data: MNIST"), expanded=bool(missing_files(background.data_dir()))):
        st.text_input(t("Data directory (default from the environment variable {env})", env=DATA_DIR_ENV), key="data_dir",
                      persist_state="session", disabled=data_dir_locked())
        missing = missing_files(background.data_dir())
        if not missing:
            st.caption(t("MNIST found in {folder}.", folder=background.data_dir()))
            return True
        st.warning(t("MNIST is not in this directory yet (missing: {files}). Training will try to download it; or press the button now.", files=", ".join(missing)))
        if st.button(t("Download MNIST now"), key="cnn_download"):
            try:
                with st.spinner(t("Downloading MNIST…")):
                    load_split(background.data_dir(), train=True)
                    load_split(background.data_dir(), train=False)
                st.rerun()
            except MnistUnavailable as exc:
                st.error(str(exc))
        return False
