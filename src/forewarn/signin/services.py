"""Second-factor operations: require, stop requiring, enrol, reset; each recorded, one transaction each."""

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from forewarn.record.kinds import Kind
from forewarn.record.services import append

from .models import SecondFactorRequirement

DEVICE_NAME = "authenticator"


def must_use_second_factor(user) -> bool:
    """Whether ``user`` signs in to the console with an authenticator code (by setting or by an admin)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    if getattr(settings, "FOREWARN_REQUIRE_2FA", False):
        return True
    return SecondFactorRequirement.objects.filter(user=user).exists()


def authenticator(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up (not confirmed yet): its secret is shown until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_authenticator(device: TOTPDevice, token: str) -> bool:
    """Confirm the pending authenticator with a code it shows; False when the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        if device.confirmed or not allowed or not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        _record(Kind.STAFF_SECOND_FACTOR_ENROLLED, device.user, device.user.get_username())
    return True


def require(user, *, actor: str) -> SecondFactorRequirement:
    with transaction.atomic():
        requirement, created = SecondFactorRequirement.objects.get_or_create(
            user=user, defaults={"required_by": actor}
        )
        if created:
            _record(Kind.STAFF_SECOND_FACTOR_REQUIRED, user, actor)
    return requirement


def stop_requiring(user, *, actor: str) -> None:
    with transaction.atomic():
        if SecondFactorRequirement.objects.filter(user=user).delete()[0]:
            _record(Kind.STAFF_SECOND_FACTOR_NOT_REQUIRED, user, actor)


def reset(user, *, actor: str) -> int:
    """Remove the user's authenticators (a lost phone); they set up a new one at next sign-in."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        if removed:
            _record(Kind.STAFF_SECOND_FACTOR_RESET, user, actor)
    return removed


def _record(kind: Kind, user, actor: str) -> None:
    append(
        kind,
        subject=user,
        actor=actor,
        description=f"{kind.description.rstrip('.')}: {user.get_username()}.",
        details={"user": user.get_username()},
    )
