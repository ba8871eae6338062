"""The console's forms of releases; each only shapes input for a service, which validates."""

from django import forms
from django.core.exceptions import ValidationError

from forewarn import limits
from forewarn.catalog.models import Organization

from .models import Product
from .notes import SECTION_TITLES, Section
from .numbering import KIND_LABELS, ReleaseKind


class ServiceForm(forms.Form):
    def refuse(self, error: ValidationError) -> None:
        """Show a service's refusal on the field it names (or above the form)."""
        for field, messages in error.message_dict.items():
            target = field if field in self.fields else None
            prefix = "" if target or field == "__all__" else f"{field}: "
            for message in messages:
                self.add_error(target, prefix + message)


class NotesForm(ServiceForm):
    title = forms.CharField(max_length=limits.NAME, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in Section:
            self.fields[f"notes_{section.value}"] = forms.CharField(
                label=SECTION_TITLES[section],
                required=False,
                max_length=limits.TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Markdown.",
            )
        self.fields["security"] = forms.BooleanField(required=False, label="Security release")
        self.fields["advisories"] = forms.CharField(
            required=False, help_text="Advisory ids, comma-separated: CVE-2027-1234, …"
        )
        self.fields["documentation"] = forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Documentation pages it changed, one a line: Title | https://…",
        )

    @classmethod
    def of(cls, version):
        initial = {"title": version.title, "security": version.security}
        initial |= {f"notes_{k}": v for k, v in version.notes.items()}
        initial["advisories"] = ", ".join(version.advisories)
        initial["documentation"] = "\n".join(
            f"{d['title']} | {d['url']}" for d in version.documentation
        )
        return cls(initial=initial)

    def arguments(self) -> dict:
        data = self.cleaned_data
        pages = []
        for line in (data.get("documentation") or "").splitlines():
            if line.strip():
                title, _, url = line.partition("|")
                pages.append({"title": title.strip(), "url": url.strip()})
        return {
            "title": data.get("title") or "",
            "notes": {s.value: data.get(f"notes_{s.value}") or "" for s in Section},
            "security": data.get("security", False),
            "advisories": [a.strip() for a in (data.get("advisories") or "").split(",")],
            "documentation": pages,
        }


class VersionForm(NotesForm):
    product = forms.ModelChoiceField(Product.objects.all())
    number = forms.CharField(max_length=20, help_text="7.12, 7.05, or 7.12.3 for a hotfix.")
    release_at = forms.DateTimeField(help_text="In the provider's zone: 2027-02-01 09:00.")
    kind = forms.ChoiceField(
        choices=[("", "Computed from the previous version")]
        + [(k.value, KIND_LABELS[k]) for k in ReleaseKind],
        required=False,
    )
    organization = forms.ModelChoiceField(
        Organization.objects.all(), required=False, help_text="A hotfix for this client alone."
    )
    api_change = forms.BooleanField(required=False, label="Changes the API")

    field_order = ["product", "number", "release_at", "kind", "organization", "api_change"]

    def arguments(self) -> dict:
        data = self.cleaned_data
        return super().arguments() | {
            "number": data["number"],
            "release_at": data["release_at"],
            "kind": data.get("kind") or None,
            "organization": data.get("organization"),
            "api_change": data.get("api_change", False),
        }


class WithdrawForm(ServiceForm):
    reason = forms.CharField(max_length=limits.SHORT_TEXT)


class ReleaseForm(ServiceForm):
    pass


class DeprecationForm(ServiceForm):
    subject = forms.CharField(max_length=limits.SHORT_TEXT, help_text="GET /api/v1/documents")
    replacement = forms.CharField(max_length=limits.SHORT_TEXT, required=False)
    deprecated_at = forms.DateTimeField()
    sunset_at = forms.DateTimeField(required=False)
    link = forms.URLField(max_length=limits.URL, required=False)
