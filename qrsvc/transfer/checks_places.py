"""The checks of an archive's areas and site settings, by the rules their own inputs obey.

An area is checked as ``qrsvc areas import`` checks a row (:mod:`qrsvc.areas.importing`:
an official code of digits, a known kind, printable one-line names); the site as the
admin's settings form checks it (:func:`qrsvc.site.clean_settings`); a relic's or a
producer's area must be an area of the same archive.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import gettext as _

from qrsvc.areas.importing import CODE
from qrsvc.models import Area, AreaKind, AreaOrigin, Site
from qrsvc.site import SiteError, clean_settings
from qrsvc.transfer.checks import Seen, part_columns, parts_of
from qrsvc.transfer.columns import load_columns
from qrsvc.transfer.snapshot import SKIPPED

#: Site columns that are not texts by language: checked by the settings' own rules.
SITE_SETTINGS = ("texts", "contact_email", "hotline", "content_languages")


def check_area(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """An area: an official code (digits), a known kind, its origins once each."""
    values, problems = load_columns(Area.__table__, raw, SKIPPED["areas"], {"origins"})
    errors.extend(problems)
    code = values.get("code")
    if code is not None and not CODE.fullmatch(code):
        errors.append("'code': " + _("%(value)s is not an area code (digits).", value=_show(code)))
    seen.claim(errors, "area code", code, row)
    if "kind" in values and values["kind"] not in set(AreaKind):
        errors.append("'kind': " + _("%(value)s is no kind of area.", value=_show(values["kind"])))
    for name in ("name", "province"):
        if name in values and not _one_line(values[name], empty=name == "province"):
            errors.append(f"'{name}': " + _("%(value)s is no name.", value=_show(values[name])))
    origins = part_columns(
        errors, AreaOrigin, parts_of(errors, raw, "origins"), "origins", SKIPPED["origins"]
    )
    pairs = [(o.get("former_commune"), o.get("former_district")) for o in origins]
    for index, (commune, district) in enumerate(pairs):
        if not (_one_line(commune, empty=False) and _one_line(district, empty=True)):
            errors.append(f"origins[{index}]: " + _("a former commune (and district) by name."))
        elif pairs.index((commune, district)) != index:
            errors.append(
                f"origins[{index}]: " + _("%(value)s is shown twice.", value=_show(commune))
            )
    return values | {"origins": origins}


def check_site(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """The site settings, once, as the settings form checks them; its logo a photo."""
    table = Site.__table__
    plain = {k: v for k, v in raw.items() if k not in SITE_SETTINGS}
    values, problems = load_columns(table, plain, SKIPPED["site"] | set(SITE_SETTINGS), {"logo"})
    errors.extend(problems)
    seen.claim(errors, "site", "site", row)
    try:
        settings = clean_settings({name: raw.get(name) for name in SITE_SETTINGS})
    except SiteError as exc:
        errors.append(str(exc))
        settings = {}
    logo = raw.get("logo")
    if logo is not None and seen.media_kind(logo) != "image":
        errors.append("'logo': " + _("%(value)s is no photo of the archive.", value=_show(logo)))
    return values | settings | {"logo": logo}


def _one_line(value: Any, *, empty: bool) -> bool:
    return (
        isinstance(value, str)
        and (empty or bool(value.strip()))
        and value == value.strip()
        and value.isprintable()
        and unicodedata.is_normalized("NFC", value)
    )


def _show(value: Any) -> str:
    return repr(str(value)[:40])
