"""The web app manifest, made from the site's identity (a phone's "add to home screen")."""

from __future__ import annotations

import json

from flask import Response, url_for

from qrsvc.site.service import current_site

#: Colours of the public stylesheet (static/css/site.css).
THEME_COLOR = "#8a1c1c"
BACKGROUND_COLOR = "#fffdf8"


def web_app_manifest() -> Response:
    """``/manifest.webmanifest``: the site's name and short name, in Vietnamese, its icon."""
    site = current_site()
    icons = [
        {
            "src": url_for("static", filename="img/icon.svg"),
            "sizes": "any",
            "type": "image/svg+xml",
            "purpose": "any",
        }
    ]
    if site.logo_url:
        icons.insert(0, {"src": site.logo_url, "sizes": "any", "purpose": "any"})
    body = {
        "name": site.text("name", "vi"),
        "short_name": site.text("short_name", "vi"),
        "lang": "vi",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": icons,
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
