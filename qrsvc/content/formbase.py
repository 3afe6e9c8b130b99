"""The base of every form: a CSRF token, and WTForms' own messages translated.

The record forms of :mod:`qrsvc.content.forms` (with which import checks its rows
too) and the admin's fixed forms all derive from :class:`TranslatedForm`.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_wtf import FlaskForm

#: WTForms' own messages, listed so that ``pybabel extract -k _l -k _ln:1,2`` puts them in
#: the admin catalog: WTForms ships no Vietnamese, and a district officer reads these.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid integer value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid input."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _ln(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    _ln(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
)


class FormTranslations:
    """WTForms' messages from the admin catalog (raw: WTForms fills in the numbers)."""

    def gettext(self, string: str) -> str:
        """The translation of ``string`` in the interface language."""
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural translation for ``n``."""
        return get_translations().ngettext(singular, plural, n)


class TranslatedForm(FlaskForm):
    """A form with a CSRF token whose WTForms messages are in the interface language."""

    class Meta:
        def get_translations(self, form):
            """WTForms' hook: where its own messages are translated."""
            return FormTranslations()
