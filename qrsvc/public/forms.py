"""The visitor's "report a problem with this sign" form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from qrsvc import labels

MAX_MESSAGE = 2000
MAX_CONTACT = 200


class SignReportForm(FlaskForm):
    """What is wrong with the sign, a few words, and optionally how to answer."""

    kind = RadioField(
        _l("What is wrong?"),
        choices=labels.form_choices("report_kind"),
        validators=[InputRequired(_l("Please choose what is wrong."))],
    )
    message = TextAreaField(
        _l("Tell us more (optional)"),
        validators=[
            Optional(),
            Length(max=MAX_MESSAGE, message=_l("Please keep it under %(max)d characters.")),
        ],
    )
    contact = StringField(
        _l("Phone or e-mail, if you would like an answer (optional)"),
        validators=[
            Optional(),
            Length(max=MAX_CONTACT, message=_l("Please keep it under %(max)d characters.")),
        ],
    )
    # Optional; checked by qrsvc.payments.stickers, never a reason to refuse the report.
    photo = FileField(_l("A photo of the code you found (optional)"))
    # Left empty by people; filled in by the bots that fill in every field.
    website = StringField(_l("Leave this field empty"))
