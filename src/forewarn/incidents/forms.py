"""The console's incident forms: the fields of the services, shaped for a person.

Each form collects what one service takes; the console's views call the service and put a
refusal (``ValidationError`` naming a field) back on the form. Where an operator chooses a
priority, each P is shown with seed 001's definition. Affected components are one choice
per component ("not named" or a status), labelled with the component's status now.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from forewarn.catalog.models import Component, ComponentStatus, Role, role_of

from .causes import LABELS as CAUSE_LABELS
from .escalation import LABELS as TIER_LABELS
from .lifecycle import OPEN_STATUSES, IncidentStatus
from .models import IncidentTemplate
from .priorities import choices as priority_choices

STATUS_CHOICES = [(s.value, s.value.capitalize()) for s in IncidentStatus]
NOT_NAMED = ""
_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
RESPONDER_ROLES = (Role.RESPONDER, Role.COMMUNICATOR, Role.ADMIN)


def responder_choices():
    """Active staff who may respond: responders and above, superusers included."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True).select_related("staff")
    return [u.pk for u in users.order_by("username") if role_of(u) in RESPONDER_ROLES]


def priority_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=priority_choices(),
        widget=forms.RadioSelect,
        help_text="Seed 001 §6: P1–P3 are shown on the status page, P4–P5 stay internal.",
        **kwargs,
    )


class ServiceForm(forms.Form):
    """A form whose service may still refuse: its errors land on the field they name."""

    def refuse(self, error: ValidationError) -> None:
        messages = error.message_dict if hasattr(error, "message_dict") else {None: error.messages}
        for field, texts in messages.items():
            self.add_error(field if field in self.fields else None, texts)


class ComponentStatusesForm(ServiceForm):
    """One choice per component: leave it, or set its status for the incident."""

    components_help = "Set the status of each component the incident affects."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.components = list(Component.objects.select_related("group"))
        for component in self.components:
            self.fields[self.component_field(component)] = forms.ChoiceField(
                label=f"{component.name} ({component.get_status_display().lower()} now)",
                choices=[(NOT_NAMED, "—"), *ComponentStatus.choices],
                required=False,
            )

    @staticmethod
    def component_field(component: Component) -> str:
        return f"component_{component.slug}"

    def component_rows(self):
        return [self[self.component_field(c)] for c in self.components]

    def other_rows(self):
        names = {self.component_field(c) for c in self.components}
        return [field for field in self if field.name not in names]

    def component_statuses(self) -> dict[Component, str]:
        return {
            c: self.cleaned_data[self.component_field(c)]
            for c in self.components
            if self.cleaned_data.get(self.component_field(c))
        }


class OpenForm(ComponentStatusesForm):
    template = forms.ModelChoiceField(
        IncidentTemplate.objects.all(),
        required=False,
        help_text="Fills in the title, message, priority and components you leave empty.",
    )
    title = forms.CharField(max_length=200, required=False)
    priority = priority_field(required=False)
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The first update (Markdown), shown to customers when the incident is public.",
    )
    visibility = forms.ChoiceField(
        choices=[
            ("", "As the priority says (P1–P3 public)"),
            ("public", "Public (communicators)"),
            ("internal", "Internal (communicators)"),
        ],
        required=False,
    )
    notify = forms.BooleanField(initial=True, required=False, label="Notify customers")
    detected_at = forms.DateTimeField(
        required=False,
        widget=_LOCAL,
        input_formats=_LOCAL_FORMATS,
        help_text="When the trouble began, in the provider's time zone; empty: now.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Description and analysis for the incident report (Markdown).",
    )
    reporter = forms.CharField(
        max_length=200, required=False, help_text="The customer contact who reported it."
    )
    responders = forms.ModelMultipleChoiceField(get_user_model().objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responders"].queryset = get_user_model().objects.filter(
            pk__in=responder_choices()
        )

    def is_public(self) -> bool | None:
        return {"public": True, "internal": False}.get(self.cleaned_data["visibility"])

    def component_statuses(self) -> dict[Component, str] | None:
        """None when none is named and a template is chosen: the template's components apply."""
        found = super().component_statuses()
        return None if not found and self.cleaned_data.get("template") else found


class UpdateForm(ComponentStatusesForm):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown.")
    status = forms.ChoiceField(choices=STATUS_CHOICES)
    notify = forms.BooleanField(initial=True, required=False, label="Notify customers")


class ResolveForm(ComponentStatusesForm):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The last update. Components return to their status before the incident.",
    )
    notify = forms.BooleanField(initial=True, required=False, label="Notify customers")


class ReopenForm(ServiceForm):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why.")
    status = forms.ChoiceField(choices=[(s.value, s.value.capitalize()) for s in OPEN_STATUSES])
    notify = forms.BooleanField(initial=True, required=False, label="Notify customers")


class ReclassifyForm(ServiceForm):
    priority = priority_field()
    reason = forms.CharField(max_length=500, help_text="Kept in the record.")
    notify = forms.BooleanField(
        initial=True, required=False, label="Notify customers if it becomes public"
    )


class VisibilityForm(ServiceForm):
    is_public = forms.TypedChoiceField(
        choices=[("true", "Public: on the status page"), ("false", "Internal")],
        coerce=lambda value: value == "true",
        label="Visibility",
    )
    reason = forms.CharField(max_length=500, required=False)
    notify = forms.BooleanField(
        initial=True, required=False, label="When made public, tell customers its latest update"
    )


class CauseForm(ServiceForm):
    cause = forms.ChoiceField(choices=list(CAUSE_LABELS.items()), help_text="Seed 001 §2.")
    cause_component = forms.ModelChoiceField(
        Component.objects.filter(is_third_party=True),
        required=False,
        label="Upstream component",
        help_text="Third party only: its own target counts the downtime.",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RespondersForm(ServiceForm):
    responders = forms.ModelMultipleChoiceField(get_user_model().objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responders"].queryset = get_user_model().objects.filter(
            pk__in=responder_choices()
        )


class EscalateForm(ServiceForm):
    tier = forms.ChoiceField(choices=list(TIER_LABELS.items()))
    reason = forms.CharField(max_length=500)


class PostmortemForm(ServiceForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), label="Postmortem", help_text="Markdown."
    )


class PublishForm(ServiceForm):
    notify = forms.BooleanField(required=False, label="Also tell the subscribers")


class AcknowledgeForm(ServiceForm):
    """No fields: the button says it."""
