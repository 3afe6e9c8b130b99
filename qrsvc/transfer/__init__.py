"""Import, export and backup of relics and products, and the archive of all data.

``formats`` reads and writes the JSON/CSV files (``opening_hours`` a relic's hours as one
line of text); ``service`` checks and stores their records, all rows or none
(``validation`` checks each row with the very form the admin edits the record with,
:func:`qrsvc.content.forms.form_class`; ``festivals`` does the same for a relic's
festivals); ``backup`` copies the database. ``all_data`` exports and restores the archive
of all data: ``archive`` the ZIP, ``archive_members`` the checks of its members,
``snapshot`` and ``snapshot_more`` what it holds, ``checks``, ``checks_media``,
``checks_relics``, ``checks_places`` (areas, site) and ``checks_payments`` (accounts,
shops, tampered signs) its records, ``inserts`` how they are stored and ``restore`` the
import (docs/transfer.md); ``area_cells`` the area column of the JSON and CSV files.
``cli`` and the admin's import page call them.

The record specs, checks, saving and revisions all come from :mod:`qrsvc.content`; no
module here imports the admin.
"""
