"""Bearer-token and session authentication for the API, and role checks."""

from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from forewarn.catalog.models import has_role

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


def require(request, role: str) -> None:
    """Refuse with 403 unless the caller's role is at least ``role``."""
    user = request.auth if not isinstance(request.auth, bool) else request.user
    if not has_role(user, role):
        raise HttpError(403, f"This needs the '{role}' role or above.")


def actor(request) -> str:
    user = request.auth if not isinstance(request.auth, bool) else request.user
    return user.get_username()
