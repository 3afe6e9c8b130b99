"""The one exception the VietQR core raises, with a message a person can act on."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark ``message`` for translation; it is translated where it is shown."""
    return message


class VietQRError(ValueError):
    """A payload, bank, account, holder's name or purpose that cannot be used; says why.

    ``message`` is English (logs, the command line); a form or a page shows
    ``gettext(error.template, **error.params)``, so the same check reads well in
    Vietnamese and in English. ``field`` names what was wrong (``"bin"``, ``"account"``,
    ``"holder"``, ``"purpose"``, ``"amount"`` or ``"payload"``) so a form can put the
    message beside the right input.
    """

    def __init__(self, field: str, template: str, **params: str | int) -> None:
        """Keep the field, the message template and its values."""
        self.field = field
        self.template = template
        self.params = params
        self.message = template % params if params else template
        super().__init__(self.message)
