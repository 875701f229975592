"""Errors a visitor should read, carried as an English template plus values so the UI can translate them whole.

`str(error)` is the English sentence (for logs, scripts and tests); the UI calls `ui.common.error_text(error)`,
which looks the template up in the chosen language and fills in the values as plain text.
"""


class UserError(ValueError):
    """A problem the visitor can act on. `template` is English with {placeholders}; `values` fill them in."""

    def __init__(self, template: str, **values):
        self.template = template
        self.values = values
        super().__init__(template.format(**values) if values else template)
