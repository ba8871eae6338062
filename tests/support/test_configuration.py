"""Support's settings removed from the console go through ``configuration`` and are recorded
with what was removed: response targets, on-call rotas (with their shifts) and shifts."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from forewarn.record.models import Event
from forewarn.support import configuration
from forewarn.support.models import OnCallRota, OnCallShift, ResponseTarget

from .conftest import T0


def removed() -> list[tuple[str, dict]]:
    return [
        (e.subject_type, e.details["was"])
        for e in Event.objects.filter(kind="support_settings.deleted").order_by("id")
    ]


def test_the_console_removes_targets_and_rotas_and_the_record_keeps_what_they_were(
    world, rota, admin_client
):
    OnCallShift.objects.create(
        rota=rota, email="nina@provider.example", starts_at=T0, ends_at=T0 + timedelta(hours=12)
    )
    target = configuration.save_targets(
        ResponseTarget(plan="gold", high_minutes=30, normal_minutes=240),
        actor="ada",
        role="admin",
    )
    response = admin_client.post(
        "/console/support/responsetarget/",
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert response.status_code == 302
    response = admin_client.post(f"/console/support/oncallrota/{rota.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ResponseTarget.objects.exists() and not OnCallRota.objects.exists()
    assert not OnCallShift.objects.exists()
    (target_type, target_was), (rota_type, rota_was) = removed()
    assert (target_type, target_was["plan"], target_was["high_minutes"]) == (
        "support.responsetarget",
        "gold",
        30,
    )
    assert (rota_type, rota_was["name"]) == ("support.oncallrota", "Night desk")
    assert [s["email"] for s in rota_was["shifts"]] == ["nina@provider.example"]


def test_a_shift_removed_is_recorded_and_only_admins_may(world, rota):
    shift = OnCallShift.objects.create(
        rota=rota, email="nina@provider.example", starts_at=T0, ends_at=T0 + timedelta(hours=12)
    )
    with pytest.raises(PermissionDenied, match="needs the 'admin' role"):
        configuration.delete_shift(shift, actor="sam", role="responder")
    assert OnCallShift.objects.filter(pk=shift.pk).exists()
    configuration.delete_shift(shift, actor="ada", role="admin")
    assert not OnCallShift.objects.exists()
    assert [t for t, _ in removed()] == ["support.oncallshift"]
