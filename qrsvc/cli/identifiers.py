"""Command-line parameters that name a record: checked by :mod:`qrsvc.identifiers`.

A value that cannot be a code or reference is refused by click with the rule's own
words (``Invalid value for 'BATCH_REF': "/" cannot be used in a reference ...``)
before anything is looked up, as the admin's forms and the import refuse it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from qrsvc.identifiers import (
    BATCH_REF_LENGTH,
    IdentifierError,
    record_ref,
    relic_code,
)


class IdentifierParam(click.ParamType):
    """A click parameter type for one kind of identifier."""

    def __init__(self, name: str, check: Callable[[Any], str]) -> None:
        """Name the type (for ``--help``) and keep the rule that checks it."""
        self.name = name
        self.check = check

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        """The checked (and normalised) value, or a usage error saying why not."""
        try:
            return self.check(value)
        except IdentifierError as exc:
            self.fail(exc.message, param, ctx)


RELIC_CODE = IdentifierParam("relic code", relic_code)
RECORD_REF = IdentifierParam("reference", record_ref)
BATCH_REF = IdentifierParam("batch reference", lambda v: record_ref(v, BATCH_REF_LENGTH))
