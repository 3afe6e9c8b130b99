"""What makes the two hot URLs fast, in one place: read this once.

A relic sign (``/r/<code>``) and a stamp (``/S/<token>``) are scanned by phones on weak
connections, thousands of times for every edit; their views read as ordinary Flask
views (parse, call one service, render). Everything they do faster than plain Flask is
named below, each with the test that compares it with the plain way
(``tests/test_fastpath.py`` unless said otherwise). Only public APIs are used.

Every request (:mod:`qrsvc.fastpath.app`):

* :class:`Qrsvc` keeps Flask's ``ensure_sync`` answer per function instead of asking
  ``inspect`` a dozen times a request.
* :class:`CookieSessionInterface` keeps the session signer while the keys stay the same
  and gives a request without any cookie an empty session at once.
* :func:`protect_unsafe_methods` looks at the method before Flask-WTF looks up CSRF
  exemptions: a GET never pays for the check.
* Rate limits are checked only by the views that have one (:mod:`qrsvc.ratelimit`,
  on the ``limits`` package): nothing is hooked into every request.

The stamp page (``/S/<token>``, :mod:`qrsvc.stamps.views`):

* :func:`catalog_gettext` looks the page's 25 or so strings up in the request's catalog
  directly, instead of Flask-Babel finding domain, locale and catalog for each.
* :func:`render_with_kept_layout` renders the layout (head, inlined stylesheet, header,
  language links, the machine-translation note of zh, ko and fr, footer) once per
  interface language (vi, en, zh, ko, fr) and keeps it; per scan only the page's
  own blocks are rendered (``render_template`` of the page over a layout that gives
  just its blocks: ``{% extends page_layout | default("base.html") %}``).
* :func:`qrsvc.stamps.facts.run_of` keeps each run's facts (batch, product, producer,
  activations) in the process until a content commit moves the generation.
* :func:`qrsvc.ratelimit.hit_limits` counts the scan against its limit with nothing
  more (no headers; the answer is the same for every scan).
* The count itself is one ``INSERT ... ON CONFLICT ... RETURNING`` built once per
  database kind, on a Core connection, with SQLite writers queued by ``flock``
  (:mod:`qrsvc.stamps.counting`, :mod:`qrsvc.stamps.sql`; exactness is tested by
  ``tests/test_stamp_concurrency.py``).

The relic page (``/r/<code>``, :mod:`qrsvc.public.views`):

* :func:`qrsvc.cache.get_or_build` keeps the rendered page (plain and gzipped, with its
  ETag) in Redis or memory under the content generation: any content commit makes
  every kept page stale at once.
* :func:`qrsvc.public.rendered.page_response` answers from those bytes, and a phone that
  kept the page gets a 304 (tested in ``tests/test_public.py``).
* :func:`qrsvc.scans.count_view` adds the scan to a counter in memory; a thread writes
  the counts about once a second (tested in ``tests/test_scans.py``).

Every page: :func:`qrsvc.security.content_security_policy` is made once, the inlined
stylesheets are read once (:func:`qrsvc.inline.inline`) and allowed by hash, and the
request id is a per-process prefix and a counter (:mod:`qrsvc.logs`).
"""

from qrsvc.fastpath.app import CookieSessionInterface, Qrsvc, protect_unsafe_methods
from qrsvc.fastpath.gettext import catalog_gettext
from qrsvc.fastpath.layout import KeptLayoutError, render_with_kept_layout

__all__ = [
    "CookieSessionInterface",
    "KeptLayoutError",
    "Qrsvc",
    "catalog_gettext",
    "protect_unsafe_methods",
    "render_with_kept_layout",
]
