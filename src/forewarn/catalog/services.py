"""Operations that change the catalog: each is one transaction that validates, saves, writes
the record and, when the public page shows what changed, marks the page changed.

The console (``admin.py``) and the API (``api.py``, ``api_contracts.py``) write catalog rows
only through these. Bad input raises ValidationError naming the field and writes nothing;
saving what is already stored records nothing. The public page shows components and groups
(and measures components by their category's partial-outage weight), so those changes call
``page_changed()``; regions, organizations and contacts are not on it.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from forewarn.delivery import component_updates
from forewarn.record.kinds import Kind
from forewarn.record.services import append
from forewarn.statuspage.version import page_changed

from . import instants, snapshots
from .models import (
    AuthorizedContact,
    Component,
    ComponentGroup,
    ComponentStatus,
    Organization,
    ProductCategory,
    Region,
    StatusInterval,
)

# What an operator edits, and every change records (the status has its own service).
COMPONENT_FIELDS = (
    "slug",
    "name",
    "description",
    "group",
    "position",
    "category",
    "region",
    "visibility",
    "is_beta",
    "is_third_party",
    "third_party_target_pct",
    "third_party_period",
    "restore_objective",
    "third_party_honoured_reasons",
    "min_available_members",
)
GROUP_FIELDS = ("name", "description", "position", "visibility")
CATEGORY_FIELDS = ("slug", "name", "target_pct", "period", "time_zone", "partial_outage_weight")
REGION_FIELDS = ("slug", "name", "time_zone", "peak_hours", "calendar")
ORGANIZATION_FIELDS = ("slug", "name", "plan", "licences", "region", "success_manager")
CONTACT_FIELDS = (
    "organization",
    "name",
    "email",
    "phone",
    "time_zone",
    "receives_notices",
    "may_open_requests",
    "is_active",
)
COMPONENT_KINDS = (Kind.COMPONENT_CREATED, Kind.COMPONENT_CHANGED)
GROUP_KINDS = (Kind.COMPONENT_GROUP_CREATED, Kind.COMPONENT_GROUP_CHANGED)
CATEGORY_KINDS = (Kind.CATEGORY_CREATED, Kind.CATEGORY_CHANGED)
REGION_KINDS = (Kind.REGION_CREATED, Kind.REGION_CHANGED)
ORGANIZATION_KINDS = (Kind.ORGANIZATION_CREATED, Kind.ORGANIZATION_CHANGED)
CONTACT_KINDS = (Kind.CONTACT_CREATED, Kind.CONTACT_CHANGED)
# The uptime bars count a partial-outage minute by its category's weight.
CATEGORY_FIELDS_ON_PAGE = ("partial_outage_weight",)


def time_rules() -> instants.TimeRules:
    """The clock skew, backdating grace and limit of the settings (``FOREWARN_CLOCK_SKEW_SECONDS``…)."""
    return instants.TimeRules(
        skew=timedelta(seconds=settings.FOREWARN_CLOCK_SKEW_SECONDS),
        grace=timedelta(seconds=settings.FOREWARN_BACKDATE_GRACE_SECONDS),
        limit=timedelta(hours=settings.FOREWARN_BACKDATE_LIMIT_HOURS),
    )


def _claim(current, at, entered_at, backdate_reason) -> instants.Claim:
    try:
        return instants.claimed_instant(
            at,
            entered_at,
            time_rules(),
            backdate_reason,
            not_before=current.started_at if current is not None else None,
        )
    except instants.InstantError as error:
        raise ValidationError({error.field: str(error)}) from None


def _check_status(status: str) -> None:
    if status not in ComponentStatus.values:
        raise ValidationError(
            {
                "status": f"'{status}' is not a component status; use one of: {', '.join(ComponentStatus.values)}."
            }
        )


def check_status_change(
    component: Component, status: str, *, at: datetime | None = None, backdate_reason: str = ""
) -> None:
    """Raise the ValidationError ``set_status`` would, without changing anything (for forms)."""
    _check_status(status)
    current = component.status_history.filter(ended_at__isnull=True).first()
    if component.status != status or current is None:
        _claim(current, at, timezone.now(), backdate_reason)


def set_status(
    component: Component,
    status: str,
    *,
    cause: str = "",
    cause_ref: str = "",
    actor: str = "system",
    at: datetime | None = None,
    backdate_reason: str = "",
) -> Component:
    """Move a component to ``status``: close its open history interval and open a new one.

    ``at`` is when the change happened (default: now). The change keeps the instant it was
    entered (the clock) beside it; ``at`` up to the clock skew ahead is taken as now, later is
    refused; more than the backdating grace before now needs ``backdate_reason`` (a job
    catching up passes its own) and is refused beyond the backdating limit
    (``catalog.instants``). Setting the status it already has changes nothing and records
    nothing.
    """
    _check_status(status)
    with transaction.atomic():
        locked = Component.objects.select_for_update().get(pk=component.pk)
        current = locked.status_history.filter(ended_at__isnull=True).first()
        if locked.status == status and current is not None:
            return locked
        claim = _claim(current, at, timezone.now(), backdate_reason)
        if current is not None:
            current.ended_at = claim.at
            current.save(update_fields=["ended_at"])
        opened = StatusInterval.objects.create(
            component=locked,
            status=status,
            started_at=claim.at,
            cause=cause,
            cause_ref=cause_ref,
            actor=actor,
            entered_at=claim.entered_at,
            backdate_reason=claim.backdate_reason,
        )
        previous = locked.status
        locked.status = status
        locked.status_changed_at = claim.at
        locked.save(update_fields=["status", "status_changed_at", "updated_at"])
        details = {"from": previous, "to": status, "cause": cause, "cause_ref": cause_ref}
        description = f"{locked.name}: {previous} → {status}" + (f" ({cause})" if cause else "")
        if claim.backdate_reason:
            seconds = int(claim.backdated_by.total_seconds())
            details["backdated"] = {"by_seconds": seconds, "reason": claim.backdate_reason}
            description += f"; dated {seconds} s before it was entered: {claim.backdate_reason}"
        append(
            Kind.COMPONENT_STATUS_CHANGED,
            subject=locked,
            actor=actor,
            description=description,
            details=details,
            at=claim.at,
            entered_at=claim.entered_at,
        )
        component_updates.announce(locked, opened, previous, actor=actor)
        page_changed()
    component.status = locked.status
    component.status_changed_at = locked.status_changed_at
    return locked


def ensure_history(component: Component, at: datetime | None = None) -> None:
    """Give a component without history an open interval in its current status."""
    if not component.status_history.exists():
        StatusInterval.objects.create(
            component=component,
            status=component.status,
            started_at=at or component.created_at or timezone.now(),
            cause="created",
        )


def components_by_slug(
    slugs: Iterable[str], *, field: str = "components", queryset: QuerySet | None = None
) -> list[Component]:
    """The components named by ``slugs``, in that order, from ``queryset`` (default: all).

    A ValidationError on ``field`` names every slug that does not exist.
    """
    slugs = list(dict.fromkeys(slugs))
    rows = Component.objects.all() if queryset is None else queryset
    found = {c.slug: c for c in rows.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ValidationError({field: f"No component with slug {', '.join(missing)}."})
    return [found[slug] for slug in slugs]


# --- components and groups: on the public page ------------------------------------------------


def check_members(component: Component, members: Iterable[Component], k: int | None) -> None:
    """The redundancy rules that need the members: a component is not its own member, and it
    is measured through at least K of them (seed 001: K = 1, "at least one trunk")."""
    members = list(members)
    if component.pk is not None and any(m.pk == component.pk for m in members):
        raise ValidationError({"members": "A component cannot be its own member."})
    if k and not members:
        raise ValidationError(
            {
                "min_available_members": f"K = {k} needs members: choose at least {k} components "
                "this one is measured through, or leave K empty."
            }
        )
    if k and k > len(members):
        raise ValidationError(
            {
                "min_available_members": f"K = {k} but the component has only {len(members)} "
                f"member{'' if len(members) == 1 else 's'}."
            }
        )


@transaction.atomic
def save_component(
    component: Component,
    *,
    members: Iterable[Component] | None = None,
    visible_to: Iterable[Organization] | None = None,
    actor: str,
    contact: str = "",
) -> Component:
    """Create or change a component with its ``members`` and the organizations it is
    ``visible_to`` (None: keep them). A new one starts its history in its status; an existing
    one keeps its stored status, which only ``set_status`` changes."""
    created = component.pk is None
    if not created:
        stored = Component.objects.select_for_update().get(pk=component.pk)
        component.status, component.status_changed_at = stored.status, stored.status_changed_at
    component.full_clean()
    diff, related = snapshots.compare(
        component, COMPONENT_FIELDS, members=members, visible_to=visible_to
    )
    check_members(component, related["members"], component.min_available_members)
    if not created and not diff:
        return component
    component.save()
    snapshots.set_related(component, related, members=members, visible_to=visible_to)
    if created:
        ensure_history(component)
    snapshots.record_saved(
        component, diff, created=created, kinds=COMPONENT_KINDS, actor=actor, contact=contact
    )
    page_changed()
    return component


@transaction.atomic
def save_group(group: ComponentGroup, *, actor: str, contact: str = "") -> ComponentGroup:
    """Create or change a component group."""
    created = group.pk is None
    group.full_clean()
    diff, _ = snapshots.compare(group, GROUP_FIELDS)
    if created or diff:
        group.save()
        snapshots.record_saved(
            group, diff, created=created, kinds=GROUP_KINDS, actor=actor, contact=contact
        )
        page_changed()
    return group


@transaction.atomic
def delete_group(group: ComponentGroup, *, actor: str, contact: str = "") -> None:
    """Remove a group; its components stay, outside any group."""
    named = list(group.components.order_by("name").values_list("slug", flat=True))
    snapshots.record_deletion(
        group,
        GROUP_FIELDS,
        Kind.COMPONENT_GROUP_DELETED,
        actor=actor,
        contact=contact,
        components=named,
    )
    group.delete()
    page_changed()


# --- what contracts are made of -------------------------------------------------------------


@transaction.atomic
def save_category(category: ProductCategory, *, actor: str, contact: str = "") -> ProductCategory:
    """Create or change a product category."""
    created = category.pk is None
    category.full_clean()
    diff, _ = snapshots.compare(category, CATEGORY_FIELDS)
    if created or diff:
        category.save()
        snapshots.record_saved(
            category, diff, created=created, kinds=CATEGORY_KINDS, actor=actor, contact=contact
        )
        if not created and set(diff) & set(CATEGORY_FIELDS_ON_PAGE):
            page_changed()
    return category


@transaction.atomic
def delete_category(category: ProductCategory, *, actor: str, contact: str = "") -> None:
    """Remove a category; its components stay, without one."""
    named = list(category.components.order_by("name").values_list("slug", flat=True))
    snapshots.record_deletion(
        category,
        CATEGORY_FIELDS,
        Kind.CATEGORY_DELETED,
        actor=actor,
        contact=contact,
        components=named,
    )
    category.delete()
    if named:
        page_changed()


@transaction.atomic
def save_region(region: Region, *, actor: str, contact: str = "") -> Region:
    """Create or change a region (its peak hours are read by ``catalog.peak_hours``)."""
    created = region.pk is None
    region.full_clean()
    diff, _ = snapshots.compare(region, REGION_FIELDS)
    if created or diff:
        region.save()
        snapshots.record_saved(
            region, diff, created=created, kinds=REGION_KINDS, actor=actor, contact=contact
        )
    return region


@transaction.atomic
def delete_region(region: Region, *, actor: str, contact: str = "") -> None:
    """Remove a region; its components and organizations stay, without one."""
    named = list(region.components.order_by("name").values_list("slug", flat=True))
    snapshots.record_deletion(
        region, REGION_FIELDS, Kind.REGION_DELETED, actor=actor, contact=contact, components=named
    )
    region.delete()


@transaction.atomic
def save_organization(
    organization: Organization,
    *,
    components: Iterable[Component] | None = None,
    actor: str,
    contact: str = "",
) -> Organization:
    """Create or change a client organization and the ``components`` it uses (None: keep them)."""
    created = organization.pk is None
    organization.full_clean()
    diff, related = snapshots.compare(organization, ORGANIZATION_FIELDS, components=components)
    if created or diff:
        organization.save()
        snapshots.set_related(organization, related, components=components)
        snapshots.record_saved(
            organization,
            diff,
            created=created,
            kinds=ORGANIZATION_KINDS,
            actor=actor,
            contact=contact,
        )
    return organization


@transaction.atomic
def delete_organization(organization: Organization, *, actor: str, contact: str = "") -> None:
    """Remove an organization and its authorized contacts (each contact's removal recorded)."""
    for person in organization.contacts.all():
        delete_contact(person, actor=actor)
    snapshots.record_deletion(
        organization, ORGANIZATION_FIELDS, Kind.ORGANIZATION_DELETED, actor=actor, contact=contact
    )
    organization.delete()


@transaction.atomic
def save_contact(contact: AuthorizedContact, *, actor: str) -> AuthorizedContact:
    """Create or change an authorized contact; the record names the contact by email."""
    created = contact.pk is None
    contact.full_clean()
    diff, _ = snapshots.compare(contact, CONTACT_FIELDS)
    if created or diff:
        contact.save()
        snapshots.record_saved(
            contact, diff, created=created, kinds=CONTACT_KINDS, actor=actor, contact=contact.email
        )
    return contact


@transaction.atomic
def delete_contact(contact: AuthorizedContact, *, actor: str) -> None:
    """Remove an authorized contact; the record keeps who it was."""
    snapshots.record_deletion(
        contact, CONTACT_FIELDS, Kind.CONTACT_DELETED, actor=actor, contact=contact.email
    )
    contact.delete()
