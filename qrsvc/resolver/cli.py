"""Commands of the resolver area: ``qrsvc check-links``."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from qrsvc.resolver.checks import check_codes


def init_app(app: Flask) -> None:
    """Register this area's commands on ``app.cli``."""
    app.cli.add_command(check_links)


@click.command("check-links")
@click.option("--verbose", "-v", is_flag=True, help="List the codes that resolve too.")
@with_appcontext
def check_links(verbose: bool) -> None:
    """Check that every code ever printed still resolves (signs, labels, stamp runs).

    Exits with status 1 when any code fails, so it can run from cron after an upgrade.
    """
    checks = check_codes(current_app.app_context().app)  # the application itself
    failed = [c for c in checks if c.problem]
    for check in checks:
        if check.problem:
            click.echo(f"FAIL {check.kind} {check.label}  {check.url}  {check.problem}")
        elif verbose:
            click.echo(f"ok   {check.kind} {check.label}  {check.url}")
    click.echo(
        f"checked {len(checks)} codes: {len(checks) - len(failed)} resolve, {len(failed)} failed"
    )
    if failed:
        sys.exit(1)
