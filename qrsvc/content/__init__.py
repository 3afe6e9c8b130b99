"""The content layer: what a record is, how it is checked, saved, versioned and restored.

The admin's forms, import and export (:mod:`qrsvc.transfer`) and the demo all go
through this package, so a record is validated the same way whichever door it came
in by. It knows nothing of URLs or of who is signed in: the caller passes the user.

- :mod:`~qrsvc.content.records` — :class:`EntitySpec` and :class:`Field`, a record as
  flat JSON values (``{"code": "LK01", "name.vi": ...}``);
- :mod:`~qrsvc.content.registry` — every spec by name (``SPECS``), :func:`define`;
- the specs, one module per kind: :mod:`~qrsvc.content.relics`,
  :mod:`~qrsvc.content.festivals` (festivals and steles), :mod:`~qrsvc.content.producers`,
  :mod:`~qrsvc.content.products`, :mod:`~qrsvc.content.batches`,
  :mod:`~qrsvc.content.events`, :mod:`~qrsvc.content.links`, :mod:`~qrsvc.content.media`
  (with the media library's upload, attach and remove);
- :mod:`~qrsvc.content.forms` — the WTForms form class of a spec (``form_class``), which
  the admin edits with and the import checks each row with; :mod:`~qrsvc.content.formbase`
  its base, with WTForms' messages translated;
- :mod:`~qrsvc.content.checks` — codes, GTINs, lots, URLs, uniqueness;
  :mod:`~qrsvc.content.alt_text` — no photo on a public page without its description;
  :mod:`~qrsvc.content.uploads` — what a photo or audio upload must be;
- :mod:`~qrsvc.content.editing` — save (with the version check and the field-by-field
  merge), delete, restore; :mod:`~qrsvc.content.revisions` — the history they write;
- :mod:`~qrsvc.content.scope` — the roles, and a producer sees only its own goods;
  :mod:`~qrsvc.content.search` — the accent-blind search of a list.

Flask-Babel gives the messages and Flask-WTF the forms; the rest needs no request.
"""
