"""API tokens in the permission matrix: listed for staff, made and revoked on the command line."""

from forewarn.api.models import ApiToken
from forewarn.catalog.models import Role
from tests.conftest import make_staff
from tests.permission_rows import Console

API: dict[str, str] = {}

CONSOLE = {
    "api.apitoken": Console(make=lambda: ApiToken.issue(make_staff("holder", Role.VIEWER))[0])
}
