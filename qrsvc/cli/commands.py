"""Commands that manage data: demo content and users."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from qrsvc.cli.identifiers import RECORD_REF
from qrsvc.extensions import db
from qrsvc.models import Area, Producer, Role, User

DEMO_LOGINS_FILE = "demo-logins.txt"


def init_app(app: Flask) -> None:
    """Register the commands on ``app.cli``."""
    app.cli.add_command(demo_command)
    app.cli.add_command(users)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data (sample content) into the configured database; idempotent."""
    from qrsvc.demo import load_demo
    from qrsvc.media import media_store

    result = load_demo(db.session, media_store(current_app))
    db.session.commit()
    logins_file = Path(current_app.instance_path) / DEMO_LOGINS_FILE
    if result.logins:
        lines = [f"{login.role}: {login.email} / {login.password}" for login in result.logins]
        logins_file.touch(mode=0o600)
        logins_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    click.echo(result.summary())
    if logins_file.exists():
        click.echo("Demo logins (sample accounts; also in instance/demo-logins.txt):")
        click.echo(logins_file.read_text(encoding="utf-8").rstrip())


@click.group("users", cls=AppGroup)
def users() -> None:
    """Manage admin accounts."""


@users.command("create")
@click.option("--email", required=True, help="Login e-mail address.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--producer", "producer_ref", type=RECORD_REF, help="Producer reference (role producer only)."
)
@click.option("--name", "display_name", default="", help="Name shown in the admin.")
@click.option(
    "--area",
    "area_codes",
    multiple=True,
    help="Limit an editor to this area (official code); repeat for more. None: the whole site.",
)
def create_user(
    email: str, role: str, producer_ref: str | None, display_name: str, area_codes: tuple[str, ...]
) -> None:
    """Create a user; the password is read from a prompt, or from stdin when piped."""
    email = unicodedata.normalize("NFC", email.strip().lower())
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an e-mail address", param_hint="--email")
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.ClickException(f"a user with e-mail {email} already exists")
    producer = None
    if role == Role.PRODUCER:
        if not producer_ref:
            raise click.BadParameter(
                "a producer account needs --producer REF", param_hint="--producer"
            )
        producer = db.session.scalar(select(Producer).where(Producer.ref == producer_ref))
        if producer is None:
            raise click.BadParameter(
                f"no producer with reference {producer_ref!r}", param_hint="--producer"
            )
    elif producer_ref:
        raise click.BadParameter(
            "--producer is only for the producer role", param_hint="--producer"
        )
    areas = _areas(role, area_codes)
    password = _read_password()
    user = User(email=email, role=role, producer=producer, display_name=display_name)
    user.areas = areas
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {role} {email}")


def _areas(role: str, codes: tuple[str, ...]) -> list[Area]:
    """The areas named by ``codes``; only an editor may be limited to areas."""
    if not codes:
        return []
    if role != Role.EDITOR:
        raise click.BadParameter("only an editor can be limited to areas", param_hint="--area")
    found = []
    for code in dict.fromkeys(code.strip() for code in codes):
        area = None
        if code.isascii() and code.isdigit() and len(code) <= 10:
            area = db.session.scalar(select(Area).where(Area.code == code))
        if area is None:
            raise click.BadParameter(f"no area with code {code[:20]!r}", param_hint="--area")
        found.append(area)
    return found


def _read_password() -> str:
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 10:
        raise click.ClickException("the password must be at least 10 characters long")
    return password
