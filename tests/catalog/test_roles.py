from django.contrib.auth.models import AnonymousUser

from forewarn.catalog.models import Role, has_role, role_of
from tests.conftest import make_staff


def test_roles_include_the_ones_below(db):
    communicator = make_staff("carol", Role.COMMUNICATOR)
    assert has_role(communicator, Role.VIEWER)
    assert has_role(communicator, Role.RESPONDER)
    assert has_role(communicator, Role.COMMUNICATOR)
    assert not has_role(communicator, Role.ADMIN)


def test_users_without_a_profile_and_anonymous_users_have_no_role(db, django_user_model):
    plain = django_user_model.objects.create_user("plain")
    assert role_of(plain) is None
    assert not has_role(AnonymousUser(), Role.VIEWER)


def test_superuser_is_admin_and_inactive_user_has_no_role(db, django_user_model):
    root = django_user_model.objects.create_superuser("root", "r@example.com", "x")
    assert role_of(root) == Role.ADMIN
    gone = make_staff("gone", Role.ADMIN)
    gone.is_active = False
    assert role_of(gone) is None
