"""Every piece of UI text in 中文, keyed by its English original; English is the default language."""

LANGUAGES = {"en": "English", "zh": "中文"}

ZH: dict[str, str] = {}


def translate(text: str, lang: str) -> str:
    """The text in the language, falling back to English where no translation exists."""
    if lang == "zh":
        return ZH.get(text, text)
    return text
