"""The drawing pad: streamlit-drawable-canvas, with what comes back from the browser bounded before it is decoded.

st_canvas's own image_data decodes whatever PNG the browser (or a raw websocket) sent, at any size; here the data URL
is checked first (core.image_file.read_canvas_png) and anything oversized or malformed reads as an empty canvas.
"""

import inspect
from dataclasses import dataclass

import numpy as np
from streamlit_drawable_canvas import st_canvas

from core.image_file import read_canvas_png

ST_CANVAS_DEFAULT_SIZE = (600, 400)  # st_canvas's own defaults for width and height


@dataclass(frozen=True)
class CanvasDrawing:
    """What the page reads from st_canvas's result: image_data as (H, W, 4) uint8 or None, and Fabric's JSON."""

    image_data: np.ndarray | None
    json_data: dict | None


def drawing_canvas(**kwargs) -> CanvasDrawing:
    """Same arguments as st_canvas; the image is read only when it is no larger than the canvas can draw."""
    inspect.signature(st_canvas).bind(**kwargs)  # a wrong argument is a bug: raise it here, outside the try below
    try:
        result = st_canvas(**kwargs)
        # The raw data URL, before st_canvas's image_data property would decode it whatever its size.
        data_url, json_data = result._image_data_url, result.json_data
    except (AttributeError, KeyError, TypeError):  # a crafted value st_canvas cannot even unpack ({"drawing": [1]})
        return CanvasDrawing(image_data=None, json_data=None)
    width = kwargs.get("width", ST_CANVAS_DEFAULT_SIZE[0])
    height = kwargs.get("height", ST_CANVAS_DEFAULT_SIZE[1])
    image = read_canvas_png(data_url, width, height) if kwargs.get("return_image_data") else None
    return CanvasDrawing(image_data=image, json_data=json_data if isinstance(json_data, dict) else None)
