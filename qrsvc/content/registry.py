"""Every record specification by name, and the one step that declares one.

A spec names its parent by name (a batch's is "product"), so the parent is declared
first; :func:`define` then fills in the parent's model, which the save uses to load
the parent through the producer scoping. The admin's views, the revision history and
import and export all look specs up here.
"""

from __future__ import annotations

from qrsvc.content.records import EntitySpec

#: Every declared spec by name (the ``entity_type`` of its revisions).
SPECS: dict[str, EntitySpec] = {}


def define(spec: EntitySpec) -> EntitySpec:
    """Declare ``spec`` (its parent declared before it) and return it."""
    if spec.parent:
        spec.parent_model = SPECS[spec.parent].model
    SPECS[spec.name] = spec
    return spec
