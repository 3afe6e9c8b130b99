"""WSGI entry point for gunicorn: ``gunicorn qrsvc.wsgi:app``.

``app`` is the site, with the admin application mounted under ``/admin`` inside it
(see :mod:`qrsvc`): one callable serves both.
"""

import sys

from qrsvc import ConfigError, create_app

try:
    app = create_app()
except ConfigError as exc:  # one line for the operator, not a traceback
    print(f"qrsvc: configuration error: {exc}", file=sys.stderr)
    sys.exit(2)
