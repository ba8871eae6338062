"""The catalog (docs/product.md S1): what customers depend on, who they are, and who runs it."""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from forewarn import limits, mailboxes
from forewarn.availability.reasons import THIRD_PARTY_DEFAULT, honoured_reasons
from forewarn.calendars.models import Calendar, validate_time_zone
from forewarn.catalog.statuses import LABELS, Status

from .peak_hours import PeakHoursError, PeakRange, parse_peak_hours

_ID_ALPHABET = string.ascii_lowercase + string.digits


def new_public_id() -> str:
    """A 12-character id in the style of Statuspage's, stable for the object's lifetime."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


# The choices of ``statuses.Status``, best to worst, with their labels.
ComponentStatus = models.TextChoices(
    "ComponentStatus", [(status.name, (status.value, LABELS[status])) for status in Status]
)


def default_honoured_reasons() -> list[str]:
    """A third-party contract honours scheduled maintenance unless set otherwise (seed 004)."""
    return [reason.value for reason in THIRD_PARTY_DEFAULT]


def validate_honoured_reasons(value) -> None:
    """Exclusion reasons a contract may honour: those an operator records (``reasons``)."""
    try:
        honoured_reasons(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private to named organizations"
    INTERNAL = "internal", "Internal"


class MeasurementPeriod(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"


def validate_restore_objective(value: timedelta) -> None:
    if value is not None and not timedelta(0) < value <= timedelta(
        minutes=limits.OBJECTIVE_MINUTES
    ):
        raise ValidationError(
            f"Give a positive duration of at most {limits.OBJECTIVE_MINUTES // 1440} days."
        )


class Region(models.Model):
    """Where work happens: its time zone, peak hours and business calendar."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    peak_hours = models.JSONField(
        default=list,
        blank=True,
        help_text='Weekly ranges in the region\'s zone, weekday 0 = Monday: [{"weekday": 0, '
        '"start": "08:00", "end": "20:00"}]. An end at or before the start runs past midnight '
        "(22:00–02:00); end at midnight with 00:00.",
    )
    calendar = models.ForeignKey(Calendar, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Check the peak hours with the messages of ``catalog.peak_hours`` (naming the range)."""
        if isinstance(self.peak_hours, list) and len(self.peak_hours) > limits.RANGES:
            raise ValidationError(
                {"peak_hours": f"Give at most {limits.RANGES} ranges, not {len(self.peak_hours)}."}
            )
        try:
            self.peak_ranges()
        except PeakHoursError as error:
            raise ValidationError({"peak_hours": str(error)}) from None

    def peak_ranges(self) -> tuple[PeakRange, ...]:
        """``(weekday, start, end)`` per range; raises ``PeakHoursError`` when one is invalid."""
        return parse_peak_hours(self.peak_hours)


class ProductCategory(models.Model):
    """A product line sold with an availability target (seed 001 §2)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    target_pct = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Availability commitment in percent, e.g. 99.9900.",
    )
    period = models.CharField(
        max_length=16, choices=MeasurementPeriod.choices, default=MeasurementPeriod.QUARTER
    )
    time_zone = models.CharField(
        max_length=64, default="Europe/Amsterdam", validators=[validate_time_zone]
    )
    partial_outage_weight = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="How much a minute of partial outage counts as unavailable: 0 (not at all) to 1 (fully).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "product categories"

    def __str__(self) -> str:
        return self.name


class ComponentGroup(models.Model):
    """One level of grouping on the status page."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(
        blank=True, max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)]
    )
    position = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(limits.POSITION)]
    )
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Component(models.Model):
    """A thing customers depend on; its status changes only through ``services.set_status``."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)]
    )
    group = models.ForeignKey(
        ComponentGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="components"
    )
    position = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(limits.POSITION)]
    )
    status = models.CharField(
        max_length=32, choices=ComponentStatus.choices, default=ComponentStatus.OPERATIONAL
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    category = models.ForeignKey(
        ProductCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="components"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="components"
    )
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    visible_to = models.ManyToManyField(
        "Organization", blank=True, related_name="private_components"
    )
    is_beta = models.BooleanField(
        default=False, help_text="Beta / early access: excluded from the SLA."
    )
    is_third_party = models.BooleanField(
        default=False, help_text="An upstream provider (hosting, database)."
    )
    third_party_target_pct = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    third_party_period = models.CharField(
        max_length=16, choices=MeasurementPeriod.choices, default=MeasurementPeriod.MONTH
    )
    restore_objective = models.DurationField(
        null=True,
        blank=True,
        validators=[validate_restore_objective],
        help_text="Restored within this time of identification (seed 004: 1 hour).",
    )
    third_party_honoured_reasons = models.JSONField(
        "honoured exclusions",
        default=default_honoured_reasons,
        blank=True,
        validators=[validate_honoured_reasons],
        help_text="The exclusion reasons the provider's contract honours: only these are "
        "excluded from its own target (seed 004: scheduled maintenance; the database also "
        "instance resize migration). Your own SLA figures exclude every reason.",
    )
    members = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="member_of"
    )
    min_available_members = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(limits.MEMBERS)],
        help_text="Available while at least K members are (seed 001: at least one trunk).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group__position", "position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_redundant(self) -> bool:
        return bool(self.min_available_members)


