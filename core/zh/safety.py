"""中文 for the safety area's UI text, keyed by its English original (merged into core.strings.ZH)."""

ZH: dict[str, str] = {
}
