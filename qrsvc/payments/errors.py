"""What the payments service refuses, with a message for the person who asked."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark ``message`` for translation; it is translated where it is shown."""
    return message


class PaymentError(ValueError):
    """A request the service refuses and nothing was changed; says why.

    Like :class:`qrsvc.vietqr.VietQRError` (which the service lets through for a bad
    bank, account, name or purpose): ``field`` names the input at fault (``""`` when
    none), ``template`` and ``params`` give the message in any language.
    """

    def __init__(self, field: str, template: str, **params: str | int) -> None:
        """Keep the field, the message template and its values."""
        self.field = field
        self.template = template
        self.params = params
        self.message = template % params if params else template
        super().__init__(self.message)


class NotAllowedError(PaymentError):
    """The user may not do this to this owner's accounts or listings."""

    def __init__(self, template: str, **params: str | int) -> None:
        """A refusal that concerns no input in particular."""
        super().__init__("", template, **params)