class StatusInterval(models.Model):
    """One stretch of a component's history in one status: start, end (open while current), cause."""

    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, related_name="status_history"
    )
    status = models.CharField(max_length=32, choices=ComponentStatus.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    cause = models.CharField(max_length=300, blank=True)
    cause_ref = models.CharField(
        max_length=64, blank=True, help_text="e.g. incident:12 or planned:4"
    )
    actor = models.CharField(max_length=200, blank=True)
    entered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the change was entered (the server's clock); started_at is the instant "
        "it claims. Empty for history kept before Forewarn recorded it.",
    )
    backdate_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why the change was dated earlier than it was entered (beyond the grace).",
    )

    class Meta:
        ordering = ["component", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["component"],
                condition=Q(ended_at__isnull=True),
                name="one_open_status_interval",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="interval_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["component", "started_at"])]

    def __str__(self) -> str:
        return f"{self.component} {self.status} {self.started_at:%Y-%m-%d %H:%M}–{self.ended_at or '…'}"


class Organization(models.Model):
    """A client of the provider: plan, licences, the components it uses, its region."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    plan = models.CharField(max_length=100, blank=True)
    licences = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(limits.COUNT)])
    components = models.ManyToManyField(Component, blank=True, related_name="organizations")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL)
    success_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Tier 1 (seed 004).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(models.QuerySet):
    def with_mailbox(self, address: str) -> "ContactQuerySet":
        """The contacts of ``address``, however it is spelt (``mailboxes.comparable``): on
        ``lower(email)``, which the unique index below leads with, where ``email__iexact``'s
        ``UPPER(email)`` would read every contact for each inbound mail and sign-in."""
        return self.alias(mailbox=Lower("email")).filter(mailbox=mailboxes.comparable(address))

    def with_mailboxes(self, addresses) -> "ContactQuerySet":
        """The contacts of any of ``addresses`` (``with_mailbox`` for many, in one query)."""
        wanted = {mailboxes.comparable(a) for a in addresses}
        return self.alias(mailbox=Lower("email")).filter(mailbox__in=wanted)


class AuthorizedContact(models.Model):
    """A person allowed to open support requests and receive contractual notices (seed 001 §4)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    receives_notices = models.BooleanField(default=True)
    may_open_requests = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            # One mailbox however it is spelt: the domain is stored in its IDNA ASCII form
            # (``clean``) and the address compared without case.
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                name="one_contact_per_mailbox_per_org",
                violation_error_message=(
                    "Authorized contact with this Organization and Email already exists."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.organization})"

    def clean(self) -> None:
        # anna@Bücher.example is stored as anna@xn--bcher-kva.example, the form mail arrives
        # from, so a contact is recognised however either side spelt the domain.
        try:
            self.email = mailboxes.canonical(self.email)
        except ValueError:
            pass  # the field's own validator has said what is wrong with it


class Role(models.TextChoices):
    """Staff roles, each including the ones before it."""

    VIEWER = "viewer", "Viewer"
    RESPONDER = "responder", "Responder"
    COMMUNICATOR = "communicator", "Communicator (may publish)"
    ADMIN = "admin", "Admin"


ROLE_ORDER = [Role.VIEWER, Role.RESPONDER, Role.COMMUNICATOR, Role.ADMIN]


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    time_zone = models.CharField(
        max_length=64, default="Europe/Amsterdam", validators=[validate_time_zone]
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


def role_of(user) -> str | None:
    """The user's role: superusers are admins; users without a profile have none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "staff", None)
    return profile.role if profile else None


def has_role(user, needed: str) -> bool:
    """Whether the user's role is ``needed`` or above it."""
    role = role_of(user)
    return role is not None and ROLE_ORDER.index(role) >= ROLE_ORDER.index(needed)
