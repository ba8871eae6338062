"""Products, their versions and deprecations, as the database keeps them; every word comes
from the pure core (``numbering``, ``notes``). Rows change only through ``services``, which
records every change."""

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from forewarn import limits
from forewarn.catalog.models import Component, Organization, ProductCategory
from forewarn.delivery.models import Notice, Subscriber
from forewarn.planned.models import PlannedWork
from forewarn.policies.models import Policy
from forewarn.record.subjects import RecordedSubject

from .numbering import KIND_LABELS, STATE_LABELS, ReleaseKind, State

KIND_CHOICES = [(k.value, KIND_LABELS[k]) for k in ReleaseKind]
STATE_CHOICES = [(s.value, STATE_LABELS[s]) for s in State]


class Product(RecordedSubject, models.Model):
    """A product, module or plugin with its own version numbers and release notes."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=limits.NAME)
    description = models.TextField(
        blank=True,
        max_length=limits.TEXT,
        validators=[MaxLengthValidator(limits.TEXT)],
        help_text="Markdown.",
    )
    is_public = models.BooleanField(
        default=True,
        help_text="Shown on the public What's new page; a private product's notes are for the "
        "organizations that use it only.",
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="products", help_text="Clients that use it."
    )
    plans = models.JSONField(
        default=list,
        blank=True,
        help_text='Every organization on one of these plans uses it: ["Enterprise"].',
    )
    components = models.ManyToManyField(
        Component,
        blank=True,
        related_name="products",
        help_text="What its major versions and API changes affect; organizations using these "
        "components use the product.",
    )
    policy = models.ForeignKey(
        Policy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        help_text="The notice policy its major versions and API changes are planned under "
        "(with work types major-version and api-change).",
    )
    subscribers = models.ManyToManyField(
        Subscriber,
        blank=True,
        related_name="release_products",
        help_text="Confirmed subscribers (email or chat) of this product's release notes.",
    )
    chat_webhooks = models.JSONField(
        default=list,
        blank=True,
        help_text="Chat webhook URLs (Slack-compatible) security releases are posted to at once.",
    )
    created_at = models.DateTimeField()

    REF_PREFIX = "product"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Version(RecordedSubject, models.Model):
    """One version of a product: its number, kind, state, notes and the notices it owes."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="versions")
    number = models.CharField(max_length=20)
    major = models.PositiveIntegerField()
    minor = models.PositiveIntegerField()
    hotfix = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=KIND_CHOICES)
    kind_overridden = models.BooleanField(
        default=False, help_text="The kind was given, not computed from the previous version."
    )
    state = models.CharField(max_length=12, choices=STATE_CHOICES, default=State.PLANNED)
    release_at = models.DateTimeField(help_text="When it is (or was) to be released.")
    released_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=limits.SHORT_TEXT, blank=True)
    title = models.CharField(max_length=limits.NAME, blank=True)
    notes = models.JSONField(
        default=dict, blank=True, help_text='Markdown per section: {"new": "…", "fixed": "…"}.'
    )
    security = models.BooleanField(default=False)
    advisories = models.JSONField(
        default=list, blank=True, help_text='Security advisory ids: ["CVE-2027-1234"].'
    )
    documentation = models.JSONField(
        default=list,
        blank=True,
        help_text='Documentation pages it changed: [{"title": "…", "url": "https://…"}].',
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="client_hotfixes",
        help_text="A hotfix made for one client's situation: that client's alone.",
    )
    api_change = models.BooleanField(
        default=False, help_text="Changes the API: planned work of type api-change."
    )
    planned_work = models.ForeignKey(
        PlannedWork,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="major_versions",
        help_text="The major version's planned work (major-version).",
    )
    api_work = models.ForeignKey(
        PlannedWork,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_versions",
        help_text="The API change's planned work (api-change).",
    )
    notices = models.ManyToManyField(Notice, blank=True, related_name="versions")
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    REF_PREFIX = "version"

    class Meta:
        ordering = ["product", "-major", "-minor", "-hotfix"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="one_version_per_number"),
            models.CheckConstraint(
                condition=Q(organization__isnull=True) | Q(kind="hotfix"),
                name="only_hotfixes_for_one_client",
            ),
        ]
        indexes = [models.Index(fields=["state", "released_at"], name="version_released")]

    def __str__(self) -> str:
        return f"{self.product} {self.number}"


class Deprecation(models.Model):
    """Something an API change deprecates, from when, and its sunset date (RFC 8594/9745)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="deprecations")
    subject = models.CharField(
        max_length=limits.SHORT_TEXT, help_text="What is deprecated: GET /v1/documents, a field…"
    )
    replacement = models.CharField(max_length=limits.SHORT_TEXT, blank=True)
    deprecated_at = models.DateTimeField()
    sunset_at = models.DateTimeField(null=True, blank=True)
    link = models.URLField(max_length=limits.URL, blank=True, help_text="Where it is explained.")

    class Meta:
        ordering = ["sunset_at", "pk"]

    def __str__(self) -> str:
        return self.subject


class Topic(models.TextChoices):
    """What a general announcement is about (seed 002's "other improvement aspects", seed 004's
    updated documentation)."""

    DOCUMENTATION = "documentation", "Product documentation"
    MANUALS = "manuals", "Manuals and audiovisual aids"
    RATES = "rates", "Special rates for clients"
    INTEGRATIONS = "integrations", "Integrations with other applications or services"
    POLICIES = "policies", "Service policies and SLAs"
    PRODUCTS = "products", "Complementary products and services"
    OTHER = "other", "Other"


class Announcement(RecordedSubject, models.Model):
    """A general announcement to the authorized contacts of chosen organizations, or of the
    organizations using chosen products; sent once, at publication."""

    title = models.CharField(max_length=limits.NAME)
    body = models.TextField(
        max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)], help_text="Markdown."
    )
    topic = models.CharField(max_length=16, choices=Topic.choices, default=Topic.OTHER)
    organizations = models.ManyToManyField(Organization, blank=True, related_name="announcements")
    products = models.ManyToManyField(Product, blank=True, related_name="announcements")
    told = models.JSONField(default=list, blank=True, help_text="The organizations told (ids).")
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="announcements"
    )
    published_at = models.DateTimeField()
    created_by = models.CharField(max_length=200)

    REF_PREFIX = "announcement"

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class SlaVersion(RecordedSubject, models.Model):
    """A version of a product category's SLA: its availability target from an effective date
    (seed 001 §8: "reserves the right to update this SLA"). Reports measure each period
    against the version in force when it began; publishing one tells the contacts of the
    organizations using the category's components (seed 002: changes in SLAs by email)."""

    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="sla_versions"
    )
    label = models.CharField(max_length=50, help_text="As the customers know it: 2027.1")
    target_pct = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Availability commitment in percent from the effective date.",
    )
    effective_from = models.DateTimeField()
    summary = models.TextField(
        max_length=limits.TEXT,
        validators=[MaxLengthValidator(limits.TEXT)],
        help_text="What changes, in Markdown; the notice quotes it.",
    )
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="sla_versions"
    )
    published_at = models.DateTimeField()
    created_by = models.CharField(max_length=200)

    REF_PREFIX = "sla_version"

    class Meta:
        ordering = ["category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "effective_from"], name="one_sla_version_per_instant"
            ),
            models.UniqueConstraint(fields=["category", "label"], name="one_sla_version_label"),
        ]

    def __str__(self) -> str:
        return f"{self.category} SLA {self.label}"
