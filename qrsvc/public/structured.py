"""schema.org JSON-LD and Open Graph data of a relic page, for search engines and chat apps."""

from __future__ import annotations

from typing import Any

from flask import current_app

from qrsvc.public.relic_page import RelicView

_DAYS = {
    "Mo": "Monday",
    "Tu": "Tuesday",
    "We": "Wednesday",
    "Th": "Thursday",
    "Fr": "Friday",
    "Sa": "Saturday",
    "Su": "Sunday",
}


def absolute(path: str) -> str:
    """``path`` on the public base URL (the one printed in codes), unless already absolute."""
    if path.startswith(("http://", "https://")):
        return path
    return current_app.config["PUBLIC_URL"] + path


def relic_json_ld(view: RelicView, url: str) -> dict[str, Any]:
    """``LandmarksOrHistoricalBuildings`` + ``TouristAttraction`` of the relic."""
    relic, content = view.relic, view.content
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["LandmarksOrHistoricalBuildings", "TouristAttraction"],
        "@id": url,
        "url": url,
        "name": content.name,
        "inLanguage": view.content_lang,
        "availableLanguage": relic.languages,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": relic.address,
            "addressLocality": relic.commune,
            "addressRegion": relic.province,
            "addressCountry": "VN",
        },
    }
    if content.other_names:
        data["alternateName"] = content.other_names
    if content.summary:
        data["description"] = content.summary
    if relic.latitude is not None and relic.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": relic.latitude,
            "longitude": relic.longitude,
        }
    hours = opening_hours(relic.opening_hours)
    if hours:
        data["openingHoursSpecification"] = hours
    if relic.fee_vnd is not None:
        data["isAccessibleForFree"] = relic.fee_vnd == 0
    if relic.phone:
        data["telephone"] = relic.phone
    if view.pictures:
        data["image"] = [absolute(p.src) for p in view.pictures]
    return data


def opening_hours(spec: list[Any]) -> list[dict[str, Any]]:
    """``OpeningHoursSpecification`` entries from the stored hours (bad entries skipped)."""
    result = []
    for entry in spec or []:
        if not isinstance(entry, dict):
            continue
        days = [f"https://schema.org/{_DAYS[d]}" for d in entry.get("days", []) if d in _DAYS]
        if days and entry.get("opens") and entry.get("closes"):
            result.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": days,
                    "opens": str(entry["opens"]),
                    "closes": str(entry["closes"]),
                }
            )
    return result


def open_graph(view: RelicView, url: str) -> dict[str, str]:
    """Open Graph properties: what Zalo and Facebook show when the link is shared."""
    locale = {"vi": "vi_VN", "en": "en_US"}.get(view.content_lang, view.content_lang)
    data = {
        "og:type": "website",
        "og:title": view.content.name,
        "og:url": url,
        "og:locale": locale,
        "og:description": view.content.summary[:300],
    }
    if view.pictures:
        data["og:image"] = absolute(view.pictures[0].src)
        data["og:image:alt"] = view.pictures[0].alt.value
    return data
