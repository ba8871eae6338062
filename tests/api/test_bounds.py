"""Every input of the API has documented bounds: strings a maximum length (or a fixed
vocabulary), numbers a minimum and a maximum, lists a maximum number of items. The document
says so, so clients (and the fuzzing in test_fuzz.py) know them; the endpoints enforce them."""

import pytest

from forewarn.api.v1 import api
from forewarn.calendars.models import Calendar
from forewarn.catalog.models import Component, ComponentGroup


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema


def unbounded(schema: dict, document: dict, where: str) -> list[str]:
    """Where a schema lets an input grow without limit."""
    schema = _resolve(schema, document)
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            found += unbounded(option, document, where)
    kind = schema.get("type")
    if "enum" in schema or "const" in schema or kind in ("boolean", "null"):
        return found
    if kind == "string":
        if "maxLength" not in schema and schema.get("format") not in ("date-time", "date"):
            found.append(f"{where}: a string without maxLength")
    elif kind in ("integer", "number"):
        if "maximum" not in schema or "minimum" not in schema:
            found.append(f"{where}: a number without minimum and maximum")
    elif kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: a list without maxItems")
        found += unbounded(schema.get("items", {}), document, f"{where}[]")
    elif kind == "object" or "properties" in schema:
        for name, prop in schema.get("properties", {}).items():
            found += unbounded(prop, document, f"{where}.{name}")
    return found


def test_every_input_of_every_operation_is_bounded():
    document = api.get_openapi_schema()
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                found += unbounded(parameter["schema"], document, f"{name} {parameter['name']}")
            body = operation.get("requestBody", {}).get("content", {})
            for content in body.values():
                found += unbounded(content["schema"], document, f"{name} body")
    assert found == []


# --- what the bounds stop: each of these answered 500, or was published -------------------


HOURS = [{"weekday": 0, "start": "09:00", "end": "17:00", "end_tz": None}]


def test_a_business_day_of_two_trillion_minutes_is_a_422_not_a_500(admin_api):
    response = admin_api.post(
        "/api/v1/calendars",
        {
            "slug": "huge",
            "name": "Huge",
            "time_zone": "Europe/Amsterdam",
            "opening_hours": HOURS,
            "business_day_minutes": 2_000_000_000_000,
        },
    )
    assert (response.status_code, response.json()["message"]) == (
        422,
        "business_day_minutes: Input should be less than or equal to 1440",
    )
    assert not Calendar.objects.exists()


def test_a_restore_objective_past_timedelta_is_a_422_not_a_500(admin_api):
    response = admin_api.post(
        "/api/v1/components",
        {"slug": "db", "name": "DB", "restore_objective_minutes": 34_207_652_080_406},
    )
    assert (response.status_code, response.json()["message"]) == (
        422,
        "restore_objective_minutes: Input should be less than or equal to 527040",
    )
    assert not Component.objects.exists()


def test_a_two_megabyte_description_is_refused(admin_api):
    response = admin_api.post(
        "/api/v1/component-groups", {"name": "Voice", "description": "x" * 2_000_000}
    )
    assert (response.status_code, response.json()["message"]) == (
        422,
        "description: String should have at most 20000 characters",
    )
    assert not ComponentGroup.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/notices", "/api/v1/record", "/api/v1/subscribers"])
def test_a_huge_offset_is_a_422_naming_it(admin_api, path):
    response = admin_api.get(path, offset=10**12)
    assert (response.status_code, response.json()["message"]) == (
        422,
        "offset: Input should be less than or equal to 1000000000",
    )
