"""Staff roles in the console: each role is a Django group holding the permissions it allows.

viewer: read everything; responder: also change component status (and later
incidents); communicator: also write what customers are told (notices,
planned work, releases); admin: everything in Forewarn, including staff.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import Role

FOREWARN_APPS = [
    "record",
    "calendars",
    "catalog",
    "policies",
    "delivery",
    "availability",
    "statuspage",
    "api",
    "incidents",
    "planned",
    "support",
    "releases",
]

# (app_label, model or "*", actions) a role adds to the role below it.
GRANTS = {
    Role.VIEWER: [(app, "*", ["view"]) for app in FOREWARN_APPS],
    Role.RESPONDER: [
        ("catalog", "component", ["change"]),
        ("incidents", "*", ["add", "change"]),
        ("support", "*", ["add", "change"]),
    ],
    Role.COMMUNICATOR: [
        ("delivery", "notice", ["add", "change"]),
        ("planned", "*", ["add", "change"]),
        ("releases", "*", ["add", "change"]),
    ],
    Role.ADMIN: [(app, "*", ["add", "change", "delete"]) for app in FOREWARN_APPS]
    + [("auth", "user", ["view", "add", "change"]), ("auth", "group", ["view"])],
}
ORDER = [Role.VIEWER, Role.RESPONDER, Role.COMMUNICATOR, Role.ADMIN]


def group_name(role: str) -> str:
    return f"forewarn {role}"


def permissions_for(role: str):
    query = Q(pk__in=[])
    for level in ORDER[: ORDER.index(role) + 1]:
        for app, model, actions in GRANTS[level]:
            for action in actions:
                condition = Q(content_type__app_label=app, codename__startswith=f"{action}_")
                if model != "*":
                    condition &= Q(content_type__model=model)
                query |= condition
    return Permission.objects.filter(query)


def sync_role_groups(**kwargs) -> None:
    """Create or refresh one group per role (run after every migrate)."""
    for role in ORDER:
        group, _ = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set(permissions_for(role))


def apply_role(profile) -> None:
    """Give the profile's user console access and exactly its role's group."""
    user = profile.user
    groups = {group_name(r) for r in ORDER}
    user.groups.remove(*Group.objects.filter(name__in=groups))
    group = Group.objects.filter(name=group_name(profile.role)).first()
    if group is None:
        sync_role_groups()
        group = Group.objects.get(name=group_name(profile.role))
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
