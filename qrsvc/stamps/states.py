"""The state of a stamp: one rule, used by the scan page, the admin and the command line.

    state, change = serial_state(1234, run.changes, base=base_state(run.status, run.changes))
    parts = segments(run.first_serial, run.last_serial, run.changes, base=...)

A run is allotted, then printed (or its printing failed); after that, stretches of it
are activated (the stamps are on the goods) or voided (lost, stolen, spoilt). The state
of one serial is decided by the **last** activation or voiding that covers it; a serial
none covers is in its run's base state (allocated, printed or failed).

Pure: a change is anything with ``action``, ``first_serial`` and ``last_serial`` (the
database's :class:`~qrsvc.models.StampRunChange` rows or the kept facts of the scan
page), given oldest first. No Flask, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

ALLOCATED, PRINTED, ACTIVE, VOIDED, FAILED = "allocated", "printed", "active", "voided", "failed"
#: The changes that decide a serial's state; the others (allocate, print, fail) record history.
DECIDING = {"activate": ACTIVE, "void": VOIDED}

__all__ = [
    "ACTIVE", "ALLOCATED", "DECIDING", "FAILED", "PRINTED", "VOIDED",
    "Segment", "base_state", "segments", "serial_state",
]  # fmt: skip


class Change(Protocol):
    """What this module reads of a change to a run."""

    action: str
    first_serial: int
    last_serial: int


def serial_state(serial: int, changes: Sequence[Change], *, base: str) -> tuple[str, Any]:
    """The state of ``serial`` and the change that set it (None when none covers it: ``base``).

    ``changes`` are the run's changes, oldest first; only activations and voidings count.
    """
    for change in reversed(changes):
        state = DECIDING.get(change.action)
        if state is not None and change.first_serial <= serial <= change.last_serial:
            return state, change
    return base, None


def base_state(status: str, changes: Sequence[Change]) -> str:
    """What a serial of a run that no activation or voiding touched is: allocated, printed
    or failed (a run whose stamps were activated once remembers whether it was printed)."""
    if status in (ALLOCATED, PRINTED, FAILED):
        return status
    return PRINTED if any(change.action == "print" for change in changes) else ALLOCATED


@dataclass(frozen=True)
class Segment:
    """A stretch of a run's serials that share one state."""

    first: int
    last: int
    state: str  # allocated, printed, active, voided, failed
    change: Any  # the activate/void change that set it, None for the base state

    @property
    def count(self) -> int:
        """How many serials the segment holds."""
        return self.last - self.first + 1


def segments(first: int, last: int, changes: Sequence[Change], *, base: str) -> list[Segment]:
    """The serials ``first``..``last`` cut into stretches of one state each, in serial order.

    Each stretch between two edges of the changes has one state, the one
    :func:`serial_state` gives its first serial; neighbours set by the same change merge.
    """
    edges = {first}
    for change in changes:
        if change.action in DECIDING:
            edges.update(
                edge
                for edge in (change.first_serial, change.last_serial + 1)
                if first < edge <= last
            )
    starts = sorted(edges)
    parts: list[Segment] = []
    for start, end in zip(starts, [*starts[1:], last + 1], strict=True):
        state, change = serial_state(start, changes, base=base)
        if parts and parts[-1].state == state and parts[-1].change is change:
            parts[-1] = Segment(parts[-1].first, end - 1, state, change)
        else:
            parts.append(Segment(start, end - 1, state, change))
    return parts
