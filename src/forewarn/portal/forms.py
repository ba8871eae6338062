"""The portal's forms: asking for a sign-in link, opening a request, writing on one, naming a
token. They only shape the input; the services validate and say what is wrong."""

from django import forms

from forewarn.support.lifecycle import Priority

PRIORITIES = [
    (Priority.HIGH.value, "High: business critical, completely disrupted, no work-around"),
    (Priority.NORMAL.value, "Normal: a general inquiry"),
]


class LinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address your organization registered you with as an authorized contact.",
    )


class RequestForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=300)
    body = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000
    )
    priority = forms.ChoiceField(label="Priority", choices=PRIORITIES, initial=Priority.NORMAL)
    component = forms.ChoiceField(label="Affected component", required=False)
    emergency = forms.BooleanField(
        label="Emergency: page the on-call engineer if support is closed", required=False
    )
    attachment = forms.FileField(label="Attachment (optional)", required=False)

    def __init__(self, *args, components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [("", "None or not sure")] + [
            (c.slug, c.name) for c in components
        ]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply", widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )
    attachment = forms.FileField(label="Attachment (optional)", required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label="Name (what it is for)", max_length=100, required=False)
