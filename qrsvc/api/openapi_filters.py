"""The list filters of the OpenAPI document: today's areas, districts and categories.

The document names the values each filter accepts (an ``enum`` of today's choices), so
a client, and the contract test that feeds generated requests, knows that any other
value is refused with a 400 (qrsvc.areas.filters).
"""

from __future__ import annotations

from typing import Any


def choice_param(name: str, values: list[str] | None, description: str) -> dict[str, Any]:
    """A filter parameter whose values are today's choices ("" or absent: no filter);
    ``values`` None (not known now): any string up to the longest the server reads."""
    schema = {"type": "string", "maxLength": 120}
    if values is not None:
        schema = {"type": "string", "enum": ["", *values]}
    return {"name": name, "in": "query", "description": description, "schema": schema}


def with_filters(operation: dict, choices: dict | None, kind: str = "products") -> dict:
    """``operation`` (a list) with the filters of ``kind`` ("relics" or "products")."""
    known = choices.get if choices is not None else lambda _name: None
    params = [
        choice_param("area", known("area"), "Official code of an area (commune, ward)"),
        choice_param("district", known("district"), "A former district (before 2025)"),
    ]
    if kind == "relics":
        ranks = ["special_national", "national", "provincial", "unranked"]
        params.append(choice_param("rank", ranks, "Heritage rank"))
    else:
        params.append(choice_param("category", known("category"), "Product category"))
        params.append(choice_param("stars", ["3", "4", "5"], "OCOP stars"))
    operation["get"]["parameters"] = [*operation["get"]["parameters"], *params]
    return operation
