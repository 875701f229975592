"""Home: what the playground is and where to start."""
import streamlit as st

from ui.common import t
from ui.sidebar import device_name

st.title(t("🧠 NN Playground"))
st.markdown(t("Train real neural networks in your browser and watch them learn. Three experiments grow out of one short deep-learning lesson:"))
st.caption(t("Training runs on: **{device}**", device=device_name()))
left, middle, right = st.columns(3)
with left:
    st.subheader(t("1 · XOR from scratch"))
    st.markdown(t("A 2 → hidden → 1 sigmoid network with hand-written backprop in NumPy, and the same net in PyTorch. See each hidden unit's boundary, the hidden space where XOR becomes separable, and check the gradients against autograd."))
    st.page_link("views/xor.py", label=t("Open the XOR playground"), icon="✖️")
with middle:
    st.subheader(t("2 · A CNN on MNIST"))
    st.markdown(t("Two conv layers and two fully connected ones, trained with Adam on handwritten digits. Watch the loss fall, then look at the confusion matrix, the mistakes, the filters and the feature maps."))
    st.page_link("views/cnn.py", label=t("Train a CNN"), icon="🧮")
with right:
    st.subheader(t("3 · Draw a digit"))
    st.markdown(t("Draw with the mouse or a finger and see what your CNN thinks, the 28×28 image it really sees, and which pixels pushed its decision."))
    st.page_link("views/draw.py", label=t("Draw a digit"), icon="✏️")
