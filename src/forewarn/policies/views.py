"""The console's notice check (/console/policies/check/): the API's check as a form, answered
in plain words, server-rendered."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.shortcuts import render

from forewarn.catalog.models import Role
from forewarn.catalog.roles import role_required

from .checks import run_check
from .forms import NoticeCheckForm


@role_required(Role.VIEWER)
def notice_check(request):
    """Show the form; with a submitted window, the answer, the earliest compliant start and the
    notification plan, every instant in the calendar's zone. Changes nothing."""
    form = NoticeCheckForm(request.GET or None)
    answer = None
    if form.is_valid():
        try:
            answer = run_check(**form.check_arguments())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                field = "work_type" if field == "policy" else field
                form.add_error(field if field in form.fields else None, messages)
    context = admin.site.each_context(request) | {
        "title": "Check a window against a policy",
        "form": form,
        "answer": answer,
    }
    if answer is not None:
        result = answer.result
        context |= {
            "start_text": answer.text(result.start),
            "end_text": answer.text(result.end),
            "earliest_text": answer.text(result.earliest_compliant_start),
            "plan": [
                {
                    "kind": notice.kind.replace("_", " ").capitalize(),
                    "due": answer.text(notice.due_at),
                    "channels": ", ".join(c.replace("_", " ") for c in notice.channels),
                    "description": notice.description,
                    "condition": notice.condition,
                }
                for notice in result.plan
            ],
        }
    return render(request, "policies/check.html", context)
