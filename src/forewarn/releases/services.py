"""The operations on products and versions; the console and the API call these, nothing else.

Each is one transaction that checks the caller's role (a communicator publishes; a viewer
only reads), validates (bad input raises ``ValidationError`` naming the field and changes
nothing), changes the rows, records the fact (``record.kinds.Kind.PRODUCT_*`` /
``VERSION_*``), queues the notices (``notices``) and marks the public page changed.

A major version comes with planned work of type ``major-version`` and an API change with
planned work of type ``api-change``, drafted and published through planned work's own
services: the policy check blocks them (15 calendar days, 15 working days) like any other
planned work, and the whole version is refused with it.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from forewarn import limits
from forewarn.catalog.models import Component, Organization, ProductCategory, Role
from forewarn.delivery.models import Channel, Subscriber
from forewarn.planned import guards as planned_guards
from forewarn.planned import progress as planned_progress
from forewarn.planned import services as planned
from forewarn.planned.lifecycle import PlannedState
from forewarn.planned.models import PlannedWork
from forewarn.policies.models import Policy, WorkType
from forewarn.record.kinds import Kind
from forewarn.statuspage.version import page_changed

from . import notes, notices, numbering, queries, sunset
from .models import Announcement, Deprecation, Product, SlaVersion, Topic, Version
from .numbering import ReleaseKind, State

PUBLISH = Role.COMMUNICATOR  # define products, plan, publish and withdraw versions
READ = Role.VIEWER
MAJOR_WORK_TYPE = "major-version"
API_WORK_TYPE = "api-change"
DEFAULT_POLICY = "seed-002"
ADVISORIES = 50


def _allow(role: str | None, what: str) -> None:
    planned_guards.allow(role, PUBLISH, what)


def _instant(field: str, value) -> datetime:
    return planned_guards.instant(field, value)


def _urls(field: str, values: Iterable[str]) -> list[str]:
    found = []
    for url in values or ():
        url = str(url).strip()
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise ValidationError({field: f"{url!r} is not an http(s) URL."}) from None
        if len(url) > limits.URL:
            raise ValidationError({field: f"At most {limits.URL} characters per URL."})
        found.append(url)
    return found


# Products ---------------------------------------------------------------------------------------


@transaction.atomic
def save_product(
    product: Product | None = None,
    *,
    actor: str,
    role: str | None,
    slug: str | None = None,
    name: str | None = None,
    description: str | None = None,
    is_public: bool | None = None,
    organizations: Iterable[Organization] | None = None,
    plans: Iterable[str] | None = None,
    components: Iterable[Component] | None = None,
    policy: Policy | None = None,
    subscribers: Iterable[Subscriber] | None = None,
    chat_webhooks: Iterable[str] | None = None,
) -> Product:
    """Add a product (``product`` None) or change the fields given."""
    _allow(role, "define products")
    creating = product is None
    if creating:
        product = Product(created_at=timezone.now())
        product.slug = planned_guards.required("slug", slug, "a slug", limits.SLUG)
        try:
            validate_slug(product.slug)
        except ValidationError:
            raise ValidationError(
                {"slug": "Use letters, digits, hyphens and underscores only."}
            ) from None
        if Product.objects.filter(slug=product.slug).exists():
            raise ValidationError({"slug": f"A product {product.slug!r} exists already."})
        product.policy = policy or Policy.objects.filter(slug=DEFAULT_POLICY).first()
    else:
        product = Product.objects.select_for_update().get(pk=product.pk)
        if policy is not None:
            product.policy = policy
    if name is not None or creating:
        product.name = planned_guards.required("name", name, "a name", limits.NAME)
    if description is not None:
        product.description = planned_guards.bounded("description", description)
    if is_public is not None:
        product.is_public = bool(is_public)
    if plans is not None:
        plans = [str(p).strip() for p in plans if str(p).strip()]
        if any(len(p) > 100 for p in plans) or len(plans) > 100:
            raise ValidationError({"plans": "At most 100 plan names of 100 characters."})
        product.plans = plans
    if chat_webhooks is not None:
        product.chat_webhooks = _urls("chat_webhooks", chat_webhooks)
    if product.policy is not None:
        missing = {MAJOR_WORK_TYPE, API_WORK_TYPE} - set(
            product.policy.work_types.values_list("slug", flat=True)
        )
        if missing:
            raise ValidationError(
                {
                    "policy": f"Policy {product.policy.slug} has no work type "
                    f"{' or '.join(sorted(missing))}; major versions and API changes are "
                    "planned under it."
                }
            )
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        raise ValidationError({"slug": f"A product {product.slug!r} exists already."}) from None
    if organizations is not None:
        product.organizations.set(list(organizations))
    if components is not None:
        product.components.set(list(components))
    if subscribers is not None:
        chosen = list(subscribers)
        wrong = [s.address for s in chosen if s.channel == Channel.WEBHOOK]
        if wrong:
            raise ValidationError(
                {"subscribers": f"Release notes go by email or chat, not to webhook {wrong[0]}."}
            )
        product.subscribers.set(chosen)
    product.record(
        Kind.PRODUCT_SAVED,
        actor=actor,
        description=f"{'added' if creating else 'changed'}: {product.name}.",
        details=product_json(product),
    )
    page_changed()
    return product


def product_json(product: Product) -> dict:
    return {
        "slug": product.slug,
        "name": product.name,
        "is_public": product.is_public,
        "policy": product.policy.slug if product.policy_id else None,
        "organizations": sorted(product.organizations.values_list("slug", flat=True)),
        "plans": list(product.plans),
        "components": sorted(product.components.values_list("slug", flat=True)),
        "subscribers": product.subscribers.count(),
        "chat_webhooks": len(product.chat_webhooks),
    }


# Versions ---------------------------------------------------------------------------------------


def _number(product: Product, text: str) -> numbering.Number:
    try:
        return numbering.parse(text)
    except numbering.VersionError as error:
        raise ValidationError({"number": str(error)}) from None


def previous_of(product: Product, number: numbering.Number) -> numbering.Number | None:
    """The highest major or minor version of ``product`` below ``number`` (withdrawn ones
    do not count)."""
    found = [
        numbering.Number(major, minor)
        for major, minor in Version.objects.filter(product=product, hotfix=0)
        .exclude(state=State.WITHDRAWN)
        .values_list("major", "minor")
    ]
    below = [n for n in found if n < numbering.Number(number.major, number.minor)]
    return max(below) if below else None


def _notes(value: Mapping[str, str] | None) -> dict[str, str]:
    try:
        return notes.clean(value)
    except notes.NotesError as error:
        raise ValidationError({"notes": f"{error.section}: {error}"}) from None


def _kind(kind: str | None, parsed: numbering.Number, computed: ReleaseKind) -> ReleaseKind:
    """The kind given (checked against the number), else the one computed."""
    if not kind:
        return computed
    try:
        chosen = ReleaseKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in ReleaseKind)
        raise ValidationError({"kind": f"{kind!r} is not a kind; use one of {known}."}) from None
    if (chosen is ReleaseKind.HOTFIX) != parsed.is_hotfix:
        raise ValidationError({"kind": "A hotfix has a number N.NN.N, and only a hotfix has one."})
    return chosen


def _advisories(values: Iterable[str]) -> list[str]:
    found = [str(v).strip() for v in values or () if str(v).strip()]
    if len(found) > ADVISORIES or any(len(v) > 100 for v in found):
        raise ValidationError({"advisories": f"At most {ADVISORIES} ids of 100 characters."})
    return list(dict.fromkeys(found))


def _documentation(values) -> list[dict]:
    found = []
    for n, page in enumerate(values or (), 1):
        if not isinstance(page, Mapping) or set(page) - {"title", "url"}:
            raise ValidationError({"documentation": f'Page {n}: give {{"title": …, "url": …}}.'})
        title = planned_guards.required(
            "documentation", str(page.get("title", "")), f"page {n} a title", limits.NAME
        )
        (url,) = _urls("documentation", [page.get("url", "")])
        found.append({"title": title, "url": url})
    if len(found) > limits.RANGES:
        raise ValidationError({"documentation": f"At most {limits.RANGES} pages."})
    return found


def _work_type(product: Product, slug: str) -> WorkType:
    policy = product.policy
    found = policy.work_types.filter(slug=slug).first() if policy is not None else None
    if found is None:
        raise ValidationError(
            {
                "policy": f"Product {product.slug} needs a notice policy with work type {slug} "
                "to plan this version."
            }
        )
    return found


def _plan_work(
    version: Version, slug: str, title: str, *, actor: str, role: str | None
) -> PlannedWork:
    """Draft and publish the planned work a major version or API change comes with."""
    product = version.product
    work_type = _work_type(product, slug)
    words = notices.about(version)
    work = planned.create_draft(
        actor=actor,
        role=role,
        title=title,
        policy=product.policy,
        work_type=work_type,
        start=version.release_at,
        components={c: "under_maintenance" for c in product.components.all()},
        description=notes.planned_description(words),
        impact_text=f"{product.name} moves to {version.number}.",
    )
    try:
        work = planned.publish(work, actor=actor, role=role)
    except ValidationError as error:
        # The policy check refused the window: name the field the caller gave.
        messages = [m for ms in error.message_dict.values() for m in ms]
        raise ValidationError(
            {"release_at": [f"{work_type.name}: {m}" for m in messages]}
        ) from None
    notices.announce(version, work, actor=actor)
    return work


@transaction.atomic
def plan_version(
    product: Product,
    *,
    actor: str,
    role: str | None,
    number: str,
    release_at: datetime,
    kind: str | None = None,
    title: str = "",
    notes: Mapping[str, str] | None = None,
    security: bool = False,
    advisories: Iterable[str] = (),
    documentation: Iterable[Mapping] = (),
    organization: Organization | None = None,
    api_change: bool = False,
    deprecations: Iterable[Mapping] = (),
) -> Version:
    """Plan a version: its number fits seed 002's scheme, its kind follows from the previous
    version unless given. A major version and an API change are published as planned work
    at once, under the product's policy: too little notice refuses the whole version."""
    _allow(role, "plan a version")
    product = Product.objects.select_for_update().get(pk=product.pk)
    parsed = _number(product, number)
    if Version.objects.filter(product=product, number=str(parsed)).exists():
        raise ValidationError({"number": f"{product.name} has a version {parsed} already."})
    if (
        parsed.is_hotfix
        and not Version.objects.filter(
            product=product, major=parsed.major, minor=parsed.minor, hotfix=0
        ).exists()
    ):
        raise ValidationError(
            {
                "number": f"{parsed} is a hotfix of {parsed.major}.{parsed.minor:02d}, which "
                f"{product.name} does not have."
            }
        )
    computed = numbering.kind_after(previous_of(product, parsed), parsed)
    chosen = _kind(kind, parsed, computed)
    if organization is not None:
        if chosen is not ReleaseKind.HOTFIX:
            raise ValidationError({"organization": "Only a hotfix is made for one client."})
        if not queries.uses(product, organization):
            raise ValidationError(
                {"organization": f"{organization.name} does not use {product.name}."}
            )
    version = Version(
        product=product,
        number=str(parsed),
        major=parsed.major,
        minor=parsed.minor,
        hotfix=parsed.hotfix,
        kind=chosen,
        kind_overridden=chosen is not computed,
        release_at=_instant("release_at", release_at),
        title=planned_guards.bounded("title", title, limits.NAME),
        notes=_notes(notes),
        security=bool(security),
        advisories=_advisories(advisories),
        documentation=_documentation(documentation),
        organization=organization,
        api_change=bool(api_change),
        created_by=actor,
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        raise ValidationError(
            {"number": f"{product.name} has a version {parsed} already."}
        ) from None
    if chosen is ReleaseKind.MAJOR:
        version.planned_work = _plan_work(
            version,
            MAJOR_WORK_TYPE,
            f"{product.name} {version.number}: major version update",
            actor=actor,
            role=role,
        )
    if version.api_change:
        version.api_work = _plan_work(
            version,
            API_WORK_TYPE,
            f"{product.name} {version.number}: API change",
            actor=actor,
            role=role,
        )
    version.save()
    for item in deprecations or ():
        _deprecate(version, actor=actor, **_deprecation_fields(item))
    version.record(
        Kind.VERSION_PLANNED,
        actor=actor,
        description=f"planned: {product.name} {version.number} ({version.kind}), release "
        f"{version.release_at.isoformat()}.",
        details={
            "product": product.slug,
            "number": version.number,
            "kind": version.kind,
            "computed_kind": computed.value,
            "release_at": version.release_at.isoformat(),
            "security": version.security,
            "organization": organization.slug if organization else None,
            "api_change": version.api_change,
            "planned_work": version.planned_work_id,
            "api_work": version.api_work_id,
        },
    )
    page_changed()
    return version


@transaction.atomic
def import_version(
    product: Product,
    *,
    actor: str,
    role: str | None,
    number: str,
    released_at: datetime,
    kind: str | None = None,
    title: str = "",
    notes: Mapping[str, str] | None = None,
    security: bool = False,
    advisories: Iterable[str] = (),
    documentation: Iterable[Mapping] = (),
    organization: Organization | None = None,
) -> Version:
    """Add a version released before Forewarn kept the product's history (its notes for What's
    new): released in the past, so nobody is told and no planned work is made."""
    _allow(role, "import a version")
    released_at = _instant("released_at", released_at)
    now = timezone.now()
    if released_at > now:
        raise ValidationError({"released_at": "An imported version was released in the past."})
    product = Product.objects.select_for_update().get(pk=product.pk)
    parsed = _number(product, number)
    if Version.objects.filter(product=product, number=str(parsed)).exists():
        raise ValidationError({"number": f"{product.name} has a version {parsed} already."})
    computed = numbering.kind_after(previous_of(product, parsed), parsed)
    chosen = _kind(kind, parsed, computed)
    if organization is not None and chosen is not ReleaseKind.HOTFIX:
        raise ValidationError({"organization": "Only a hotfix is made for one client."})
    version = Version.objects.create(
        product=product,
        number=str(parsed),
        major=parsed.major,
        minor=parsed.minor,
        hotfix=parsed.hotfix,
        kind=chosen,
        kind_overridden=chosen is not computed,
        state=State.RELEASED,
        release_at=released_at,
        released_at=released_at,
        title=planned_guards.bounded("title", title, limits.NAME),
        notes=_notes(notes),
        security=bool(security),
        advisories=_advisories(advisories),
        documentation=_documentation(documentation),
        organization=organization,
        created_by=actor,
        created_at=now,
    )
    version.record(
        Kind.VERSION_IMPORTED,
        actor=actor,
        description=f"imported: {product.name} {version.number}, released "
        f"{released_at.isoformat()}.",
        details={
            "product": product.slug,
            "number": version.number,
            "kind": version.kind,
            "released_at": released_at.isoformat(),
        },
    )
    page_changed()
    return version


def _locked(version: Version) -> Version:
    return (
        Version.objects.select_for_update(of=("self",))
        .select_related("product", "organization")
        .get(pk=version.pk)
    )


@transaction.atomic
def change_version(
    version: Version,
    *,
    actor: str,
    role: str | None,
    title: str | None = None,
    notes: Mapping[str, str] | None = None,
    security: bool | None = None,
    advisories: Iterable[str] | None = None,
    documentation: Iterable[Mapping] | None = None,
) -> Version:
    """Change a version's notes, security flag, advisories or documentation pages; the
    planned work it comes with carries the new notes."""
    _allow(role, "change release notes")
    version = _locked(version)
    if version.state == State.WITHDRAWN:
        raise ValidationError({"state": "A withdrawn version does not change."})
    changed = {}
    values = {
        "title": None if title is None else planned_guards.bounded("title", title, limits.NAME),
        "notes": None if notes is None else _notes(notes),
        "security": None if security is None else bool(security),
        "advisories": None if advisories is None else _advisories(advisories),
        "documentation": None if documentation is None else _documentation(documentation),
    }
    for field, value in values.items():
        if value is not None and getattr(version, field) != value:
            changed[field] = value
            setattr(version, field, value)
    if not changed:
        return version
    version.save()
    if "notes" in changed:
        description = notes_description(version)
        for work in (version.planned_work, version.api_work):
            if work is not None and not PlannedState(work.state).is_final:
                planned.update(work, actor=actor, role=role, description=description)
    version.record(
        Kind.VERSION_CHANGED,
        actor=actor,
        description="changed " + ", ".join(changed) + ".",
        details={"changed": sorted(changed)},
    )
    page_changed()
    return version


def notes_description(version: Version) -> str:
    return notes.planned_description(notices.about(version))


@transaction.atomic
def release(version: Version, *, actor: str, role: str | None) -> Version:
    """The version is released: the notes go public and the notices seed 002 promises go out
    now (minor: on release; hotfix or plugin: once done; major: on the day; security: at
    once by email and chat), once."""
    _allow(role, "release a version")
    version = _locked(version)
    _move(version, State.RELEASED)
    now = timezone.now()
    version.state = State.RELEASED
    version.released_at = now
    version.save()
    if version.planned_work_id is not None:  # the major version's work is released with it
        planned_progress.released_with_version(
            version.planned_work,
            actor=actor,
            now=now,
            version=f"{version.product.name} {version.number}",
        )
    queued = notices.tell(version, now=now, actor=actor)
    version.record(
        Kind.VERSION_RELEASED,
        actor=actor,
        description=f"released: {version.product.name} {version.number}; "
        f"{len(queued)} notice(s) queued.",
        details={
            "released_at": now.isoformat(),
            "kind": version.kind,
            "security": version.security,
            "notices": [n.key for n in queued],
            "organizations": notices.audience_of(version),
        },
    )
    page_changed()
    return version


@transaction.atomic
def withdraw(version: Version, *, actor: str, role: str | None, reason: str) -> Version:
    """Withdraw a version: planned, its planned work is cancelled (customers told of it hear
    so); released, those told of it hear it is withdrawn."""
    _allow(role, "withdraw a version")
    version = _locked(version)
    reason = planned_guards.required("reason", reason, "the reason", limits.SHORT_TEXT)
    was = State(version.state)
    _move(version, State.WITHDRAWN)
    now = timezone.now()
    version.state = State.WITHDRAWN
    version.withdrawn_at = now
    version.withdrawn_reason = reason
    version.save()
    cancelled = []
    for work in (version.planned_work, version.api_work):
        if work is not None and not PlannedState(work.state).is_final:
            planned.cancel(work, actor=actor, role=role, reason=f"version withdrawn: {reason}")
            cancelled.append(work.pk)
    queued = []
    if was is State.RELEASED:
        queued = notices.tell(version, now=now, actor=actor, step="withdrawn", reason=reason)
    elif version.notices.exists():  # announced: those the planned work did not tell hear
        skip = notices.planned_audience(version.planned_work) | notices.planned_audience(
            version.api_work
        )
        queued = notices.tell(
            version, now=now, actor=actor, step="withdrawn", reason=reason, skip=skip
        )
    version.record(
        Kind.VERSION_WITHDRAWN,
        actor=actor,
        description=f"withdrawn: {version.product.name} {version.number}: {reason}",
        details={
            "reason": reason,
            "was": was.value,
            "planned_work_cancelled": cancelled,
            "notices": [n.key for n in queued],
        },
    )
    page_changed()
    return version


def _move(version: Version, to: State) -> None:
    if not numbering.is_transition_allowed(State(version.state), to):
        raise ValidationError(
            {"state": f"A version that is {version.state} cannot become {to.value}."}
        )


# Deprecations -----------------------------------------------------------------------------------


def _deprecation_fields(item: Mapping) -> dict:
    allowed = {"subject", "replacement", "deprecated_at", "sunset_at", "link"}
    if not isinstance(item, Mapping) or set(item) - allowed:
        raise ValidationError(
            {"deprecations": f"Give {{{', '.join(sorted(allowed))}}} for each deprecation."}
        )
    return dict(item)


def _deprecate(
    version: Version,
    *,
    actor: str,
    subject: str,
    deprecated_at: datetime,
    sunset_at: datetime | None = None,
    replacement: str = "",
    link: str = "",
) -> Deprecation:
    if not version.api_change:
        raise ValidationError({"api_change": "Only an API change deprecates something."})
    subject = planned_guards.required("subject", subject, "what is deprecated", limits.SHORT_TEXT)
    deprecated_at = _instant("deprecated_at", deprecated_at)
    if sunset_at is not None:
        sunset_at = _instant("sunset_at", sunset_at)
    try:
        sunset.check(deprecated_at, sunset_at)
    except sunset.SunsetError as error:
        raise ValidationError({error.field: str(error)}) from None
    found = Deprecation.objects.create(
        version=version,
        subject=subject,
        replacement=planned_guards.bounded("replacement", replacement, limits.SHORT_TEXT),
        deprecated_at=deprecated_at,
        sunset_at=sunset_at,
        link=(_urls("link", [link])[0] if link else ""),
    )
    version.record(
        Kind.VERSION_DEPRECATION_ADDED,
        actor=actor,
        description=f"deprecates {subject}"
        + (f", sunset {sunset_at.isoformat()}." if sunset_at else "."),
        details={
            "subject": subject,
            "deprecated_at": deprecated_at.isoformat(),
            "sunset_at": sunset_at.isoformat() if sunset_at else None,
        },
    )
    return found


@transaction.atomic
def deprecate(version: Version, *, actor: str, role: str | None, **fields) -> Deprecation:
    """Record what an API change deprecates and its sunset date (published as JSON and as
    RFC 8594/9745 header values)."""
    _allow(role, "publish a deprecation")
    version = _locked(version)
    if version.state == State.WITHDRAWN:
        raise ValidationError({"state": "A withdrawn version deprecates nothing."})
    found = _deprecate(version, actor=actor, **_deprecation_fields(fields))
    page_changed()
    return found


# Announcements ----------------------------------------------------------------------------------


@transaction.atomic
def announce(
    *,
    actor: str,
    role: str | None,
    title: str,
    body: str,
    topic: str = Topic.OTHER,
    organizations: Iterable[Organization] = (),
    products: Iterable[Product] = (),
) -> Announcement:
    """Tell the authorized contacts of the chosen organizations, and of every organization
    using a chosen product, by email, once (seed 002: documentation, manuals, rates,
    integrations, policies and SLAs, new products; seed 004: updated documentation)."""
    _allow(role, "publish an announcement")
    title = planned_guards.required("title", title, "a title", limits.NAME)
    body = planned_guards.required("body", body, "the text", limits.TEXT)
    if topic not in Topic.values:
        raise ValidationError(
            {"topic": f"{topic!r} is not a topic; use one of {', '.join(Topic.values)}."}
        )
    organizations, products = list(organizations), list(products)
    told = {o.pk for o in organizations}
    for product in products:
        told |= set(queries.users(product).values_list("pk", flat=True))
    if not told:
        raise ValidationError(
            {"organizations": "Choose organizations, or products some organization uses."}
        )
    now = timezone.now()
    found = Announcement.objects.create(
        title=title,
        body=body,
        topic=topic,
        told=sorted(told),
        published_at=now,
        created_by=actor,
    )
    found.organizations.set(organizations)
    found.products.set(products)
    found.notice = notices.announce_general(found, now=now, actor=actor)
    found.save(update_fields=["notice"])
    found.record(
        Kind.ANNOUNCEMENT_PUBLISHED,
        actor=actor,
        description=f"“{title}” sent to {len(told)} organization(s).",
        details={
            "topic": topic,
            "organizations": sorted(o.slug for o in organizations),
            "products": sorted(p.slug for p in products),
            "told": sorted(told),
            "notice": found.notice.key,
        },
    )
    return found


# SLA versions -----------------------------------------------------------------------------------


@transaction.atomic
def publish_sla_version(
    category: ProductCategory,
    *,
    actor: str,
    role: str | None,
    label: str,
    target_pct,
    effective_from: datetime,
    summary: str,
) -> SlaVersion:
    """Publish a new version of a category's SLA from ``effective_from`` (now or later: a
    period already measured keeps its version) and tell the contacts of every organization
    using the category's components, once. Reports measure each period against the version
    in force when it began."""
    _allow(role, "publish an SLA version")
    label = planned_guards.required("label", label, "a label", 50)
    summary = planned_guards.required("summary", summary, "what changes")
    effective_from = _instant("effective_from", effective_from)
    now = timezone.now()
    if effective_from < now - timedelta(minutes=1):
        raise ValidationError(
            {"effective_from": "A new SLA version takes effect now or later, not in the past."}
        )
    try:
        target = Decimal(str(target_pct))
    except (InvalidOperation, ValueError):
        raise ValidationError({"target_pct": f"{target_pct!r} is not a percentage."}) from None
    if not Decimal(0) <= target <= Decimal(100) or target.as_tuple().exponent < -4:
        raise ValidationError(
            {"target_pct": "Give a percentage from 0 to 100, at most 4 decimals."}
        )
    clash = SlaVersion.objects.filter(category=category).filter(
        Q(label=label) | Q(effective_from=effective_from)
    )
    if clash.exists():
        raise ValidationError(
            {"label": f"{category.name} has a version {label} or one from that instant."}
        )
    version = SlaVersion.objects.create(
        category=category,
        label=label,
        target_pct=target,
        effective_from=effective_from,
        summary=summary,
        published_at=now,
        created_by=actor,
    )
    told = sorted(
        Organization.objects.filter(components__category=category)
        .distinct()
        .values_list("pk", flat=True)
    )
    if told:
        version.notice = notices.sla_published(version, told, now=now, actor=actor)
        version.save(update_fields=["notice"])
    version.record(
        Kind.SLA_VERSION_PUBLISHED,
        actor=actor,
        description=f"{category.name} SLA {label}: {target} % from {effective_from.isoformat()}.",
        details={
            "category": category.slug,
            "label": label,
            "target_pct": str(target),
            "effective_from": effective_from.isoformat(),
            "told": told,
        },
    )
    page_changed()
    return version
