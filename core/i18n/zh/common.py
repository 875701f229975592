"""中文 for the common area's UI text, keyed by its English original (merged into core.i18n.strings.ZH)."""

ZH: dict[str, str] = {
    "CUDA ({gpu})": "CUDA（{gpu}）",
    "Apple MPS": "Apple MPS",
    "CPU (1 thread)": "CPU（1 个线程）",
    "CPU ({threads} threads)": "CPU（{threads} 个线程）",
}
