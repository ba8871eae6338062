"""The console's notice-check form: the fields of ``POST /api/v1/notice-check``, with
wall-clock times read in a chosen zone (default: the calendar's)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from forewarn.calendars.models import Calendar
from forewarn.catalog.models import Component, Region

from .models import Policy, PolicyVersion
from .rules import Impact, Risk

_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class NoticeCheckForm(forms.Form):
    work_type = forms.ChoiceField(label="Work type", help_text="Grouped by policy.")
    start = forms.DateTimeField(label="Start", widget=_LOCAL, input_formats=_LOCAL_FORMATS)
    end = forms.DateTimeField(
        label="End",
        required=False,
        widget=_LOCAL,
        input_formats=_LOCAL_FORMATS,
        help_text="Leave empty for the work type's default duration.",
    )
    time_zone = forms.ChoiceField(
        label="Times are in",
        required=False,
        help_text="Start, end and “now” are read in this zone.",
    )
    calendar = forms.ModelChoiceField(
        Calendar.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="The policy's calendar",
        label="Calendar",
    )
    components = forms.ModelMultipleChoiceField(
        Component.objects.select_related("region").order_by("name"),
        to_field_name="slug",
        required=False,
        label="Affected components",
        help_text="Their regions' peak hours and business hours apply.",
    )
    risk = forms.ChoiceField(label="Risk", choices=[(r.value, r.value.title()) for r in Risk])
    impact = forms.ChoiceField(
        label="Expected impact",
        choices=[(i.value, i.value.replace("_", " ").capitalize()) for i in Impact],
    )
    on_site = forms.BooleanField(label="An engineer visits the customer's site", required=False)
    shutdown = forms.BooleanField(label="The system is shut down", required=False)
    validated_on_test_environment = forms.BooleanField(
        label="Validated on a test environment", required=False
    )
    now = forms.DateTimeField(
        label="As if it were",
        required=False,
        widget=_LOCAL,
        input_formats=_LOCAL_FORMATS,
        help_text="Leave empty for the current time.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policies = Policy.objects.prefetch_related("work_types").order_by("slug")
        self.fields["work_type"].choices = [
            (
                f"{p.slug} — {p.name}",
                [(f"{p.slug}/{w.slug}", f"{w.name} ({w.notice_text})") for w in p.work_types.all()],
            )
            for p in policies
        ]
        zones = set(Calendar.objects.values_list("time_zone", flat=True))
        zones |= set(Region.objects.values_list("time_zone", flat=True)) | {"UTC"}
        self.fields["time_zone"].choices = [("", "The calendar's zone")] + [
            (z, z) for z in sorted(zones)
        ]

    def check_arguments(self) -> dict:
        """The cleaned form as ``checks.run_check`` takes it, every time aware."""
        data = self.cleaned_data
        policy, work_type = data["work_type"].split("/", 1)
        calendar = data["calendar"]
        if data["time_zone"]:
            zone = ZoneInfo(data["time_zone"])
        elif calendar is not None:
            zone = ZoneInfo(calendar.time_zone)
        else:
            zone = ZoneInfo(Policy.objects.get(slug=policy).calendar.time_zone)
        return {
            "policy": policy,
            "work_type": work_type,
            "start": _aware(data["start"], zone),
            "end": _aware(data["end"], zone),
            "calendar": calendar.slug if calendar else None,
            "components": [c.slug for c in data["components"]],
            "risk": data["risk"],
            "impact": data["impact"],
            "on_site": data["on_site"],
            "shutdown": data["shutdown"],
            "validated_on_test_environment": data["validated_on_test_environment"],
            "now": _aware(data["now"], zone),
        }


def _aware(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """The wall-clock time typed, read in `zone` (Django made it aware in the current zone)."""
    if value is None:
        return None
    return timezone.make_naive(value).replace(tzinfo=zone)


class PolicyVersionForm(forms.ModelForm):
    """Publish a policy version: what changes, as JSON by work type; ``services`` validates."""

    new_rules = forms.JSONField(
        label="What changes",
        help_text='The work types that change and their new values, e.g. {"maintenance": '
        '{"notice_unit": "business_days", "notice_amount": 20}}. Field names are the work '
        "type's (notice_unit, notice_amount, notice_where_possible, default_duration in "
        "minutes, outside_peak_hours, notices, override_allowed, …).",
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    class Meta:
        model = PolicyVersion
        fields = ["policy", "label", "effective_from", "summary"]

    def clean_new_rules(self):
        value = self.cleaned_data["new_rules"]
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            raise forms.ValidationError('Give an object of objects: {"maintenance": {…}}.')
        found = {}
        for slug, fields in value.items():
            fields = dict(fields)
            if "default_duration" in fields:
                minutes = fields["default_duration"]
                if minutes is not None and (
                    isinstance(minutes, bool) or not isinstance(minutes, int | float)
                ):
                    raise forms.ValidationError(f"{slug}: default_duration is in minutes.")
                fields["default_duration"] = (
                    None if minutes is None else dt.timedelta(minutes=minutes)
                )
            found[slug] = fields
        return found
