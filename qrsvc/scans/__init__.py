"""Page views and scans, counted in memory and written in batches.

A scan must cost the request nothing but a dictionary update: the request path
never writes to the database. Counts are kept per process and added to
:class:`~qrsvc.models.ScanCount` by a background flusher about once a second
(so a crash loses at most about a second of counts), and by :func:`flush_now`
at shutdown and in tests.

``source`` says how the visitor arrived: ``"qr"`` for the printed short URL
(``/R/<CODE>`` as the sign encodes it, or any other form of the code: lower case, a
trailing slash; every form counts for the same relic) and ``"site"`` for links inside the
site, which add ``?via=site`` so the two are told apart. Views by bots are kept
apart too: they are stored with ``device="bot"`` and ``source="site"``, so that
scans (``source="qr"``) never include them. HEAD requests and pages fetched ahead
of a visit (the offline pack, browser prefetch) are not counted at all.
"""

from qrsvc.scans.buffer import (
    KINDS,
    PREFETCH_HEADERS,
    SOURCES,
    count_view,
    device_class,
    flush_now,
)

__all__ = ["KINDS", "PREFETCH_HEADERS", "SOURCES", "count_view", "device_class", "flush_now"]
