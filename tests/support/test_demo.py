"""The demo's support requests: one in every state, one late whose breach the worker records,
an on-call rota; loading twice changes nothing."""

from django.core.management import call_command

from forewarn.support import jobs
from forewarn.support.models import ChatWidget, OnCallRota, SupportRequest


def test_the_demo_has_a_request_in_every_state_and_a_breach(db, clock):
    call_command("load_demo")
    call_command("load_demo")
    # The demo's own requests; the planned work and incidents of the demo add the informational
    # ones their notices open for each organization (seed 003), counted by their own tests.
    found = dict(
        SupportRequest.objects.filter(is_informational=False).values_list("subject", "status")
    )
    assert sorted(set(found.values())) == [
        "closed",
        "new",
        "open",
        "out_of_scope",
        "solved",
        "waiting_on_customer",
    ]
    assert len(found) == 8 and OnCallRota.objects.filter(name="Night desk").count() == 1
    assert ChatWidget.objects.filter(name="Demo product").count() == 1
    chatted = SupportRequest.objects.get(origin="chat")
    assert [m.kind for m in chatted.messages.order_by("id")] == ["customer", "reply"]
    jobs.watch_clocks()
    late = SupportRequest.objects.get(subject="Campaign stuck in sending")
    assert late.breached_for is not None
    assert list(late.escalations.values_list("tier", flat=True)) == ["tier_1"]
