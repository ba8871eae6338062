"""The OpenAPI document says what every operation may answer besides success, and who may call it.

Each operation lists the errors it can give, all with the body ``ErrorOut``
(``{"message": str, "detail": ...}``): 400 when it takes a body (that is not JSON), 401 and
403 when it needs a caller, 404 when its path names an object, 409 when it writes, 422 always
(its input). ``x-forewarn-role`` names the
lowest role that may call it (``signed-in``: any signed-in user), from its ``auth=needs(…)``.
"""

from typing import Any

from ninja import Field, NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema

ANY_SIGNED_IN = "signed-in"
ERRORS = {
    400: "The body is not JSON.",
    401: "No caller: send 'Authorization: Bearer <token>' (or use a console session).",
    403: "The caller's role is too low (or a session request without its CSRF token).",
    404: "What the path names does not exist.",
    409: "Conflicts with an existing record (a slug, name or email already used).",
    422: "Invalid input; `message` names each field and what is wrong, `detail` has them one by one.",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorOut(Schema):
    message: str = Field(description='which field and why, e.g. "start: … has no UTC offset …"')
    detail: Any = Field(None, description="the errors one by one (field → messages), if any")


def role_of_operation(operation) -> str | None:
    """The role an operation's ``auth`` asks for; ``ANY_SIGNED_IN`` for any caller; None: open."""
    if not operation.auth_callbacks:
        return None
    return getattr(operation.auth_callbacks[0], "role", None) or ANY_SIGNED_IN


class DocumentedSchema(OpenAPISchema):
    def operation_details(self, operation) -> dict:
        found = super().operation_details(operation)
        role = role_of_operation(operation)
        statuses = {422}
        if role is not None:
            found["x-forewarn-role"] = role
            statuses |= {401, 403}
        if "{" in operation.path:
            statuses.add(404)
        if WRITES & set(operation.methods):
            statuses.add(409)
        if "requestBody" in found:
            statuses.add(400)
        if "ErrorOut" not in self.schemas:
            self.add_schema_definitions({"ErrorOut": ErrorOut.model_json_schema()})
        schema = {"$ref": "#/components/schemas/ErrorOut"}
        for status in sorted(statuses):
            found["responses"].setdefault(
                status,
                {
                    "description": ERRORS[status],
                    "content": {"application/json": {"schema": schema}},
                },
            )
        return found


class ForewarnAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document lists each operation's errors and role."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return DocumentedSchema(api=self, path_prefix=path_prefix)
