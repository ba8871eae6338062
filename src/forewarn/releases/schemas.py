"""The request and response shapes of releases in the JSON API; every input bounded."""

from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from forewarn import limits
from forewarn.api.fields import (
    Email,
    Instant,
    Name,
    ShortText,
    Slug,
    Slugs,
    Text,
    Url,
    bounded_list,
    one_of,
    percent,
)

from .models import Topic
from .notes import Section
from .numbering import ReleaseKind, State

Number = Annotated[str, Field(min_length=1, max_length=20, description="7.12, 7.05 or 7.12.3")]
Notes = Annotated[
    dict[one_of([s.value for s in Section]), Text],
    Field(description="Markdown per section: new, improved, fixed, security, breaking, api"),
]
Advisory = Annotated[str, Field(min_length=1, max_length=100)]


class ProductIn(Schema):
    slug: Slug
    name: Name
    description: Text = ""
    is_public: bool = True
    organizations: Slugs = Field(default_factory=list, description="organizations using it")
    plans: bounded_list(Name, 100) = Field(default_factory=list, description="plans using it")
    components: Slugs = Field(default_factory=list)
    policy: Slug | None = Field(None, description="notice policy; default seed-002")
    subscribers: bounded_list(Email, limits.ITEMS) = Field(
        default_factory=list, description="addresses of confirmed email or chat subscribers"
    )
    chat_webhooks: bounded_list(Url, 20) = Field(default_factory=list)


class ProductPatch(Schema):
    name: Name | None = None
    description: Text | None = None
    is_public: bool | None = None
    organizations: Slugs | None = None
    plans: bounded_list(Name, 100) | None = None
    components: Slugs | None = None
    policy: Slug | None = None
    subscribers: bounded_list(Email, limits.ITEMS) | None = None
    chat_webhooks: bounded_list(Url, 20) | None = None


class ProductOut(Schema):
    slug: str
    name: str
    description: str
    is_public: bool
    organizations: list[str]
    plans: list[str]
    components: list[str]
    policy: str | None
    subscribers: int
    chat_webhooks: int


class PageIn(Schema):
    title: Name
    url: Url


class DeprecationIn(Schema):
    subject: ShortText
    replacement: ShortText = ""
    deprecated_at: Instant
    sunset_at: Instant | None = None
    link: Url = ""


class VersionIn(Schema):
    number: Number
    release_at: Instant
    kind: one_of([k.value for k in ReleaseKind]) | None = Field(
        None, description="computed from the previous version when omitted"
    )
    title: Name | None = None
    notes: Notes = Field(default_factory=dict)
    security: bool = False
    advisories: bounded_list(Advisory, 50) = Field(default_factory=list)
    documentation: bounded_list(PageIn, 100) = Field(default_factory=list)
    organization: Slug | None = Field(None, description="a hotfix made for this client alone")
    api_change: bool = False
    deprecations: bounded_list(DeprecationIn, 100) = Field(default_factory=list)


class VersionImportIn(Schema):
    number: Number
    released_at: Instant
    kind: one_of([k.value for k in ReleaseKind]) | None = None
    title: Name | None = None
    notes: Notes = Field(default_factory=dict)
    security: bool = False
    advisories: bounded_list(Advisory, 50) = Field(default_factory=list)
    documentation: bounded_list(PageIn, 100) = Field(default_factory=list)
    organization: Slug | None = None


class VersionPatch(Schema):
    title: Name | None = None
    notes: Notes | None = None
    security: bool | None = None
    advisories: bounded_list(Advisory, 50) | None = None
    documentation: bounded_list(PageIn, 100) | None = None


class WithdrawIn(Schema):
    reason: ShortText


class VersionQuery(Schema):
    product: Slug | None = None
    state: one_of([s.value for s in State]) | None = None


class DeliveryOut(Schema):
    channel: str
    address: str
    organization: str | None
    status: str
    sent_at: str | None


class NoticeOut(Schema):
    key: str
    kind: str
    subject: str
    due_at: str
    fanned_out_at: str | None
    deliveries: list[DeliveryOut]


class VersionOut(Schema):
    id: int
    product: str
    number: str
    kind: str
    kind_overridden: bool
    state: str
    title: str
    release_at: str
    released_at: str | None
    withdrawn_at: str | None
    withdrawn_reason: str
    security: bool
    advisories: list[str]
    documentation: list[dict]
    organization: str | None
    api_change: bool
    planned_work: int | None
    api_work: int | None
    notes: dict
    deprecations: list[dict]
    url: str
    notices: list[NoticeOut] = Field(description="who was told, and when")


class AnnouncementIn(Schema):
    title: Name
    body: Text = Field(description="Markdown")
    topic: one_of([t for t in Topic.values]) = "other"
    organizations: Slugs = Field(default_factory=list)
    products: Slugs = Field(default_factory=list, description="their users are told")


class AnnouncementOut(Schema):
    id: int
    title: str
    body: str
    topic: str
    organizations: list[str]
    products: list[str]
    told: list[str] = Field(description="the organizations told")
    published_at: str
    notice: str | None


class SlaVersionIn(Schema):
    category: Slug
    label: Annotated[str, Field(min_length=1, max_length=50)]
    target_pct: percent(0, 100)
    effective_from: Instant
    summary: Text = Field(description="what changes, Markdown")


class SlaVersionOut(Schema):
    id: int
    category: str
    label: str
    target_pct: Decimal
    effective_from: str
    summary: str
    published_at: str
    notice: str | None
