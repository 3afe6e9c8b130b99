"""What a demo load created: :class:`DemoResult` and the new accounts' logins."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DemoLogin", "DemoResult"]


@dataclass(frozen=True)
class DemoLogin:
    """A demo account created by this run, with its generated password."""

    email: str
    role: str
    password: str
    producer_ref: str | None = None


@dataclass
class DemoResult:
    """What a run of :func:`load_demo` created, by kind, and the new accounts' logins.

    ``created`` maps a kind (``relics``, ``producers``, ``products``, ``batches``,
    ``events``, ``links``, ``related_relics``, ``media``, ``users``) to the stable keys
    of the records created; an empty result means the demo was already loaded.
    """

    created: dict[str, list[str]] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)

    def add(self, kind: str, key: str) -> None:
        """Record that a ``kind`` record with ``key`` was created."""
        self.created.setdefault(kind, []).append(key)

    def count(self, kind: str) -> int:
        """How many ``kind`` records this run created."""
        return len(self.created.get(kind, []))

    @property
    def changed(self) -> bool:
        """True when this run created anything."""
        return any(self.created.values())

    def summary(self) -> str:
        """One line for the CLI, e.g. ``created 6 relics, 5 producers, ...``."""
        if not self.changed:
            return "demo data already loaded; nothing created"
        parts = [
            f"{len(keys)} {kind.replace('_', ' ')}" for kind, keys in self.created.items() if keys
        ]
        return "created " + ", ".join(parts)
