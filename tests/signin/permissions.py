"""Sign-in in the permission matrix: admins alone see who must use an authenticator and the
sign-in attempts, and may lift a lockout by deleting its attempts."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model

from forewarn.signin.models import SecondFactorRequirement
from tests.permission_rows import ADMIN, Console


def _requirement():
    user = get_user_model().objects.create_user("needs-a-phone", is_staff=True)
    return SecondFactorRequirement.objects.create(user=user, required_by="admin")


def _attempt():
    return AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.1", failures_since_start=3
    )


API = {}

CONSOLE = {
    "signin.secondfactorrequirement": Console(
        view=ADMIN,
        add=ADMIN,
        delete=ADMIN,
        actions={"reset_authenticators": ADMIN},
        make=_requirement,
    ),
    "axes.accessattempt": Console(
        view=ADMIN, delete=ADMIN, actions={"cleanup_expired_attempts": ADMIN}, make=_attempt
    ),
    "axes.accesslog": Console(
        view=ADMIN,
        delete=ADMIN,
        make=lambda: AccessLog.objects.create(username="someone", ip_address="192.0.2.1"),
    ),
    "axes.accessfailurelog": Console(
        view=ADMIN,
        delete=ADMIN,
        make=lambda: AccessFailureLog.objects.create(username="someone", ip_address="192.0.2.1"),
    ),
}
