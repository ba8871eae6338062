"""The OpenAPI document tells a client what can go wrong and which words a field takes."""

import pytest

from forewarn.api.v1 import api
from forewarn.availability.models import ExclusionReason
from forewarn.catalog.models import ComponentStatus, MeasurementPeriod, Role, Visibility
from forewarn.delivery.subscriptions import STATES
from forewarn.policies.models import NoticeUnitChoice

ERROR = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema()


def test_every_operation_lists_its_error_responses_with_the_error_schema(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = {"401", "403", "422"}
            if "{" in path:
                expected.add("404")
            if method in ("post", "patch", "put", "delete"):
                expected.add("409")
            if "requestBody" in operation:
                expected.add("400")
            errors = {
                str(status): answer["content"]["application/json"]["schema"]
                for status, answer in operation["responses"].items()
                if int(status) >= 400
            }
            assert errors == dict.fromkeys(expected, ERROR), f"{method.upper()} {path}"


def test_the_error_schema_is_a_message_and_its_detail(document):
    schema = document["components"]["schemas"]["ErrorOut"]
    assert (schema["required"], schema["properties"]["message"]["type"]) == (["message"], "string")
    assert set(schema["properties"]) == {"message", "detail"}


def _enum(document, schema: str, field: str) -> list[str]:
    found = document["components"]["schemas"][schema]["properties"][field]
    options = found.get("anyOf", [found])
    return next(option["enum"] for option in options if "enum" in option)


@pytest.mark.parametrize(
    ("schema", "field", "values"),
    [
        ("StatusIn", "status", ComponentStatus.values),
        ("ComponentOut", "status", ComponentStatus.values),
        ("ComponentIn", "visibility", Visibility.values),
        ("GroupOut", "visibility", Visibility.values),
        ("CategoryIn", "period", MeasurementPeriod.values),
        ("MeOut", "role", Role.values),
        ("ExclusionIn", "reason", ExclusionReason.values),
        ("ExclusionOut", "reason", ExclusionReason.values),
        ("WorkTypeIn", "notice_unit", NoticeUnitChoice.values),
        ("SubscriberOut", "state", list(STATES)),
    ],
)
def test_a_fixed_vocabulary_is_an_enum_derived_from_its_definition(document, schema, field, values):
    assert _enum(document, schema, field) == list(values)
