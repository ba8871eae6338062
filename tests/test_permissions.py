"""One permission model, held as a matrix: every API operation and every console admin (its
list, add, change and delete pages, the fields each role may change, its actions), for each
role and for callers without one, against the rows each domain expects.

The rows live beside each domain's tests, in ``tests/<domain>/permissions.py`` (see
``tests/permission_rows.py``). An operation in the OpenAPI document or an admin in the console
without a row fails ``test_every_*_has_a_row`` with the line to add.
"""

import importlib
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from forewarn.api.models import ApiToken
from forewarn.api.v1 import api
from forewarn.catalog.models import ROLE_ORDER
from forewarn.portal.api import STAFF_REFUSAL as CONTACT_ONLY
from tests.conftest import make_staff
from tests.permission_rows import CONTACT, SIGNED_IN, Console, Page


def _rows() -> tuple[dict[str, str], dict[str, Console], dict[str, Page]]:
    api_rows, console_rows, page_rows = {}, {}, {}
    for found in sorted(Path(__file__).parent.glob("*/permissions.py")):
        module = importlib.import_module(f"tests.{found.parent.name}.permissions")
        for rows, theirs in (
            (api_rows, module.API),
            (console_rows, module.CONSOLE),
            (page_rows, getattr(module, "PAGES", {})),
        ):
            twice = set(rows) & set(theirs)
            assert not twice, f"{found}: rows given twice: {sorted(twice)}"
            rows.update(theirs)
    return api_rows, console_rows, page_rows


API_ROWS, CONSOLE_ROWS, PAGE_ROWS = _rows()
ANONYMOUS, NO_ROLE = "anonymous", "staff without a role"
CALLERS = [ANONYMOUS, NO_ROLE, *ROLE_ORDER]


def allows(caller: str, needed: str | None) -> bool:
    if needed is None or needed == CONTACT or caller == ANONYMOUS:
        return False
    if needed == SIGNED_IN:
        return True
    return caller != NO_ROLE and ROLE_ORDER.index(caller) >= ROLE_ORDER.index(needed)


def _user(caller: str):
    """The caller's user, made on first use in a test."""
    if caller == ANONYMOUS:
        return None
    name = "norole" if caller == NO_ROLE else f"{caller}-caller"
    found = get_user_model().objects.filter(username=name).first()
    if found is not None:
        return found
    if caller == NO_ROLE:
        return get_user_model().objects.create_user(name, is_staff=True)
    return make_staff(name, caller)


# --- every operation and every admin has a row ----------------------------------------------


def _operations() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}


def _admins() -> dict[str, admin.ModelAdmin]:
    return {
        model._meta.label_lower: admin.site.get_model_admin(model)
        for model in apps.get_models()
        if admin.site.is_registered(model)
    }


def test_every_api_operation_has_a_row():
    operations = _operations()
    missing = sorted(operations - set(API_ROWS))
    assert not missing, "Add to tests/<domain>/permissions.py API:\n" + "\n".join(
        f'    "{op}": <lowest role>,' for op in missing
    )
    assert sorted(set(API_ROWS) - operations) == [], "rows for operations that do not exist"


def test_every_console_admin_has_a_row():
    admins = _admins()
    missing = sorted(set(admins) - set(CONSOLE_ROWS))
    assert not missing, "Add to tests/<domain>/permissions.py CONSOLE:\n" + "\n".join(
        f'    "{label}": Console(...),' for label in missing
    )
    assert sorted(set(CONSOLE_ROWS) - set(admins)) == [], "rows for admins that do not exist"


ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change")


def _console_pages() -> set[str]:
    """Named URLs under /console/ other than the admin site's and each admin's standard views."""
    found = set()

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif pattern.name and route.startswith("console/") and namespace:
                found.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "", None)
    for label, model_admin in _admins().items():
        standard = {f"{label.replace('.', '_')}_{view}" for view in ADMIN_VIEWS}
        found |= {
            f"admin:{p.name}" for p in model_admin.get_urls() if p.name and p.name not in standard
        }
    return found


def test_every_console_page_has_a_row():
    pages = _console_pages()
    missing = sorted(pages - set(PAGE_ROWS))
    assert not missing, "Add to tests/<domain>/permissions.py PAGES:\n" + "\n".join(
        f'    "{name}": Page(<lowest role>),' for name in missing
    )
    assert sorted(set(PAGE_ROWS) - pages) == [], "rows for pages that do not exist"


@pytest.mark.parametrize("name", sorted(PAGE_ROWS))
def test_console_page_answers_each_caller_by_role(db, name):
    row = PAGE_ROWS[name]
    url = reverse(name, kwargs=row.kwargs)
    found = {caller: _page_outcome(_console_client(caller).get(url)) for caller in CALLERS}
    assert found == {caller: _expected(caller, row.role) for caller in CALLERS}


def test_the_openapi_document_names_each_operations_role():
    paths = api.get_openapi_schema()["paths"]
    documented = {
        f"{method.upper()} {path}": op["x-forewarn-role"]
        for path, ops in paths.items()
        for method, op in ops.items()
    }
    assert documented == API_ROWS


# --- the API --------------------------------------------------------------------------------


