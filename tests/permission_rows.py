"""The shape of the permission matrix's rows (``tests/test_permissions.py``).

Each domain lists what it expects in ``tests/<domain>/permissions.py``:

- ``API``: ``{"METHOD /api/v1/path": role}``, the lowest role that may call the operation
  (``SIGNED_IN``: any signed-in user, with or without a role; ``CONTACT``: an authorized
  contact's token only, which every staff caller is refused);
- ``CONSOLE``: ``{"app_label.model": Console(...)}``, one per registered ModelAdmin;
- ``PAGES`` (optional): ``{"namespace:url-name": Page(role)}``, one per console page outside
  the admins' own (a form under ``/console/<domain>/``, an admin's extra URL such as an export).

A new operation or admin without a row fails the matrix with the row to add.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from forewarn.catalog.models import Role

VIEWER, RESPONDER, COMMUNICATOR, ADMIN = Role.VIEWER, Role.RESPONDER, Role.COMMUNICATOR, Role.ADMIN
SIGNED_IN = "signed-in"
# Operations for authorized contacts' own tokens (``/api/v1/contact/``): no staff caller may.
CONTACT = "contact"


@dataclass(frozen=True)
class Console:
    """What each role may do with one ModelAdmin: the lowest role for each view (None: nobody).

    ``fields``: the fields a role below ``change`` may still change ({RESPONDER: {"status"}}).
    ``actions``: the lowest role for each admin action; Django's ``delete_selected`` follows
    ``delete`` and need not be listed. ``make`` builds one object for the change and delete
    pages (None: the admin has no object pages worth opening).
    """

    view: str | None = VIEWER
    add: str | None = None
    change: str | None = None
    delete: str | None = None
    fields: dict[str, frozenset[str]] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    make: Callable | None = None

    def expected_actions(self) -> dict[str, str]:
        found = dict(self.actions)
        if self.delete is not None:
            found.setdefault("delete_selected", self.delete)
        return found


@dataclass(frozen=True)
class Page:
    """The lowest role that may open a console page, and the URL's arguments."""

    role: str | None
    kwargs: dict[str, str] = field(default_factory=dict)
