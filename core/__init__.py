"""NN Playground's computation: plain Python, no Streamlit, usable from any script.

Importing it changes nothing in the process: the start-up policy (OpenMP spin, malloc tuning) is
core.serving.process.configure_process(), which app.py and the benchmarks call before torch loads."""
