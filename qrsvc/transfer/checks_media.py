"""The check of an archive's media records: each file a real image or sound, as uploaded.

The bytes are judged as an upload is (:mod:`qrsvc.content.uploads`,
:func:`qrsvc.media.encoding.check_image`), so an archive cannot bring in a file the
admin would have refused; sizes and formats must be those its record states.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from qrsvc.content.uploads import MAX_AUDIO_BYTES, audio_type, strict_image_decoding
from qrsvc.media import MediaError
from qrsvc.media.encoding import check_image
from qrsvc.media.storage import check_key
from qrsvc.models import Media
from qrsvc.transfer.checks import NESTED, Seen, no_producer
from qrsvc.transfer.columns import load_columns
from qrsvc.transfer.snapshot import SKIPPED

IMAGE_FORMATS = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def check_media(
    raw: dict, errors: list[str], seen: Seen, row: str, read: Callable[[str], bytes], files
) -> dict[str, Any]:
    """A media record: its columns, its owner, and each of its files a real image or sound."""
    values, problems = load_columns(Media.__table__, raw, SKIPPED["media"], NESTED["media"])
    errors.extend(problems)
    owner = values["producer"] = raw.get("producer")
    if owner is not None and not seen.has("producer ref", owner):
        errors.append(no_producer(owner))
    key = values.get("storage_key")
    if problems or not isinstance(key, str):
        return values
    variants = _variants(errors, values.get("variants"))
    for file_key in [key, *(v["key"] for v in variants)]:
        try:
            check_key(file_key)
        except ValueError:
            errors.append(
                _(
                    "%(name)s is not a media file name of this service.",
                    name=repr(file_key[:80]),
                )
            )
            return values
        seen.claim(errors, "media file", file_key, row)
        if file_key not in files:
            errors.append(_("The archive has no file %(name)s.", name=f"media/{file_key[:80]}"))
    if errors:
        return values
    seen.media_kinds[key] = values["kind"]
    with strict_image_decoding():
        if values["kind"] == "audio":
            found = audio_type(read(key))
            if found is None or found[0] != values["mime_type"]:
                errors.append(
                    _(
                        "%(name)s is not %(type)s audio.",
                        name=f"media/{key[:80]}",
                        type=values["mime_type"],
                    )
                )
            elif values.get("size_bytes", 0) > MAX_AUDIO_BYTES:
                errors.append(
                    _("%(name)s is larger than an upload may be.", name=f"media/{key[:80]}")
                )
            return values
        _check_picture(errors, key, read(key), values["mime_type"], values)
        for variant in variants:
            _check_picture(
                errors, variant["key"], read(variant["key"]), IMAGE_FORMATS[variant["format"]],
                variant,
            )  # fmt: skip
    return values


def _variants(errors: list[str], value: Any) -> list[dict[str, Any]]:
    good = []
    for index, variant in enumerate(value or []):
        if (
            isinstance(variant, dict)
            and set(variant) == {"width", "height", "format", "key"}
            and all(type(variant[k]) is int and variant[k] > 0 for k in ("width", "height"))
            and variant["format"] in IMAGE_FORMATS
            and isinstance(variant["key"], str)
        ):
            good.append(variant)
        else:
            errors.append(
                f"'variants'[{index}]: "
                + _("give width, height, format (jpeg, png, webp) and key.")
            )
    return good


def _check_picture(errors: list[str], key: str, data: bytes, mime: str, expected: dict) -> None:
    try:
        fmt, width, height = check_image(data)
    except MediaError as exc:
        errors.append(f"media/{key[:80]}: {_(exc.template, **exc.params)}")
        return
    name = f"media/{key[:80]}"
    if IMAGE_FORMATS.get(fmt) != mime:
        errors.append(
            _(
                "%(name)s is a %(format)s image, not %(type)s.",
                name=name,
                format=fmt.upper(),
                type=mime,
            )
        )
    elif expected.get("width") not in (None, width) or expected.get("height") not in (None, height):
        errors.append(
            _(
                "%(name)s is %(width)d×%(height)d px, not as its record says.",
                name=name,
                width=width,
                height=height,
            )
        )
