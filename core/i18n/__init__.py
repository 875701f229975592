"""The interface's words in English and 中文."""
