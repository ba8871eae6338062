"""Who may call the API: bearer tokens and console sessions, each checked against a role.

An operation says the role it needs in its route, ``@router.get(..., auth=needs(Role.ADMIN))``,
so the check runs before its input is read: no caller (or an unknown token) is answered 401,
a caller below the role 403, and only then does a bad body get its 422. The role is also
written into the OpenAPI document (``x-forewarn-role``). The roles are the console's
(``catalog/models.has_role``, ``catalog/roles.py``).

A console session works too, CSRF-checked; a request without a session is not checked for a
CSRF token at all (there is nothing to forge), so an anonymous write is a 401, not a 403.
"""

from collections.abc import Callable
from functools import cache

from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from forewarn.catalog.models import Role, has_role, role_of
from forewarn.delivery import destinations

from .models import ApiToken


def _permitted(user, role: str | None):
    if role is not None and not has_role(user, role):
        raise HttpError(403, f"This needs the '{role}' role or above.")
    return user


# Other kinds of bearer token (an authorized contact's, from the portal) that staff operations
# refuse with 403 naming the reason, rather than 401 as an unknown token: each check returns
# the reason for a token it knows, else None. Registered in the owning app's ready().
OTHER_TOKENS: list[Callable[[str], str | None]] = []


def refuse_other_tokens(check: Callable[[str], str | None]) -> None:
    if check not in OTHER_TOKENS:
        OTHER_TOKENS.append(check)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; ``role`` None lets any active user through."""

    def __init__(self, role: str | None = None):
        self.role = role
        super().__init__()

    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is None:
            for check in OTHER_TOKENS:
                if reason := check(token):
                    raise HttpError(403, reason)
            return None
        request.user = user
        return _permitted(user, self.role)


class StaffSessionAuth(SessionAuth):
    """The console's logged-in session also works for the API (CSRF-checked)."""

    def __init__(self, role: str | None = None):
        self.role = role
        super().__init__()

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: the caller is anonymous (401), no CSRF token to check
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return None if user is None else _permitted(user, self.role)


@cache
def needs(role: str | None) -> list:
    """The ``auth=`` of an operation open to ``role`` and above (None: any signed-in user)."""
    return [TokenAuth(role), StaffSessionAuth(role)]


AUTH = needs(None)


def caller(request):
    """The authenticated user, by token or by the console's session."""
    return request.auth if not isinstance(request.auth, bool) else request.user


def require(request, role: str) -> None:
    """Refuse with 403 unless the caller's role is at least ``role``.

    For a check inside an operation (one that depends on the object); the operation's own
    role belongs in its route, ``auth=needs(role)``, so it is checked before the input is.
    """
    _permitted(caller(request), role)


def actor(request) -> str:
    return caller(request).get_username()


def role(request) -> str | None:
    """The caller's staff role, for services that check it themselves (and raise 403)."""
    return role_of(caller(request))


def actor_and_role(request) -> dict:
    """The caller as the services take it: ``actor`` (recorded) and ``role`` (checked)."""
    return {"actor": actor(request), "role": role(request)}


def webhook_shown(request, url: str) -> str:
    """A chat webhook's URL whole for admins, who set it; for other staff only where it goes
    (``destinations.shown``): the URL is the credential that posts to the channel."""
    return url if role(request) == Role.ADMIN else destinations.shown(url)
