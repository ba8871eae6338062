"""The public subscribe and preferences forms; the choices are the status page's public components."""

import zoneinfo
from functools import cache

from django import forms
from django.conf import settings

from forewarn.catalog.models import Component, Visibility
from forewarn.statuspage import summary

ALL = "all"
CHOSEN = "chosen"


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """IANA zones people live in (no Etc/, no legacy aliases), sorted, UTC last."""
    legacy = (
        "Etc/",
        "SystemV/",
        "US/",
        "posix",
        "right/",
        "Canada/",
        "Brazil/",
        "Chile/",
        "Mexico/",
    )
    zones = sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(legacy)
    )
    return [(z, z.replace("_", " ")) for z in [*zones, "UTC"]]


class ComponentChoiceForm(forms.Form):
    """All components, or chosen public ones, and the time zone times are shown in."""

    scope = forms.ChoiceField(
        label="Which components",
        choices=[(ALL, "All components"), (CHOSEN, "Only the components I choose")],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    components = forms.ModelMultipleChoiceField(
        label="Components",
        queryset=Component.objects.filter(visibility=Visibility.PUBLIC),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "'%(value)s' is not a component you can subscribe to."},
    )
    time_zone = forms.ChoiceField(
        label="Time zone (optional)",
        required=False,
        help_text="Times in emails are shown in this zone and in the provider's.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            ("", f"Same as this page ({settings.PROVIDER_TIME_ZONE})"),
            *time_zone_choices(),
        ]

    def clean(self):
        data = super().clean()
        if data.get("scope") == CHOSEN and not data.get("components"):
            self.add_error(
                "components", "Choose at least one component, or choose “All components”."
            )
        return data

    def chosen_components(self) -> list[Component]:
        """Empty means all components."""
        if self.cleaned_data["scope"] == ALL:
            return []
        return list(self.cleaned_data["components"])

    def groups(self) -> list[tuple[str, list[tuple[Component, bool]]]]:
        """The public components grouped as on the status page, each with whether it is ticked."""
        if self.is_bound:
            ticked = set(self.data.getlist("components"))
        else:
            ticked = {c.slug for c in self.initial.get("components", [])}
        groups, ungrouped = summary.public_groups_and_components()
        rows = [(g.name, [(c, c.slug in ticked) for c in g.public_components]) for g in groups]
        if ungrouped:
            rows.append(("Other components", [(c, c.slug in ticked) for c in ungrouped]))
        return rows


class SubscribeForm(ComponentChoiceForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    # A honeypot: hidden from people (and screen readers); bots fill every field.
    website = forms.CharField(label="Leave this field empty", required=False)

    field_order = ["email", "scope", "components", "time_zone", "website"]

    @property
    def is_trapped(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class PreferencesForm(ComponentChoiceForm):
    pass