def _api_client(caller: str) -> Client:
    user = _user(caller)
    if user is None:
        return Client()
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _call(client: Client, operation: str):
    method, path = operation.split(" ", 1)
    # Objects that do not exist: an allowed caller meets a 404 or 422, a refused one its 401/403.
    url = re.sub(r"\{\w*id\}", "999999", path)
    url = re.sub(r"\{\w+\}", "nothing-here", url)
    if method in ("POST", "PATCH", "PUT"):
        return getattr(client, method.lower())(url, json.dumps({}), content_type="application/json")
    return getattr(client, method.lower())(url)


@pytest.mark.parametrize("operation", sorted(API_ROWS))
def test_api_operation_answers_each_caller_by_role(db, operation):
    needed = API_ROWS[operation]
    answers = {}
    for caller in CALLERS:
        response = _call(_api_client(caller), operation)
        if allows(caller, needed):
            answers[caller] = "allowed" if response.status_code not in (401, 403) else response
        elif caller == ANONYMOUS:
            answers[caller] = "refused" if response.status_code == 401 else response
        else:
            message = (
                CONTACT_ONLY if needed == CONTACT else f"This needs the '{needed}' role or above."
            )
            refused = response.status_code == 403 and response.json() == {"message": message}
            answers[caller] = "refused" if refused else response
    expected = {c: "allowed" if allows(c, needed) else "refused" for c in CALLERS}
    assert answers == expected


# --- the console ----------------------------------------------------------------------------


def _console_client(caller: str) -> Client:
    client = Client()
    user = _user(caller)
    if user is not None:
        client.force_login(user)
    return client


def _outcome(response) -> str:
    """allowed (a page, or a redirect that is not to the login), refused (403), or login."""
    if response.status_code == 403:
        return "refused"
    if response.status_code == 302 and response["Location"].startswith(reverse("admin:login")):
        return "login"
    if response.status_code in (200, 302):
        return "allowed"
    return f"answered {response.status_code}"


def _page_outcome(response) -> str:
    """As ``_outcome``, but a page for an object that does not exist (404) was let through."""
    return "allowed" if response.status_code == 404 else _outcome(response)


def _expected(caller: str, needed: str | None) -> str:
    if caller == ANONYMOUS:
        return "login"
    return "allowed" if allows(caller, needed) else "refused"


def _actions(page) -> list[str]:
    form = page.context.get("action_form") if page.context else None
    return sorted(name for name, _ in form.fields["action"].choices if name) if form else []


def _console_answers(client, url: str, obj, row: Console, may_change: bool) -> dict:
    """What the console did for one caller: each page's outcome, the fields its form lets the
    caller change, the actions it offers; and, for a caller who may not write, the POSTs."""
    page = client.get(reverse(f"{url}_changelist"))
    answers = {"list": _outcome(page), "add": _outcome(client.get(reverse(f"{url}_add")))}
    if answers["list"] == "allowed":
        answers["actions"] = _actions(page)
    if obj is None:
        return answers
    change = reverse(f"{url}_change", args=[obj.pk])
    page = client.get(change)
    answers["change page"] = _outcome(page)
    if answers["change page"] == "allowed":
        answers["editable"] = sorted(page.context["adminform"].form.fields)
    answers["history"] = _outcome(client.get(reverse(f"{url}_history", args=[obj.pk])))
    if not may_change:
        answers["change post"] = _outcome(client.post(change, {}))
    delete = reverse(f"{url}_delete", args=[obj.pk])
    answers["delete page"] = _outcome(client.get(delete))
    if answers["delete page"] != "allowed":
        answers["delete post"] = _outcome(client.post(delete, {"post": "yes"}))
    return answers


def _console_expected(caller: str, obj, row: Console, full_form: list[str]) -> dict:
    def page(needed_ok: bool) -> str:
        return "login" if caller == ANONYMOUS else ("allowed" if needed_ok else "refused")

    partial = set().union(*(f for role, f in row.fields.items() if allows(caller, role)))
    may_change = allows(caller, row.change) or bool(partial)
    sees = allows(caller, row.view) or may_change
    wanted = {"list": page(sees), "add": page(allows(caller, row.add))}
    if sees:
        wanted["actions"] = sorted(
            name for name, role in row.expected_actions().items() if allows(caller, role)
        )
    if obj is None:
        return wanted
    wanted["change page"] = page(sees)
    if sees:
        wanted["editable"] = full_form if allows(caller, row.change) else sorted(partial)
    wanted["history"] = page(sees)
    if not may_change:
        wanted["change post"] = page(False)
    wanted["delete page"] = page(allows(caller, row.delete))
    if not allows(caller, row.delete):
        wanted["delete post"] = page(False)
    return wanted


@pytest.mark.parametrize("label", sorted(CONSOLE_ROWS))
def test_console_admin_answers_each_caller_by_role(db, label):
    row = CONSOLE_ROWS[label]
    url = "admin:{}_{}".format(*label.split("."))
    obj = row.make() if row.make else None
    full_form = []
    if obj is not None and row.change is not None:
        # What the form offers a caller who may change everything (the admin role may).
        page = _console_client(row.change).get(reverse(f"{url}_change", args=[obj.pk]))
        full_form = sorted(page.context["adminform"].form.fields)
        assert full_form, f"{label}: the form changes nothing"
    found, expected = {}, {}
    for caller in CALLERS:
        expected[caller] = _console_expected(caller, obj, row, full_form)
        may_change = "change post" not in expected[caller]
        found[caller] = _console_answers(_console_client(caller), url, obj, row, may_change)
    if obj is not None:
        assert type(obj).objects.filter(pk=obj.pk).exists()
    assert found == expected
