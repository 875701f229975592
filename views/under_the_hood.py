"""Under the hood: the engineering behind the pages, for the curious, out of the student's path.

Nothing here is needed to follow the lesson: how the CNN page trains faster than the post's script with the same
forward and backward, how the Draw page reads a digit in milliseconds, and how the XOR page runs its options.
"""

import streamlit as st

from ui.cnn_hood import faster_training, image_to_probabilities, sixteen_bits
from ui.common import t
from ui.teach_xor import under_the_hood_xor

st.title(t("Under the hood"))
st.markdown(
    t(
        "For the curious: how the pages run fast and check themselves. Nothing here is needed to follow the "
        "lesson; where the page's code differs from the post's, this page shows both and the proof that they agree."
    )
)
st.header(t("Why the CNN page trains faster than the post's script"))
faster_training()
st.header(t("Precision: training in bfloat16"))
sixteen_bits()
st.header(t("From a drawing to ten probabilities in milliseconds"))
image_to_probabilities()
st.header(t("The XOR page's options"))
under_the_hood_xor()
