"""The ``qrsvc`` command line: a FlaskGroup over the application factory."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from qrsvc.config import ConfigError


def _create_app():
    from qrsvc import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, load_dotenv=False)
def cli() -> None:
    """qrsvc: relic signs, OCOP traceability and stamps for a district."""


def main() -> None:
    """Entry point of ``.venv/bin/qrsvc``; bad configuration gets one line, not a traceback."""
    try:
        cli.main(prog_name="qrsvc")
    except ConfigError as exc:
        click.echo(f"qrsvc: configuration error: {exc}", err=True)
        sys.exit(2)
