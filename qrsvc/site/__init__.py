"""The site's identity is data: who runs this instance, for which place, in which languages.

    site = current_site()            # cheap on every request; the defaults until saved
    site.name, site.short_name       # in the interface language (properties)
    save_site(values, user_id=...)   # checked like the admin form; kept in the history

Templates read it as ``site`` (a global); ``qrsvc site init`` and ``qrsvc site show``
set and print it; the admin edits it at ``/admin/site``.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.local import LocalProxy

from qrsvc.site.identity import (
    DEFAULT_SITE,
    MAX_LENGTHS,
    NEUTRAL_NAME,
    SiteError,
    SiteIdentity,
    clean_languages,
    clean_settings,
)
from qrsvc.site.service import (
    current_site,
    forget_site,
    read_site,
    save_site,
    site_history,
    site_version,
    store_site,
)

__all__ = [
    "DEFAULT_SITE", "MAX_LENGTHS", "NEUTRAL_NAME", "SiteError", "SiteIdentity",
    "clean_languages", "clean_settings", "content_languages", "current_site", "forget_site",
    "init_app", "read_site", "save_site", "site_history", "site_version", "store_site",
]  # fmt: skip

#: What the public layout's kept copies are keyed by besides the language (see
#: :mod:`qrsvc.fastpath.layout`): a saved name must not wait behind a kept header.
LAYOUT_VERSION = "qrsvc.layout_version"


def content_languages() -> tuple[str, ...]:
    """The languages editors may write and visitors may pick, in order, vi first."""
    return current_site().content_languages


def init_app(app: Flask) -> None:
    """Offer ``site`` to every template, ``/manifest.webmanifest`` (made from the site)
    and ``qrsvc site`` on the command line."""
    from qrsvc.site.cli import site_command
    from qrsvc.site.manifest import web_app_manifest

    app.jinja_env.globals["site"] = LocalProxy(current_site)
    if "site_manifest" not in app.view_functions:
        app.add_url_rule("/manifest.webmanifest", "site_manifest", web_app_manifest)
    app.extensions[LAYOUT_VERSION] = site_version
    if "site" not in app.cli.commands:
        app.cli.add_command(site_command)
