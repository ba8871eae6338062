"""The console's planned-work forms: the fields of the services, shaped for a person.

Each form collects what one service takes; the console's views call the service and put a
refusal (``ValidationError`` naming a field) back on the form, as the incidents' forms do
(``ServiceForm``). Times are typed as the wall clock shows them in a zone chosen beside them
(the draft's own zone, else the provider's) and read with ``wall_clock_instant``, as the
calendar engine resolves a skipped or repeated hour.
"""

import datetime as dt
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from forewarn.incidents.forms import ComponentStatusesForm, ServiceForm
from forewarn.policies.models import Policy, WorkType
from forewarn.policies.rules import Risk, wall_clock_instant

from .models import PlannedWork

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
KIND_OF_MAINTENANCE = [
    ("", "As the work type says"),
    ("scheduled", "Scheduled maintenance"),
    ("emergency", "Emergency maintenance"),
]


def local_field(**kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(widget=LOCAL, input_formats=LOCAL_FORMATS, **kwargs)


def wall_clock(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """The wall-clock time typed (Django made it aware in the current zone), read in ``zone``."""
    if value is None:
        return None
    local = timezone.make_naive(value)
    return wall_clock_instant(local.date(), local.time(), zone)


def work_type_choices() -> list:
    """Every work type, grouped by policy: ``policy/work-type``."""
    policies = Policy.objects.prefetch_related("work_types").order_by("slug")
    return [
        (
            f"{p.slug} — {p.name}",
            [(f"{p.slug}/{w.slug}", f"{w.name} ({w.notice_text})") for w in p.work_types.all()],
        )
        for p in policies
    ]


def work_type_of(value: str) -> WorkType:
    policy, slug = value.split("/", 1)
    return WorkType.objects.select_related("policy__calendar").get(policy__slug=policy, slug=slug)


def features_text(features: list[dict]) -> str:
    return "\n".join(
        f["name"] + (": " + ", ".join(f["plans"]) if f.get("plans") else "") for f in features
    )


def parse_features(text: str) -> list[dict]:
    """``Call recording: Enterprise, Business`` a line; no plans: every plan has it."""
    found = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        name, _, plans = line.partition(":")
        found.append(
            {"name": name.strip(), "plans": [p.strip() for p in plans.split(",") if p.strip()]}
        )
    return found


def parse_plan_changes(text: str) -> dict[str, str]:
    """``Basic: the price rises by 5 %`` a line."""
    found = {}
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        plan, sep, change = line.partition(":")
        if not sep or not plan.strip() or not change.strip():
            raise forms.ValidationError(f"“{line}”: write the plan, a colon, then the change.")
        found[plan.strip()] = change.strip()
    return found


class DraftForm(ComponentStatusesForm):
    """Everything a draft is (``services.create_draft`` and ``drafts.revise_draft``)."""

    title = forms.CharField(max_length=200)
    work_type = forms.ChoiceField(label="Policy and work type", help_text="Grouped by policy.")
    other_work_types = forms.MultipleChoiceField(
        required=False,
        label="Work type under each other policy",
        help_text="When the affected clients fall under other policies (seed 003 applies to "
        "Enterprise clients only): what this work is under each of them.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text="Markdown."
    )
    impact_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Expected impact",
        help_text="In words, for the notices and the page; say whether security is affected.",
    )
    risk = forms.ChoiceField(choices=[(r.value, r.value.capitalize()) for r in Risk])
    start = local_field(label="Window start")
    end = local_field(
        label="Window end", required=False, help_text="Empty: the work type's default duration."
    )
    time_zone = forms.ChoiceField(
        label="Times are in", help_text="The window and its recurrence are read in this zone."
    )
    rrule = forms.CharField(
        max_length=500,
        required=False,
        label="Repeats (RRULE)",
        help_text="RFC 5545, e.g. FREQ=WEEKLY;BYDAY=SA;COUNT=8. Empty: one window.",
    )
    shutdown = forms.BooleanField(required=False, label="The system is shut down")
    on_site = forms.BooleanField(required=False, label="An engineer visits the client's site")
    validated_on_test_environment = forms.BooleanField(
        required=False, label="Validated on a test environment (seed 004)"
    )
    maintenance = forms.ChoiceField(
        choices=KIND_OF_MAINTENANCE,
        required=False,
        label="For the SLA",
        help_text="Seed 001 §2 excludes scheduled and emergency maintenance.",
    )
    new_features = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Upgrades: a line each, “Call recording: Enterprise, Business” (the plans "
        "whose licences include it at no extra cost; none: every plan).",
    )
    plan_changes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Material changes, a line per plan: “Basic: the price rises by 5 %”.",
    )
    owner = forms.ModelChoiceField(
        get_user_model().objects.none(), required=False, help_text="Alerted when a window overruns."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = work_type_choices()
        self.fields["work_type"].choices = choices
        self.fields["other_work_types"].choices = choices
        self.fields["time_zone"].choices = [(z, z) for z in sorted(available_timezones())]
        self.fields["time_zone"].initial = settings.PROVIDER_TIME_ZONE
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
        )
        for component in self.components:
            self.fields[
                self.component_field(component)
            ].label = f"{component.name} ({component.get_status_display().lower()} now)"

    @classmethod
    def of(cls, work: PlannedWork) -> "DraftForm":
        """The form filled in with a draft, its times in its own zone."""
        zone = ZoneInfo(work.time_zone)
        first = work.windows.order_by("index").first()
        initial = {
            "title": work.title,
            "work_type": f"{work.policy.slug}/{work.work_type.slug}",
            "other_work_types": [
                f"{t.policy.slug}/{t.slug}" for t in work.other_work_types.select_related("policy")
            ],
            "description": work.description,
            "impact_text": work.impact_text,
            "risk": work.risk,
            "start": first.start_at.astimezone(zone).replace(tzinfo=None) if first else None,
            "end": first.end_at.astimezone(zone).replace(tzinfo=None) if first else None,
            "time_zone": work.time_zone,
            "rrule": work.rrule,
            "shutdown": work.shutdown,
            "on_site": work.on_site,
            "validated_on_test_environment": work.validated_on_test_environment,
            "maintenance": "emergency" if work.emergency else "scheduled",
            "new_features": features_text(work.new_features),
            "plan_changes": "\n".join(f"{p}: {c}" for p, c in work.plan_changes.items()),
            "owner": work.owner,
        }
        initial |= {
            cls.component_field(a.component): a.expected_status
            for a in work.affected.select_related("component")
        }
        return cls(initial=initial)

    def clean_plan_changes(self) -> dict[str, str]:
        return parse_plan_changes(self.cleaned_data["plan_changes"])

    def arguments(self) -> dict:
        """The cleaned form as ``create_draft`` and ``revise_draft`` take it."""
        data = self.cleaned_data
        zone = ZoneInfo(data["time_zone"])
        work_type = work_type_of(data["work_type"])
        found = {
            "title": data["title"],
            "policy": work_type.policy,
            "work_type": work_type,
            "other_work_types": [work_type_of(v) for v in data["other_work_types"]],
            "description": data["description"],
            "impact_text": data["impact_text"],
            "risk": data["risk"],
            "start": wall_clock(data["start"], zone),
            "end": wall_clock(data["end"], zone),
            "time_zone": data["time_zone"],
            "rrule": data["rrule"],
            "components": self.component_statuses(),
            "shutdown": data["shutdown"],
            "on_site": data["on_site"],
            "validated_on_test_environment": data["validated_on_test_environment"],
            "new_features": parse_features(data["new_features"]),
            "plan_changes": data["plan_changes"],
            "owner": data["owner"],
        }
        if data["maintenance"]:
            found["emergency"] = data["maintenance"] == "emergency"
        return found


class PublishForm(ServiceForm):
    justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when the check finds violations. Shown on the work's public page and "
        "kept in the record with your name. A firm rule needs an admin.",
    )


class WindowField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, required=False, **kwargs)


class RescheduleForm(PublishForm):
    window = WindowField(help_text="Empty: the first open window.")
    start = local_field(label="New start")
    end = local_field(label="New end", required=False, help_text="Empty: the same length.")
    reason = forms.CharField(max_length=300, required=False, help_text="Told to the customers.")


class ExtendForm(ServiceForm):
    window = WindowField(help_text="Empty: the first open window.")
    reason = forms.CharField(max_length=300, help_text="Why it needs more time (seed 003).")
    end = local_field(label="New end", required=False)
    next_update_at = local_field(
        label="Or the next update by", required=False, help_text="Give one of the two."
    )


class CompleteForm(ServiceForm):
    window = WindowField(help_text="Every affected component must be operational.")


class CancelForm(ServiceForm):
    window = WindowField(help_text="Empty: the whole work, every open window.")
    reason = forms.CharField(max_length=300, help_text="Told to the customers.")


class ReleaseForm(ServiceForm):
    """No fields: the button says it."""
