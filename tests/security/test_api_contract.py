"""Schemathesis against the JSON API: the OpenAPI document says what the server does.

Every operation of ``/api/v1/openapi.json`` is fed generated requests (valid ones and,
in the negative phase, ones the document forbids) with a fixed example budget and a
fixed seed, and every answer goes through all of schemathesis' checks: no 5xx, a status
code and body the document declares, a content type it declares, and a 4xx for a
request the document says is invalid. The database holds the demo data, so the
generated paths meet both records that exist and ones that don't.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from qrsvc.demo import load_demo
from qrsvc.extensions import db
from qrsvc.media import media_store_from_config

#: Examples per operation and phase: enough to reach every parameter's edge cases,
#: small enough for ``make test``.
EXAMPLES = 40


@pytest.fixture
def api_schema(app):
    with app.app_context():
        load_demo(db.session, media_store_from_config(app.config))
        db.session.remove()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def operations(schema):
    found = [result.ok() for result in schema.get_all_operations()]
    assert found, "the OpenAPI document lists no operation"
    return found


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
def test_every_operation_answers_as_documented(api_schema, mode):
    failures = []
    for operation in operations(api_schema):

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(mode))
        def run(case):
            case.call_and_validate()

        try:
            run()
        except Exception as exc:  # noqa: BLE001 -- report every operation, not only the first
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_the_document_lists_every_api_route(api_schema, app):
    """A route the document does not describe is not contract-tested: keep them equal."""
    documented = {operation.path for operation in operations(api_schema)}
    served = {
        rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("/openapi.json")
    }
    served = {path.replace("{path:", "{").replace("{string:", "{") for path in served}
    assert served == documented
