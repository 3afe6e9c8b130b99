"""The site's identity, edited by administrators, with the history of every save.

The form's limits are the service's (:data:`qrsvc.site.MAX_LENGTHS`), and the service
checks everything again (:func:`qrsvc.site.save_site`), so the command line and this
page accept and refuse the same values.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from qrsvc.admin.access import role_required
from qrsvc.admin.forms import AdminForm
from qrsvc.i18n import CONTENT_LANGUAGES, LANGUAGE_NAMES, UI_LANGUAGES
from qrsvc.models import SITE_TEXT_FIELDS, Role
from qrsvc.site import MAX_LENGTHS, SiteError, read_site, save_site, site_history
from qrsvc.site.identity import EMAIL, PHONE

#: A logo larger than this is refused before it is decoded.
MAX_LOGO_BYTES = 8 * 1024 * 1024
LABELS = {
    "name": _l("Site name"),
    "short_name": _l("Short name (header, tabs)"),
    "region": _l("Region (the place the site covers)"),
    "introduction": _l("Introduction (home page)"),
    "office": _l("Office and address"),
}


class SiteForm(AdminForm):
    """The site's texts in each interface language, its contact, logo and languages."""

    contact_email = EmailField(
        _l("Contact e-mail"),
        validators=[
            Optional(),
            Length(max=MAX_LENGTHS["contact_email"]),
            Regexp(EMAIL.pattern, message=_l("Give a valid email address.")),
        ],
    )
    hotline = StringField(
        _l("Hotline"),
        validators=[
            Optional(),
            Length(max=MAX_LENGTHS["hotline"]),
            Regexp(PHONE.pattern, message=_l("Give a phone number: digits, spaces, + - . ( ).")),
        ],
    )
    content_languages = StringField(
        _l("Content languages, in order"),
        validators=[DataRequired(), Length(max=100)],
        description=_l(
            "Codes separated by commas, Vietnamese first: the languages editors write in "
            "and visitors choose from. Choices: %(choices)s.",
            choices=", ".join(f"{c} ({LANGUAGE_NAMES.get(c, c)})" for c in CONTENT_LANGUAGES),
        ),
    )
    logo = FileField(_l("Logo (an image)"))
    remove_logo = BooleanField(_l("Remove the logo"))

    def text_fields(self, lang: str) -> list:
        """The text fields of one interface language, in order."""
        return [self[f"{field}_{lang}"] for field in SITE_TEXT_FIELDS]

    def values(self) -> dict:
        """The submitted settings, as :func:`qrsvc.site.save_site` takes them."""
        return {
            "texts": {
                lang: {f: self[f"{f}_{lang}"].data or "" for f in SITE_TEXT_FIELDS}
                for lang in UI_LANGUAGES
            },
            "contact_email": self.contact_email.data or "",
            "hotline": self.hotline.data or "",
            "content_languages": self.content_languages.data or "",
        }


for _lang in UI_LANGUAGES:
    for _field in SITE_TEXT_FIELDS:
        _kind = TextAreaField if _field == "introduction" else StringField
        _required = _lang == "vi" and _field in ("name", "short_name")
        setattr(
            SiteForm,
            f"{_field}_{_lang}",
            _kind(
                LABELS[_field],
                validators=[
                    DataRequired() if _required else Optional(),
                    Length(max=MAX_LENGTHS[_field]),
                ],
            ),
        )


@role_required(Role.ADMIN)
def site_settings():
    """Show and save the site's identity (administrators only)."""
    saved = read_site(quiet=False)
    form = SiteForm()
    if not form.is_submitted():
        data = {
            f"{field}_{lang}": (saved.texts.get(lang) or {}).get(field, "")
            for lang in UI_LANGUAGES
            for field in SITE_TEXT_FIELDS
        }
        data.update(
            contact_email=saved.contact_email,
            hotline=saved.hotline,
            content_languages=", ".join(saved.content_languages),
        )
        form = SiteForm(data=data)
    status = 200
    if form.validate_on_submit():
        logo = None
        upload = form.logo.data
        if upload and getattr(upload, "filename", ""):
            data = upload.read(MAX_LOGO_BYTES + 1)
            logo = (data, upload.filename) if len(data) <= MAX_LOGO_BYTES else None
            if logo is None:
                form.logo.errors = [_("The logo is larger than 8 MB.")]
        if not form.logo.errors:
            try:
                save_site(
                    form.values(),
                    user_id=current_user.id,
                    actor=current_user.email,
                    logo=logo,
                    remove_logo=form.remove_logo.data,
                )
            except SiteError as exc:
                form.form_errors.append(str(exc))
            else:
                flash(_("The site settings were saved."), "info")
                return redirect(url_for("admin.site_settings"))
        status = 400
    elif form.errors:
        status = 400
    return render_template(
        "admin/site.html",
        form=form,
        saved=saved,
        languages=UI_LANGUAGES,
        history=site_history(),
    ), status
