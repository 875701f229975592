"""The XOR networks: the post's NumPy net and its PyTorch twin, their experiments, figures and exports."""
