"""Anti-counterfeit stamps: signed serial codes, runs, and the page a buyer sees.

    token = codes.make_token(key, serial)            # what the printed QR code carries
    state, change = states.serial_state(serial, run.changes, base=...)   # one rule
    page = pages.stamp_page(session, serial, client=...)  # the scan, counted

In Indico's shape, by layer:

* **core**, no Flask and no database: :mod:`~qrsvc.stamps.codes` (tokens, their
  signatures, scratch-off PINs) and :mod:`~qrsvc.stamps.states` (the state of a serial,
  the one rule the scan page, the admin and the command line all use);
* **operations**, each owning its transaction: :mod:`~qrsvc.stamps.runs` (allocate,
  print, activate, void), :mod:`~qrsvc.stamps.stamp_page` (a scan: counted and shown, with
  :mod:`~qrsvc.stamps.counting`), :mod:`~qrsvc.stamps.pin` (confirm a purchase),
  :mod:`~qrsvc.stamps.locations` (a shared location); the SQL both databases need
  differently is in :mod:`~qrsvc.stamps.sql`;
* **reads** for pages and staff: :mod:`~qrsvc.stamps.facts` (a run's facts, kept
  between scans) and :mod:`~qrsvc.stamps.alerts` (counterfeit alerts, figures);
* **views**: :mod:`~qrsvc.stamps.views` (``/S/<token>`` and its forms, routed by the
  blueprint built in :mod:`~qrsvc.stamps.blueprint`) and
  :mod:`~qrsvc.stamps.cli` (``qrsvc stamps ...``). The admin's pages for runs are in
  :mod:`qrsvc.admin.stamp_runs`. What makes the scan fast is in :mod:`qrsvc.fastpath`.
"""
