"""The console's request page: the thread, the clocks (time left in business hours and as an
instant) and the forms staff act with. Thin over ``handling``, as the API is.

Every form posts to ``/console/support/supportrequest/<id>/act/<name>/``; the view calls the
service with the staff member's role (``PermissionDenied``: 403), and a refusal of the input
is shown as a message that changes nothing. Times are shown in the provider's time zone.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from forewarn.catalog.models import AuthorizedContact, Role, has_role, role_of
from forewarn.incidents.cadence import time_left_text
from forewarn.record.services import actor_name

from . import chat, chat_tokens, handling
from .clocks import clock_starts_at, state
from .lifecycle import ConversationKind, Priority, RequestStatus
from .models import Attachment, ChatWidget, SupportRequest
from .timing import first_response_clock, resolution_clock

STATUS_CHOICES = [(s.value, s.label) for s in RequestStatus]


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000)
    status = forms.ChoiceField(
        choices=[("", "keep it as it is"), *STATUS_CHOICES], required=False, label="and set status"
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000, label="Internal note"
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_CHOICES)
    reason = forms.CharField(
        required=False,
        max_length=20_000,
        help_text="Needed for out of scope; sent to the customer.",
    )


class ReclassifyForm(forms.Form):
    priority = forms.ChoiceField(choices=[(p.value, p.label) for p in Priority])
    reason = forms.CharField(max_length=20_000)


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
        self.fields["assignee"].choices = [("", "nobody")] + [
            (u.username, u.username) for u in staff
        ]


class CallForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k.value, k.value.capitalize()) for k in ConversationKind])
    minutes = forms.IntegerField(required=False, min_value=0, max_value=24 * 60)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=20_000)


def _who(request) -> dict:
    return {"actor": actor_name(request.user), "role": role_of(request.user)}


def _assign(obj, data, who):
    user = handling.staff_user(data["assignee"]) if data["assignee"] else None
    return handling.assign(obj, user, **who)


def _call(obj, data, who):
    return handling.log_conversation(
        kind=data["kind"],
        organization=obj.organization,
        contact=obj.requester,
        request=obj,
        at=timezone.now(),
        minutes=data["minutes"],
        summary=data["summary"],
        **who,
    )


# name: (title, form, what it does)
STEPS = {
    "reply": (
        "Reply to the customer",
        ReplyForm,
        lambda o, d, w: handling.reply(o, body=d["body"], status=d["status"] or None, **w),
    ),
    "note": (
        "Add an internal note",
        NoteForm,
        lambda o, d, w: handling.add_note(o, body=d["body"], **w),
    ),
    "status": (
        "Change the status",
        StatusForm,
        lambda o, d, w: handling.set_status(o, d["status"], reason=d["reason"], **w),
    ),
    "reclassify": (
        "Reclassify",
        ReclassifyForm,
        lambda o, d, w: handling.reclassify(o, d["priority"], reason=d["reason"], **w),
    ),
    "assign": ("Assign", AssignForm, _assign),
    "call": ("Log a call or meeting with the requester", CallForm, _call),
}


def clock_view(clock, *, stopped_at, now) -> dict | None:
    if clock is None:
        return None
    running = stopped_at is None
    due = clock.due_at() if running else None
    return {
        "state": state(clock, stopped_at=stopped_at, now=now).value,
        "due_at": due,
        "left": time_left_text(clock.left(now)) if running and due else "",
        "target_minutes": int(clock.target.total_seconds() // 60),
        "stopped_at": stopped_at,
    }


def request_page(model_admin, request, pk: int):
    """The request: facts, clocks, thread, and the forms the caller's role may use."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied("This page needs the 'viewer' role or above.")
    obj = get_object_or_404(
        SupportRequest.objects.select_related("organization", "requester", "assignee"), pk=pk
    )
    now = timezone.now()
    first = first_response_clock(obj)
    may_act = has_role(request.user, Role.RESPONDER) and obj.status != RequestStatus.CLOSED
    steps = []
    if may_act:
        initial = {
            "status": obj.status,
            "priority": obj.priority,
            "assignee": obj.assignee.username if obj.assignee_id else "",
        }
        steps = [
            {"name": name, "title": title, "form": form(initial=initial)}
            for name, (title, form, _) in STEPS.items()
        ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{obj.reference} {obj.subject}",
        "obj": obj,
        "zone": ZoneInfo(settings.PROVIDER_TIME_ZONE),
        "first": clock_view(first, stopped_at=obj.first_responded_at, now=now),
        "resolution": clock_view(resolution_clock(obj), stopped_at=obj.solved_at, now=now),
        "clock_starts_at": clock_starts_at(first.calendar, obj.clock_started_at) if first else None,
        "thread": obj.messages.prefetch_related("attachments").order_by("created_at", "id"),
        "conversations": obj.conversations.select_related("contact"),
        "escalations": obj.escalations.all(),
        "steps": steps,
        "opts": SupportRequest._meta,
    }
    return render(request, "support/console/request.html", context)


def act(model_admin, request, pk: int, name: str):
    """Run one step of the request page through its service."""
    if not has_role(request.user, Role.RESPONDER):
        raise PermissionDenied("This needs the 'responder' role or above.")
    obj = get_object_or_404(SupportRequest, pk=pk)
    page = reverse("admin:support_supportrequest_change", args=[obj.pk])
    if request.method != "POST" or name not in STEPS:
        return redirect(page)
    title, form_class, run = STEPS[name]
    form = form_class(request.POST)
    if not form.is_valid():
        problems = "; ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items())
        messages.error(request, f"{title}: nothing was changed. {problems}")
        return redirect(page)
    try:
        run(obj, form.cleaned_data, _who(request))
    except ValidationError as error:
        text = (
            "; ".join(f"{f}: {' '.join(m)}" for f, m in error.message_dict.items())
            if hasattr(error, "message_dict")
            else " ".join(error.messages)
        )
        messages.error(request, f"{title}: nothing was changed. {text}")
    else:
        messages.success(request, f"{title}: done.")
    return redirect(page)


def attachment(model_admin, request, pk: int):
    """An attachment as a download, served with the type support gave it (never rendered)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied("This page needs the 'viewer' role or above.")
    found = get_object_or_404(Attachment, pk=pk)
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def wrap(model_admin, view):
    def handler(request, *args, **kwargs):
        return view(model_admin, request, *args, **kwargs)

    return model_admin.admin_site.admin_view(handler)


# The chat widget's preview ---------------------------------------------------------------

PREVIEW_LIFETIME = timedelta(hours=1)


def chat_preview(model_admin, request, pk: int):
    """The widget as a contact sees it, for admins to try (and the demo to show): a token
    for the chosen contact, minted here with the widget's secret as a provider's backend
    would, valid for an hour."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied("This page needs the 'admin' role.")
    widget = get_object_or_404(ChatWidget, pk=pk)
    contacts = (
        AuthorizedContact.objects.filter(is_active=True, may_open_requests=True)
        .select_related("organization")
        .order_by("organization__name", "name")
    )
    chosen = contacts.filter(pk=request.GET.get("contact") or 0).first() or contacts.first()
    token = ""
    if chosen is not None:
        token = chat_tokens.mint(
            widget.secret,
            email=chosen.email,
            organization=chosen.organization.slug,
            expires_at=timezone.now() + PREVIEW_LIFETIME,
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Chat widget preview: {widget.name}",
        "widget": widget,
        "contacts": contacts,
        "chosen": chosen,
        "token": token,
        "snippet": chat.script_tag(widget, token=token) if token else "",
        "opts": ChatWidget._meta,
    }
    return render(request, "support/console/chat_preview.html", context)
