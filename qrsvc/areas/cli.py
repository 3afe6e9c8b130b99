"""``qrsvc areas import FILE.csv``: load the communes of the site, with their origins."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from qrsvc.areas.importing import MAX_BYTES, AreaImportError, parse_areas, store_areas
from qrsvc.extensions import db

areas = AppGroup("areas", help="Areas: communes, wards and special zones since 1 July 2025.")


def init_app(app: Flask) -> None:
    """Register this area's commands on ``app.cli``."""
    app.cli.add_command(areas)


@areas.command("import")
@click.argument("file", type=click.File("rb"))
def import_areas(file) -> None:
    """Add or update areas from a CSV FILE (UTF-8, a header row, one row per former commune).

    \b
    Columns:
      code             official code of the commune, ward or special zone (digits)
      name             its name since 1 July 2025, e.g. "Xã Hòa Bình"
      kind             commune | ward | special_zone (or xã | phường | đặc khu)
      province         its province, e.g. "Nghệ An"
      former_commune   a former commune it was merged from (empty: not merged)
      former_district  the former district of that commune
    An area's code, name, kind and province repeat on each of its rows. Every row is
    checked first: on any problem nothing is stored and each problem is listed.
    """
    data = file.read(MAX_BYTES + 1)
    try:
        rows = parse_areas(data)
    except AreaImportError as exc:
        for problem in exc.problems[:50]:
            click.echo(f"qrsvc: {problem}", err=True)
        if len(exc.problems) > 50:
            click.echo(f"qrsvc: ... and {len(exc.problems) - 50} more problems", err=True)
        raise click.exceptions.Exit(1) from None
    added, updated = store_areas(db.session, rows)
    db.session.commit()
    click.echo(f"{added} areas added, {updated} updated.")
