"""``qrsvc cache clear``: the page cache's command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from qrsvc.cache.invalidation import content_generation, page_cache


@click.group("cache", help="The public page cache.")
def cache_command() -> None:
    """``qrsvc cache ...``."""


@cache_command.command("clear")
@with_appcontext
def clear_command() -> None:
    """Make every cached page stale on every server (after editing the database by hand)."""
    # Not bump_generation(), which logs and goes on: here a dead Redis must be told,
    # in one line (the command group's), since nothing was cleared.
    page_cache().generation.bump()
    click.echo(f"page cache cleared (generation {content_generation()})")
