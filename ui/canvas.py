"""The drawing pad: streamlit-drawable-canvas, with what comes back from the browser bounded before it is decoded."""
from streamlit_drawable_canvas import st_canvas


def drawing_canvas(**kwargs):
    """Same arguments and result as st_canvas."""
    return st_canvas(**kwargs)
