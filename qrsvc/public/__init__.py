"""Public pages for tourists: home, relic list, relic pages, search, sign reports, offline.

Also owns what every public page shares: ``templates/base.html``, the macros in
``templates/macros/``, the error pages, the service worker and ``/media/<key>``.
Product and batch pages live in :mod:`qrsvc.trace`.

The ``public`` blueprint is built here, with every route and hook of
:mod:`~qrsvc.public.views`, :mod:`~qrsvc.public.offline` and
:mod:`~qrsvc.public.context` (which only define functions; importing them mounts nothing).
"""

from flask import Blueprint

from qrsvc.public import context, offline, views

READ = ["GET"]

bp = Blueprint("public", __name__)
bp.app_context_processor(context.page_context)  # every page of the site, errors included
bp.before_request(views.choose_language)
bp.after_request(views.remember_language)

rule = bp.add_url_rule
# The service worker and what it keeps for offline use.
rule("/sw.js", "service_worker", offline.service_worker, methods=READ)
rule("/offline", "offline_page", offline.offline_page, methods=READ)
rule("/offline-pack.json", "offline_pack_list", offline.offline_pack_list, methods=READ)
rule("/media/<path:key>", "media_file", offline.media_file, methods=READ)
# The pages.
rule("/", "home", views.home, methods=READ)
rule("/relics", "relic_list", views.relic_list, methods=READ)
# What a sign prints (HTTP://HOST/R/LK01) and its other spellings; the first one added
# is the one url_for builds.
rule("/r/<code>", "relic", views.relic, methods=READ)
rule("/R/<code>", "relic", views.relic, methods=READ)
rule("/r/<code>/", "relic", views.relic, methods=READ)
rule("/R/<code>/", "relic", views.relic, methods=READ)
rule("/relics/<slug>", "relic_by_slug", views.relic_by_slug, methods=READ)
rule("/search", "search_page", views.search_page, methods=READ)
rule("/r/<code>/report", "report", views.report, methods=["GET", "POST"])
rule("/r/<code>/report/thanks", "report_thanks", views.report_thanks, methods=READ)
del rule
