"""中文 for the common area's UI text, keyed by its English original (merged into core.strings.ZH)."""

ZH: dict[str, str] = {
}
