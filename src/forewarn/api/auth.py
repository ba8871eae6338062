"""Bearer-token and session authentication for the API, and role checks."""

from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from forewarn.catalog.models import has_role, role_of

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class StaffSessionAuth(SessionAuth):
    """The console's logged-in session also works for the API (CSRF-checked)."""


AUTH = [TokenAuth(), StaffSessionAuth()]


def caller(request):
    """The authenticated user, by token or by the console's session."""
    return request.auth if not isinstance(request.auth, bool) else request.user


def require(request, role: str) -> None:
    """Refuse with 403 unless the caller's role is at least ``role``."""
    if not has_role(caller(request), role):
        raise HttpError(403, f"This needs the '{role}' role or above.")


def actor(request) -> str:
    return caller(request).get_username()


def role(request) -> str | None:
    """The caller's staff role, for services that check it themselves (and raise 403)."""
    return role_of(caller(request))
