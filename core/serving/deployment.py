"""Public by default: what a local user turns on with NN_PLAYGROUND_LOCAL=1.

A public deployment (Streamlit Community Cloud) must not have to remember to switch anything off, so the safe
behaviour is the default: visitors cannot point the data directory elsewhere, and each training job's cost is capped.
"""

import os

LOCAL_ENV = "NN_PLAYGROUND_LOCAL"


def local_mode() -> bool:
    """True when the operator runs the app for themselves (NN_PLAYGROUND_LOCAL=1): the data directory is editable
    from the page and training jobs are not capped."""
    return os.environ.get(LOCAL_ENV, "").strip().lower() in ("1", "true", "yes")
