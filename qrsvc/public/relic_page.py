"""Everything a relic page shows, gathered from the models in the visitor's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import get_day_names
from flask import current_app

from qrsvc.localtime import local_today
from qrsvc.models import Festival, Media, Relic, RelicTranslation, Stele
from qrsvc.payments.display import PaymentCode, payment_code
from qrsvc.payments.signs import open_tampering
from qrsvc.public import relics as relic_queries
from qrsvc.public.festivals import FestivalDate, next_festival_date


@dataclass(frozen=True)
class Text:
    """A piece of content and the language it is really written in (for ``lang=``)."""

    value: str
    lang: str


@dataclass
class Picture:
    """A photo with its responsive variants (WebP first, JPEG for older phones)."""

    src: str
    width: int
    height: int
    webp_srcset: str
    jpeg_srcset: str
    alt: Text
    caption: Text
    credit: str
    small_url: str  # the smallest variant: what the offline pack saves


@dataclass
class Audio:
    """An audio narration and its transcript."""

    src: str
    mime_type: str
    duration_s: float | None
    transcript: Text


@dataclass
class FestivalView:
    """A festival with the solar date of its next (or current) occurrence."""

    name: Text
    description: Text
    days: int
    when: FestivalDate


@dataclass
class SteleView:
    """A stele: Hán-Nôm text, its Sino-Vietnamese reading and a translation."""

    title: Text
    han_nom: str
    reading: str
    translation: Text


@dataclass
class RelicView:
    """The relic page's content in one language."""

    relic: Relic
    lang: str  # the language the visitor asked for
    content: RelicTranslation
    fallback: bool  # True when the content is in another language than ``lang``
    pictures: list[Picture] = field(default_factory=list)
    audio: list[Audio] = field(default_factory=list)
    festivals: list[FestivalView] = field(default_factory=list)
    steles: list[SteleView] = field(default_factory=list)
    related: list[Relic] = field(default_factory=list)
    nearby: list[tuple[Relic, float]] = field(default_factory=list)
    payment: PaymentCode | None = None  # the verified donation account's code, if any
    tampered: bool = False  # staff marked the sign tampered and it is not replaced yet

    @property
    def content_lang(self) -> str:
        """The language of the main text."""
        return self.content.lang


_DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def opening_lines(spec: list[Any], locale: str) -> list[str]:
    """Stored opening hours as lines to show: "Mon–Fri 07:30–17:00" in ``locale``.

    Consecutive days are joined into a range; malformed entries are skipped.
    """
    names = get_day_names("abbreviated", locale=locale)
    lines = []
    for entry in spec or []:
        if not isinstance(entry, dict) or not entry.get("opens") or not entry.get("closes"):
            continue
        days = sorted({_DAY_CODES.index(d) for d in entry.get("days", []) if d in _DAY_CODES})
        if not days:
            continue
        if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
            label = f"{names[days[0]]}–{names[days[-1]]}"
        else:
            label = ", ".join(names[d] for d in days)
        lines.append(f"{label} {entry['opens']}–{entry['closes']}")
    return lines


def pick(values: dict[str, Any] | None, lang: str) -> Text:
    """``values[lang]``, else the Vietnamese text, with the language actually used."""
    values = values or {}
    for candidate in (lang, "vi"):
        if values.get(candidate):
            return Text(str(values[candidate]), candidate)
    for candidate, value in values.items():  # better some text than none
        if value:
            return Text(str(value), candidate)
    return Text("", lang)


def relic_name(relic: Relic, lang: str) -> Text:
    """A relic's name in ``lang`` when written, else in Vietnamese."""
    chosen = relic.translation(lang) or relic.translation("vi")
    if chosen is None:
        return Text(relic.code, "vi")
    return Text(chosen.name, chosen.lang)


def build_relic_view(
    relic: Relic, lang: str, today: date | None = None, content_lang: str | None = None
) -> RelicView:
    """Gather the page of ``relic`` for a visitor reading ``lang``.

    The texts are in ``content_lang`` (the best language the relic has for this
    visitor, :func:`qrsvc.i18n.content_language`; ``lang`` when not given), else in
    Vietnamese; ``fallback`` says the text is not in ``lang``, for the page's note.
    """
    wanted = content_lang or lang
    content = relic.translation(wanted)
    if content is None or not content.name:
        content = relic.translation("vi") or next(iter(relic.translations), None)
    if content is None:  # a published relic always has text; keep the page alive anyway
        content = RelicTranslation(lang="vi", name=relic.code)
    today = today or local_today()
    related = relic_queries.related_relics(relic)
    view = RelicView(relic=relic, lang=lang, content=content, fallback=content.lang != lang)
    view.related = related
    view.nearby = relic_queries.nearby_relics(relic, exclude=related)
    view.festivals = [_festival(f, wanted, today) for f in relic.festivals]
    view.steles = [_stele(s, wanted) for s in relic.steles]
    view.payment = payment_code(relic)
    view.tampered = open_tampering(relic) is not None
    for link in relic.media:
        media = link.media
        if media.kind == "image" and media.variants and media.has_alt_text:
            view.pictures.append(picture(media, wanted))
        elif media.kind == "audio":
            view.audio.append(_audio(media, wanted, content))
    return view


def media_url(key: str) -> str:
    """The URL path that serves a stored media file."""
    return current_media_store().url_path(key)


def picture(media: Media, lang: str) -> Picture:
    """The responsive picture of an image ``media`` (alt text in ``lang`` when written)."""
    variants = sorted(media.variants, key=lambda v: v["width"])
    webp = [v for v in variants if v.get("format") == "webp"]
    jpeg = [v for v in variants if v.get("format") in ("jpeg", "jpg")] or webp
    # 640 px wide is sharp on a 360 px phone screen at 2x and small enough for 3G.
    src = next((v for v in reversed(jpeg) if v["width"] <= 640), jpeg[0])
    smallest = (webp or jpeg)[0]
    return Picture(
        src=media_url(src["key"]),
        width=int(src["width"]),
        height=int(src["height"]),
        webp_srcset=_srcset(webp),
        jpeg_srcset=_srcset(jpeg),
        alt=pick(media.alt, lang),
        caption=pick(media.caption, lang),
        credit=media.credit,
        small_url=media_url(smallest["key"]),
    )


def _srcset(variants: list[dict[str, Any]]) -> str:
    return ", ".join(f"{media_url(v['key'])} {int(v['width'])}w" for v in variants)


def _audio(media: Media, lang: str, content: RelicTranslation) -> Audio:
    transcript = pick(media.transcript, lang)
    if not transcript.value and content.audio_transcript:
        transcript = Text(content.audio_transcript, content.lang)
    return Audio(media_url(media.storage_key), media.mime_type, media.duration_s, transcript)


def _festival(festival: Festival, lang: str, today: date) -> FestivalView:
    return FestivalView(
        name=pick(festival.name, lang),
        description=pick(festival.description, lang),
        days=festival.days,
        when=next_festival_date(festival.lunar_month, festival.lunar_day, today, festival.days),
    )


def _stele(stele: Stele, lang: str) -> SteleView:
    return SteleView(
        title=pick(stele.title, lang),
        han_nom=stele.han_nom,
        reading=stele.reading,
        translation=pick(stele.translation, lang),
    )


def current_media_store():
    """The media store of the current application."""
    try:  # the media colleague's accessor, once it lands
        from qrsvc.media import media_store  # type: ignore[attr-defined]

        return media_store(current_app)
    except ImportError:
        from qrsvc.media import media_store_from_config

        return media_store_from_config(current_app.config)
