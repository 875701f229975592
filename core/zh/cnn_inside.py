"""中文 for the cnn_inside area's UI text, keyed by its English original (merged into core.strings.ZH)."""

ZH: dict[str, str] = {
}
