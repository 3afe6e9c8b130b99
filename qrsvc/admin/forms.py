"""Fixed admin forms (Flask-WTF: every one carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from qrsvc import labels
from qrsvc.content.formbase import TranslatedForm

MIN_PASSWORD = 10


class AdminForm(TranslatedForm):
    """Every admin form: CSRF token, and WTForms' messages in the interface language."""


class LoginForm(AdminForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay signed in on this device"))


class PasswordForm(AdminForm):
    """Change one's own password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)],
        description=_l("At least %(n)d characters; a short sentence is easy to remember.")
        % {"n": MIN_PASSWORD},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )


class ActionForm(AdminForm):
    """A button that changes something (publish, restore, handle): only the CSRF token."""


class DeleteForm(AdminForm):
    """Remove a record entered by mistake: confirmed, and only the version seen."""

    version = HiddenField()
    sure = BooleanField(_l("Yes, remove it"), validators=[DataRequired()])


class UploadForm(AdminForm):
    """Upload a photo or an audio file with its texts."""

    file = FileField(_l("File"), validators=[FileRequired()])
    alt_vi = StringField(
        _l("Description of the photo (Vietnamese)"),
        [Length(max=300)],
        description=_l("Needed before the photo can appear on a published page."),
    )
    alt_en = StringField(_l("Description of the photo (English)"), [Length(max=300)])
    transcript_vi = TextAreaField(_l("Transcript (Vietnamese)"), [Length(max=20000)])
    transcript_en = TextAreaField(_l("Transcript (English)"), [Length(max=20000)])
    credit = StringField(_l("Credit"), [Length(max=200)])


class UserForm(AdminForm):
    """An account of a staff member or a producer."""

    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(),
            Length(max=254),
            # A plain shape check: no extra package, and no mail is sent anyway.
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give a valid email address.")),
        ],
    )
    display_name = StringField(_l("Name"), validators=[Length(max=120)])
    role = SelectField(
        _l("Role"),
        choices=labels.form_choices("role", ("editor", "producer", "admin")),
        description=_l(
            "An editor works on relics, media and every producer's records; a producer "
            "only on their own goods; an administrator on everything, accounts included."
        ),
    )
    producer_id = SelectField(_l("Producer"), coerce=str, validators=[Optional()])
    # Its choices are the areas, set by the view; a value that is none of them is refused.
    areas = SelectMultipleField(
        _l("Areas"),
        coerce=str,
        validators=[Optional()],
        description=_l(
            "An editor limited to areas sees and edits only their relics and producers. "
            "None chosen: the whole site. Administrators and producers are never limited."
        ),
    )
    password = PasswordField(
        _l("New password"), validators=[Optional(), Length(min=MIN_PASSWORD, max=200)]
    )
    active = BooleanField(_l("May sign in"), default=True)


class ImportForm(AdminForm):
    """A CSV or JSON file to import."""

    file = FileField(_l("CSV or JSON file"), validators=[FileRequired()])


class ConfirmImportForm(AdminForm):
    """Confirms an import that was previewed (the file is kept under a token)."""

    token = HiddenField(validators=[DataRequired(), Length(max=80)])
