"""Every command with the database out of reach (issue 14.11): one line, exit 1.

The commands are found by walking the click groups of ``qrsvc`` (what ``qrsvc
--help`` lists), so a command added later is covered without touching this file:
it is run as a subprocess with arguments made from its parameters' types, and
must either report the unreachable database in one line with exit status 1, or be
listed below as a command that does not use the database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
import pytest
from flask.cli import ScriptInfo

from qrsvc import create_app
from qrsvc.cli import cli

UNREACHABLE = {
    # Nothing listens on port 1: the connection is refused at once.
    "postgresql": "postgresql://postgres@127.0.0.1:1/nope",
    "sqlite-no-folder": "sqlite:////nonexistent-qrsvc-folder/sub/qrsvc.sqlite3",
}
#: Commands that never touch the database: they must still not end in a traceback.
AREAS_CSV = "code,name,kind,province,former_commune,former_district\n" + (
    "10101,Xã Hòa Bình,commune,Tỉnh Mẫu,Xã Cũ,Huyện Cũ\n"
)
NO_DATABASE = {
    "formats",
    "qr",
    "routes",
    "cache clear",
    "db show",
    "db history",
    "db heads",
    "db branches",
    "db list-templates",
}
#: Commands not run here, and why.
NOT_RUN = {
    "run": "serves until stopped",
    "shell": "an interactive Python shell",
    "db init": "writes a migrations folder, touches no database",
    "db revision": "writes a migration file, touches no database",
    "db merge": "writes a migration file, touches no database",
    "db edit": "opens an editor",
}
#: A command's answer when the database does not matter to it on that kind of URL.
OTHER_ANSWER = {("backup", "postgresql"): "pg_dump"}  # PostgreSQL is backed up by pg_dump
#: An exchange document the import accepts as a file; its rows are checked against the database.
EXCHANGE_DOCUMENT = (
    '{"format": "qrsvc-exchange", "version": 2, "producers": '
    '[{"ref": "HTX-TUTRU", "name": "HTX Bánh gai Tứ Trụ", "kind": "cooperative"}]}'
)
#: What the SQLite variant runs: the same fault on another kind of URL, a sample of each area.
SQLITE_SAMPLE = ("db upgrade", "demo", "users create", "print stamps", "jobs list", "worker",
                 "stamps show", "import", "backup", "check-links")  # fmt: skip
#: Values by parameter name where the type alone would give one the command refuses.
VALUES_BY_NAME = {
    "email": "staff@example.org",
    "by": "staff@example.org",
    "relic_code": "LK01",
    "batch_ref": "BGTT-BG2611A",
    "producer_ref": "HTX-TUTRU",
}


def _commands(group: click.Group, ctx: click.Context, prefix=()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, ctx, path)
        else:
            yield " ".join(path), command


@pytest.fixture(scope="module")
def commands(tmp_path_factory) -> dict[str, click.Command]:
    """Every leaf command of ``qrsvc``, by its words (``"print stamps"``)."""
    folder = tmp_path_factory.mktemp("cli")
    app = create_app({"DATABASE_URL": UNREACHABLE["postgresql"]}, instance_path=str(folder))
    # Flask's group pushes the app's context onto the click context while it looks
    # commands up: closing it pops that context, which would otherwise outlive the
    # walk and hand this unreachable database to every later test in the process.
    with click.Context(cli, obj=ScriptInfo(create_app=lambda: app)) as ctx:
        return dict(_commands(cli, ctx))


def _value(param: click.Parameter, folder: Path, stamp_url: str) -> str:
    if param.name in VALUES_BY_NAME:
        return VALUES_BY_NAME[param.name]
    if param.name == "code":
        return stamp_url
    kind = param.type
    if isinstance(kind, click.Choice):
        return str(kind.choices[0])
    if isinstance(kind, click.IntRange | click.FloatRange) or kind in (click.INT, click.FLOAT):
        return str(getattr(kind, "min", None) or 1)
    if isinstance(kind, click.Path | click.File):
        if isinstance(kind, click.File) and "r" in kind.mode:  # an areas CSV
            existing = folder / f"{param.name}.csv"
            existing.write_text(AREAS_CSV, encoding="utf-8")
            return str(existing)
        if getattr(kind, "exists", False):
            existing = folder / f"{param.name}.json"
            existing.write_text(EXCHANGE_DOCUMENT, encoding="utf-8")
            return str(existing)
        return str(folder / f"{param.name}.pdf")
    return "LK01"


def _arguments(command: click.Command, folder: Path, stamp_url: str) -> list[str]:
    args: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument) and param.required:
            args += [_value(param, folder, stamp_url)] * max(1, param.nargs)
        elif isinstance(param, click.Option) and param.required and not param.is_flag:
            args += [param.opts[0], _value(param, folder, stamp_url)]
    return args


def _run(words: str, args: list[str], database_url: str, instance: Path, cwd: Path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("QRSVC_", "DATABASE_URL", "REDIS_URL", "FLASK_"))
    }
    env.update(DATABASE_URL=database_url, QRSVC_INSTANCE_PATH=str(instance))
    if words == "worker":  # it needs a queue to get as far as its database; none listens
        env["REDIS_URL"] = "redis://127.0.0.1:1/0"
    return subprocess.run(
        [sys.executable, "-c", "from qrsvc.cli import main; main()", *words.split(), *args],
        input="a password long enough\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_the_walk_finds_the_commands_of_every_area(commands):
    for words in ("print stamps", "jobs run", "stamps activate", "export", "db upgrade", "demo"):
        assert words in commands
    assert set(SQLITE_SAMPLE) <= set(commands)


@pytest.mark.parametrize("kind", sorted(UNREACHABLE))
def test_every_command_reports_an_unreachable_database_in_one_line(commands, tmp_path, kind):
    instance = tmp_path / "instance"
    app = create_app({"DATABASE_URL": UNREACHABLE[kind]}, instance_path=str(instance))
    from qrsvc.stamps.codes import stamp_url

    genuine = stamp_url("http://127.0.0.1:5000", app.config["STAMP_KEY"].encode(), 1)
    runs = {
        words: _arguments(command, tmp_path, genuine)
        for words, command in commands.items()
        if words not in NOT_RUN and (kind == "postgresql" or words in SQLITE_SAMPLE)
    }
    # Each run starts a Python process; a few at a time keeps the wall time short.
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            words: pool.submit(_run, words, args, UNREACHABLE[kind], instance, tmp_path)
            for words, args in runs.items()
        }
        results = {words: future.result() for words, future in futures.items()}

    problems = []
    for words, result in sorted(results.items()):
        shown = f"qrsvc {words} {' '.join(runs[words])}: exit {result.returncode}\n"
        shown += f"stdout: {result.stdout!r}\nstderr: {result.stderr!r}"
        if "Traceback" in result.stderr + result.stdout:
            problems.append(f"traceback from {shown}")
        elif words in NO_DATABASE:
            continue
        elif (words, kind) in OTHER_ANSWER:
            if OTHER_ANSWER[words, kind] not in result.stderr:
                problems.append(f"unexpected answer from {shown}")
        elif not (
            result.returncode == 1
            and result.stdout == ""
            and result.stderr.count("\n") == 1
            and result.stderr.startswith("qrsvc: cannot reach the database")
        ):
            problems.append(f"no one-line database report from {shown}")
    assert not problems, "\n\n".join(problems)


def test_the_report_hides_the_password(tmp_path):
    result = _run(
        "jobs list",
        [],
        "postgresql://qrsvc:s3cret-pw@127.0.0.1:1/nope",
        tmp_path / "instance",
        tmp_path,
    )
    assert result.returncode == 1
    assert "s3cret-pw" not in result.stderr
    assert "cannot reach the database postgresql+psycopg://qrsvc:***@127.0.0.1:1/nope" in (
        result.stderr
    )


def test_an_unreachable_redis_is_one_line_too(tmp_path):
    """The page cache and the job queue live in Redis when it is configured."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("QRSVC_", "DATABASE_URL", "REDIS_URL", "FLASK_"))
    }
    env.update(
        QRSVC_INSTANCE_PATH=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'qrsvc.sqlite3'}",
        REDIS_URL="redis://:hunter2@127.0.0.1:1/0",
    )
    result = subprocess.run(
        [sys.executable, "-c", "from qrsvc.cli import main; main()", "cache", "clear"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qrsvc: cannot reach Redis"), result.stderr
    assert "hunter2" not in result.stderr  # the password is never shown


def test_a_file_that_cannot_be_written_is_one_line_too(tmp_path):
    """Found by a probe: an export into a missing folder ended in a traceback."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("QRSVC_", "DATABASE_URL", "REDIS_URL", "FLASK_"))
    }
    env.update(
        QRSVC_INSTANCE_PATH=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'qrsvc.sqlite3'}",
    )
    run = [sys.executable, "-c", "from qrsvc.cli import main; main()"]
    upgrade = subprocess.run([*run, "db", "upgrade"], capture_output=True, env=env, cwd=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    target = tmp_path / "missing" / "folder" / "export.json"
    result = subprocess.run(
        [*run, "export", str(target)], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f"qrsvc: {target}: No such file or directory"]
