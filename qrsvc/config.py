"""Configuration from the environment (``QRSVC_*``, ``DATABASE_URL``, ``REDIS_URL``).

Start-up refuses a configuration that cannot work and says why in one line
(:class:`ConfigError`); the CLI and the WSGI entry point print that line instead
of a traceback.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

#: Database URL schemes we run on; everything else is refused at start-up.
SUPPORTED_SCHEMES = {
    "sqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}

KEY_NAMES = {"SECRET_KEY": "QRSVC_SECRET_KEY", "STAMP_KEY": "QRSVC_STAMP_KEY"}


class ConfigError(RuntimeError):
    """The configuration cannot work; the message is one line for the operator."""


def load_config(app: Flask, overrides: dict[str, Any]) -> None:
    """Fill ``app.config`` from defaults, the environment and ``overrides``."""
    env = os.environ
    cfg = app.config
    cfg.update(
        QRSVC_ENV=env.get("QRSVC_ENV", "development"),
        PUBLIC_URL=env.get("QRSVC_PUBLIC_URL") or served_url(env),
        DATABASE_URL=env.get("DATABASE_URL", ""),
        REDIS_URL=env.get("REDIS_URL", ""),
        MEDIA_DIR=env.get("QRSVC_MEDIA_DIR", ""),
        PRINTS_DIR=env.get("QRSVC_PRINTS_DIR", ""),
        SECRET_KEY=env.get("QRSVC_SECRET_KEY", ""),
        STAMP_KEY=env.get("QRSVC_STAMP_KEY", ""),
        MAX_CONTENT_LENGTH=_int_env("QRSVC_MAX_UPLOAD_MB", 25) * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=timedelta(days=30),  # "stay signed in" at most a month
        WTF_CSRF_TIME_LIMIT=None,
        JSON_SORT_KEYS=False,
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
        RATELIMIT_HEADERS_ENABLED=True,
        # How many proxies (nginx) stand in front and set X-Forwarded-*; 0 trusts none.
        TRUSTED_PROXIES=_int_env("QRSVC_TRUSTED_PROXIES", 0),
        # nginx already logs every request; a JSON line per request here costs as much
        # CPU as rendering a page, so it is opt-in (errors are always logged).
        ACCESS_LOG=env.get("QRSVC_ACCESS_LOG", "") in ("1", "true", "yes"),
        # A print job's worker says it is alive this often; a job silent for the timeout
        # lost its worker and is shown as failed, ready to print again.
        PRINT_HEARTBEAT_SECONDS=_int_env("QRSVC_PRINT_HEARTBEAT_SECONDS", 10),
        PRINT_JOB_TIMEOUT_SECONDS=_int_env("QRSVC_PRINT_JOB_TIMEOUT_SECONDS", 45),
    )
    # Optional tuning, each from QRSVC_<NAME> when set (limits as "120/minute;3000/day").
    for name in ("STAMP_RATELIMIT", "STAMP_PIN_RATELIMIT", "API_RATELIMIT", "STAMP_REPORT_CONTACT"):
        if env.get(f"QRSVC_{name}"):
            cfg[name] = env[f"QRSVC_{name}"]
    cfg.update(overrides)
    production = cfg["QRSVC_ENV"] == "production"
    cfg["PRODUCTION"] = production
    if cfg["QRSVC_ENV"] not in ("development", "production"):
        raise ConfigError(
            f"QRSVC_ENV must be 'development' or 'production', not {cfg['QRSVC_ENV']!r}"
        )

    if not 1 <= cfg["PRINT_HEARTBEAT_SECONDS"] < cfg["PRINT_JOB_TIMEOUT_SECONDS"]:
        raise ConfigError(
            "QRSVC_PRINT_HEARTBEAT_SECONDS must be at least 1 and less than "
            "QRSVC_PRINT_JOB_TIMEOUT_SECONDS"
        )

    instance = Path(app.instance_path)
    _ensure_writable(instance)
    cfg["PUBLIC_URL"] = _public_url(cfg["PUBLIC_URL"])
    cfg["SQLALCHEMY_DATABASE_URI"] = database_uri(cfg["DATABASE_URL"], instance)
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(cfg["SQLALCHEMY_DATABASE_URI"])
    cfg["MEDIA_DIR"] = str(Path(cfg["MEDIA_DIR"]) if cfg["MEDIA_DIR"] else instance / "media")
    # Finished print jobs' PDFs; shared between hosts when workers run elsewhere.
    cfg["PRINTS_DIR"] = str(Path(cfg["PRINTS_DIR"]) if cfg["PRINTS_DIR"] else instance / "prints")
    for name, env_name in KEY_NAMES.items():
        cfg[name] = cfg[name] or _instance_key(instance, name.lower(), env_name, production)
    if production:
        # Cookies only over HTTPS unless the operator explicitly says otherwise.
        for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            cfg[name] = overrides.get(name, True)
        cfg["DEBUG"] = False
        # Every absolute URL werkzeug builds from a request (a redirect's Location, for
        # one) names the Host header: only the public address, and the operator's
        # QRSVC_TRUSTED_HOSTS, are answered; any other Host gets 400 (Flask's TRUSTED_HOSTS).
        if "TRUSTED_HOSTS" not in overrides:
            cfg["TRUSTED_HOSTS"] = trusted_hosts(cfg["PUBLIC_URL"], env)
    cfg["RATELIMIT_STORAGE_URI"] = cfg.get("RATELIMIT_STORAGE_URI") or (
        cfg["REDIS_URL"] or "memory://"
    )


def trusted_hosts(public_url: str, env: Mapping[str, str]) -> list[str]:
    """The public URL's host name and the comma-separated ``QRSVC_TRUSTED_HOSTS``."""
    extra = [host.strip() for host in env.get("QRSVC_TRUSTED_HOSTS", "").split(",")]
    return [urlsplit(public_url).hostname or "", *(host for host in extra if host)]


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    return int(value)


