"""Who must sign in to the console with an authenticator code, besides everyone under FOREWARN_REQUIRE_2FA."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SecondFactorRequirement(models.Model):
    """This staff member must use an authenticator app (TOTP) to sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="second_factor_requirement",
    )
    required_at = models.DateTimeField(default=timezone.now)
    required_by = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "second factor requirement"

    def __str__(self) -> str:
        return f"{self.user} must use an authenticator"
