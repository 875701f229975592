"""The Draw page's explanations: why and how a drawing or a photo is made to look like MNIST."""

import streamlit as st

from core.draw import digits
from ui.common import t
from ui.teach import source


def preprocessing_explained() -> None:
    st.markdown(
        t(
            "MNIST's digits were written on paper, scanned, cropped to their ink, scaled so the longer side is "
            "20 pixels, and placed in a 28×28 field with their centre of mass in the middle. A drawing has to go "
            "through the same steps, or the model sees something it never saw in training. This is the code "
            "that does it:"
        )
    )
    source(digits.preprocess)
    left, right = st.columns(2)
    with left:
        source(digits._fit_box)
    with right:
        source(digits._place)
    st.markdown(
        t(
            'A photo needs one step more. Light falls unevenly on paper, so "dark" cannot mean one fixed '
            "level: a shadow would become ink. The paper's own brightness is estimated around each pixel, "
            "and ink is what is clearly darker than the paper there:"
        )
    )
    source(digits.ink_on_paper)
