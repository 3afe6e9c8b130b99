"""The link types of the GS1 Web Vocabulary, read from the copy this package carries.

    LINK_VOCABULARY["gs1:pip"].label   -> "Product Information Page"
    stable_link_types()                -> ("gs1:activityIdeas", ..., "gs1:whatsInTheBox")

``webvoc/linktypes.json`` is every property of gs1/WebVoc v1.16 whose
``rdfs:subPropertyOf`` is ``gs1:linkType`` (Apache 2.0, ``webvoc/LICENSE``); a test
checks that it matches the project's reference copy. Pure Python, no Flask.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

__all__ = ["LINK_VOCABULARY", "LinkTypeTerm", "stable_link_types"]


@dataclass(frozen=True)
class LinkTypeTerm:
    """One link type: ``gs1:pip``, its English label and whether it is still to be used."""

    id: str
    label: str
    status: str  # "stable" or "deprecated"

    def __post_init__(self) -> None:
        """Refuse a term that is not a ``gs1:`` name of known status."""
        if not self.id.startswith("gs1:") or not self.id[4:].isalnum():
            raise ValueError(f"not a GS1 link type: {self.id!r}")
        if self.status not in ("stable", "deprecated"):
            raise ValueError(f"unknown status {self.status!r} of {self.id}")


def _load() -> dict[str, LinkTypeTerm]:
    text = resources.files(__package__).joinpath("webvoc", "linktypes.json").read_text("utf-8")
    return {
        item["id"]: LinkTypeTerm(item["id"], " ".join(item["label"].split()), item["status"])
        for item in json.loads(text)["linkTypes"]
    }


#: Every link type of the vocabulary, deprecated ones included, by ``gs1:`` name.
LINK_VOCABULARY: dict[str, LinkTypeTerm] = _load()


def stable_link_types() -> tuple[str, ...]:
    """The names of the link types that are not deprecated, in alphabetical order."""
    return tuple(sorted(t.id for t in LINK_VOCABULARY.values() if t.status == "stable"))
