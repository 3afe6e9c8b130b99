"""The forms of the payment pages: propose an account, decide on it, list a shop, mark a sign.

The forms only bound the size of what is posted; what an account, a note or a shop's
address may hold is checked by :mod:`qrsvc.payments` and :mod:`qrsvc.vietqr`, so the
admin, the import and the command line refuse the same things. A refusal of theirs is
put beside its field by :func:`show_error`, in the admin's language.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from qrsvc.admin.forms import AdminForm
from qrsvc.payments import PaymentError
from qrsvc.payments.accounts import NOTE_LENGTH
from qrsvc.payments.listings import PLATFORM_LENGTH, URL_LENGTH
from qrsvc.vietqr import BANKS, VietQRError, fold_accents

#: Longer than any account number or holder's name with spaces between groups, short
#: enough that an oversized post is refused before any check runs.
ACCOUNT_INPUT = 40
HOLDER_INPUT = 120


def bank_choices() -> list[tuple[str, str]]:
    """The listed banks as ``(BIN, "Short name — Vietnamese name")``, by short name.

    People know a bank by its short name (Agribank, Vietcombank), not by its full legal
    name, which starts with "Ngân hàng ..." or a foreign branch's name for every bank.
    """
    return [("", _("Choose the bank"))] + [
        (bank.bin, f"{bank.short_name} — {bank.name}")
        for bank in sorted(
            BANKS, key=lambda b: (fold_accents(b.short_name).casefold(), b.bin)
        )  # Đ among the D's
    ]


class ProposeForm(AdminForm):
    """A bank account for an owner: the bank by its BIN, the number, the holder's name.

    ``checked`` carries the values the page showed folded as the bank shows them; the
    account is saved only when the posted values are those (see
    :func:`qrsvc.admin.payments.owner_page`).
    """

    bank_bin = SelectField(
        _l("Bank"),
        validators=[DataRequired()],
        validate_choice=False,  # the service says which BIN is not in the list, and why
    )
    account_number = StringField(
        _l("Account number"),
        validators=[DataRequired(), Length(max=ACCOUNT_INPUT)],
        description=_l("Digits only (spaces between groups are removed); never a card number."),
    )
    holder_name = StringField(
        _l("Account holder's name"),
        validators=[DataRequired(), Length(max=HOLDER_INPUT)],
        description=_l(
            "As the bank shows it: the page shows it in capitals without accents before "
            "it is saved."
        ),
    )
    checked = HiddenField(validators=[Length(max=ACCOUNT_INPUT + HOLDER_INPUT + 20)])

    def __init__(self, *args, **kwargs) -> None:
        """The form, with the bank list as its choices."""
        super().__init__(*args, **kwargs)
        self.bank_bin.choices = bank_choices()


class RejectForm(AdminForm):
    """Why a proposed account is refused, for whoever proposed it."""

    note = TextAreaField(
        _l("Why it is rejected (for whoever proposed it)"),
        validators=[Length(max=NOTE_LENGTH)],
    )


class ListingForm(AdminForm):
    """A shop of the producer on an e-commerce platform."""

    platform = StringField(
        _l("Platform"),
        validators=[DataRequired(), Length(max=PLATFORM_LENGTH)],
        description=_l("As people know it, e.g. Postmart, Voso, the province's exchange."),
    )
    url = StringField(
        _l("Shop address (https://…)"),
        validators=[DataRequired(), Length(max=URL_LENGTH)],
    )


class TamperedForm(AdminForm):
    """What staff found on the sign (a sticker over the donation code, …)."""

    note = TextAreaField(_l("What was found"), validators=[Length(max=NOTE_LENGTH)])


#: The field of each form that a service refusal's ``field`` names.
FIELDS = {
    "bin": "bank_bin",
    "account": "account_number",
    "holder": "holder_name",
    "note": "note",
    "platform": "platform",
    "url": "url",
}


def error_text(exc: PaymentError | VietQRError) -> str:
    """The refusal in the admin's language."""
    return _(exc.template, **exc.params) if exc.params else _(exc.template)


def show_error(form: AdminForm, exc: PaymentError | VietQRError) -> None:
    """Put a service refusal beside the field it concerns, or above the form."""
    name = FIELDS.get(exc.field, "")
    field = form[name] if name and name in form else None
    if field is not None:
        field.errors = [*field.errors, error_text(exc)]
    else:
        form.form_errors.append(error_text(exc))
