"""Structured logs to stdout, one JSON object a line, each with the request id.

The request id comes from the proxy (``X-Request-ID``) when it is well-formed,
otherwise it is made here (a random prefix per process and a counter: unique
without asking the kernel for randomness on every scan); it is sent back so a
visitor's report can be matched to the log line.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import secrets
import sys
import time

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIds:
    """Ids unique across processes: a random prefix, made again after a fork, and a counter."""

    def __init__(self) -> None:
        self._pid = -1
        self._prefix = ""
        self._counter = itertools.count()

    def next(self) -> str:
        """A new id, such as ``3f9a1c2be07d-1a``."""
        if self._pid != os.getpid():  # a gunicorn worker forked from the master
            self._pid = os.getpid()
            self._prefix = secrets.token_hex(6)
            self._counter = itertools.count(1)
        return f"{self._prefix}-{next(self._counter):x}"


new_request_id = RequestIds().next


class JSONFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id", "")
            entry["path"] = request.script_root + request.path  # /admin/... in the admin
        for key in ("status", "duration_ms", "method"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    """Log JSON to stdout (outside tests) and tag every request with an id."""
    if not app.testing and not any(
        isinstance(h.formatter, JSONFormatter) for h in logging.getLogger().handlers
    ):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JSONFormatter())
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        # Libraries that narrate every step at INFO would drown the service's own lines.
        for name in ("weasyprint", "fontTools", "PIL", "rq.worker"):
            logging.getLogger(name).setLevel(logging.WARNING)
    access = logging.getLogger("qrsvc.access")

    @app.before_request
    def tag_request() -> None:
        incoming = request.environ.get("HTTP_X_REQUEST_ID", "")
        g.request_id = incoming if REQUEST_ID.match(incoming) else new_request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if app.config["ACCESS_LOG"] and not app.testing:
            started = g.get("request_started", time.perf_counter())
            access.info(
                "%s %s %s",
                request.method,
                request.script_root + request.path,  # the admin's paths with /admin
                response.status_code,
                extra={
                    "status": response.status_code,
                    "method": request.method,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response
