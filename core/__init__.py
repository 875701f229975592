"""NN Playground's computation: plain Python, no Streamlit, usable from any script."""
import os

# Spin-waiting OpenMP threads steal the CPU from other sessions and the UI on a small
# shared machine; measured here, a passive wait policy avoided a 3x slowdown under load.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
