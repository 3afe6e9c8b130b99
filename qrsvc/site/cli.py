"""``qrsvc site init`` and ``qrsvc site show``: the site's identity from the command line.

``init`` takes every field as an option and asks for what is missing (unless
``--no-input``); it checks the values with the rules of the admin form and refuses bad
input with one line and exit status 1, storing nothing.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from qrsvc.i18n import CONTENT_LANGUAGES, UI_LANGUAGES
from qrsvc.models import SITE_TEXT_FIELDS
from qrsvc.site.identity import MAX_LENGTHS, SiteError
from qrsvc.site.service import COMMAND_LINE, read_site, save_site

#: A logo file larger than this is refused before it is read (the media checks follow).
MAX_LOGO_BYTES = 8 * 1024 * 1024
#: What ``init`` asks for when it is not given, in this order (Vietnamese texts).
ASKED = ("name", "short_name", "region", "office")


@click.group("site", cls=AppGroup)
def site_command() -> None:
    """The site's identity: name, region, office, contact, logo, content languages."""


@site_command.command("init")
@click.option("--name", help="The site's name in Vietnamese (shown in titles and the header).")
@click.option("--short-name", help="A short name for the header and tabs (Vietnamese).")
@click.option("--region", help="The place the site covers, e.g. the province (Vietnamese).")
@click.option("--introduction", help="The home page's introduction (Vietnamese).")
@click.option("--office", help="The office that runs the site, with its address (Vietnamese).")
@click.option(
    "--text",
    "texts",
    multiple=True,
    metavar="LANG.FIELD=TEXT",
    help=f"A text in another language, e.g. en.name=... (fields: {', '.join(SITE_TEXT_FIELDS)}).",
)
@click.option("--email", help="Contact e-mail address.")
@click.option("--hotline", help="Hotline phone number.")
@click.option(
    "--languages", help=f"Content languages in order, vi first ({', '.join(CONTENT_LANGUAGES)})."
)
@click.option("--logo", type=click.Path(dir_okay=False, path_type=Path), help="A logo image.")
@click.option("--no-input", is_flag=True, help="Never ask: keep what is not given.")
def init_command(texts: tuple[str, ...], logo: Path | None, no_input: bool, **given) -> None:
    """Set the site's identity; what is not given is asked for, or kept."""
    current = read_site(quiet=False)
    values = current.as_settings()
    vi = values["texts"].setdefault("vi", {})
    for field in SITE_TEXT_FIELDS:
        if given.get(field) is not None:
            vi[field] = given[field]
        elif field in ASKED and not no_input:
            vi[field] = click.prompt(
                field.replace("_", " ").capitalize(), default=vi.get(field, ""), show_default=True
            )
    for item in texts:
        lang, field, text = _parse_text(item)
        values["texts"].setdefault(lang, {})[field] = text
    for option, key in (("email", "contact_email"), ("hotline", "hotline")):
        if given.get(option) is not None:
            values[key] = given[option]
        elif not no_input:
            values[key] = click.prompt(option.capitalize(), default=values[key], show_default=True)
    if given.get("languages") is not None:
        values["content_languages"] = given["languages"]
    elif not no_input:
        values["content_languages"] = click.prompt(
            "Content languages", default=",".join(values["content_languages"])
        )
    logo_file = _read_logo(logo) if logo is not None else None
    try:
        site = save_site(values, actor=COMMAND_LINE, logo=logo_file)
    except SiteError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Saved: {site.text('name')} (version {site.version})")


@site_command.command("show")
def show_command() -> None:
    """Print the site's identity."""
    site = read_site(quiet=False)
    if not site.version:
        click.echo("No site saved yet (qrsvc site init); pages show the defaults.")
    for lang in (*UI_LANGUAGES, *(k for k in site.texts if k not in UI_LANGUAGES)):
        for field in SITE_TEXT_FIELDS:
            text = (site.texts.get(lang) or {}).get(field)
            if text:
                click.echo(f"{field} [{lang}]: {text}")
    click.echo(f"contact e-mail: {site.contact_email}")
    click.echo(f"hotline: {site.hotline}")
    click.echo(f"content languages: {', '.join(site.content_languages)}")
    click.echo(f"logo: {site.logo_key or '-'}")
    click.echo(f"version: {site.version}")


def _parse_text(item: str) -> tuple[str, str, str]:
    """``en.name=Heritage`` → ("en", "name", "Heritage"); one line and exit 1 otherwise."""
    key, sep, text = item.partition("=")
    lang, dot, field = key.strip().partition(".")
    if not sep or not dot or lang not in UI_LANGUAGES or field not in SITE_TEXT_FIELDS:
        raise click.ClickException(
            f"--text takes LANG.FIELD=TEXT with LANG one of {', '.join(UI_LANGUAGES)} "
            f"and FIELD one of {', '.join(SITE_TEXT_FIELDS)}"
        )
    if len(text) > MAX_LENGTHS[field] * 4:  # far too long: refuse before any work
        raise click.ClickException(f"--text {lang}.{field} is longer than {MAX_LENGTHS[field]}")
    return lang, field, text


def _read_logo(path: Path) -> tuple[bytes, str]:
    """The logo file's bytes and name; one line and exit 1 when it cannot be used."""
    try:
        if path.stat().st_size > MAX_LOGO_BYTES:
            raise click.ClickException(f"the logo {path.name} is larger than 8 MB")
        return path.read_bytes(), path.name
    except OSError as exc:
        raise click.ClickException(f"cannot read the logo {path}: {exc.strerror}") from None