def database_uri(url: str, instance: Path) -> str:
    """Return the SQLAlchemy URL for ``url``; an empty one means SQLite under ``instance``."""
    if not url:
        return f"sqlite:///{instance / 'qrsvc.sqlite3'}"
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(f"DATABASE_URL is not a URL: {url.split('@')[-1]!r}")
    driver = SUPPORTED_SCHEMES.get(scheme.lower())
    if driver is None:
        raise ConfigError(
            f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite:/// or postgresql://"
        )
    return f"{driver}://{rest}"


def engine_options(uri: str) -> dict[str, Any]:
    """Engine options suited to a web server on each database."""
    if uri.startswith("sqlite"):
        # Several gunicorn workers share the file: wait for the lock rather than fail.
        return {"connect_args": {"timeout": 15, "check_same_thread": False}}
    # pre_ping replaces connections that died with a server restart before use.
    return {"pool_pre_ping": True, "pool_recycle": 1800, "pool_size": 5, "max_overflow": 10}


def served_url(env: Mapping[str, str]) -> str:
    """The address ``qrsvc run`` serves on: the public URL when none is configured.

    Flask's run command reads ``FLASK_RUN_HOST`` and ``FLASK_RUN_PORT``; ``make demo``
    sets them from ``PORT``, so the codes the demo prints and the URLs it answers
    name the port it is really served on.
    """
    host = env.get("FLASK_RUN_HOST") or "127.0.0.1"
    port = env.get("FLASK_RUN_PORT") or "5000"
    if not (port.isdigit() and len(port) <= 5 and 0 < int(port) < 65536):
        raise ConfigError(f"FLASK_RUN_PORT must be a port number (1-65535), not {port!r}")
    if not re.fullmatch(r"[A-Za-z0-9.:-]{1,253}", host):
        raise ConfigError(f"FLASK_RUN_HOST must be a host name or address, not {host!r}")
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{int(port)}"


def _public_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"QRSVC_PUBLIC_URL must be an http(s) URL, not {url!r}")
    return url.rstrip("/")


def _ensure_writable(folder: Path) -> None:
    # A probe of its own: gunicorn's workers start at the same moment, and a shared
    # probe file one of them deleted made the other fail to boot.
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ConfigError(f"instance folder {folder} is not writable ({exc.strerror})") from None


def _instance_key(instance: Path, name: str, env_name: str, production: bool) -> str:
    """Read a key kept in the instance folder, creating it on first run in development.

    Production must be given its keys explicitly so that a lost or fresh instance
    folder can never silently change the keys that printed stamps were signed with.
    """
    if production:
        raise ConfigError(f"{env_name} must be set in production mode")
    path = instance / name
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()
