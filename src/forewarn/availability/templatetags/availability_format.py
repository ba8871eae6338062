"""Figures as the console shows them: minutes to the second, percentages cut, never rounded up."""

from django import template

from forewarn.availability import reports

register = template.Library()


@register.filter
def minutes(value) -> str:
    return reports.minutes_text(value)


@register.filter
def pct(value, places=4) -> str:
    text = reports.pct_text(value, int(places))
    return f"{text} %" if text else "—"


@register.filter
def reason_label(value) -> str:
    return reports.REASON_LABELS.get(value, value)


@register.filter
def status_label(value) -> str:
    return reports.STATUS_LABELS.get(value, value)


@register.filter
def target(value) -> str:
    return "—" if value is None else f"{reports.target_text(value)} %"


@register.filter
def verdict(value, words="met,breached") -> str:
    met, missed = words.split(",")
    return {True: met, False: missed}.get(value, "—")


@register.filter
def duration(value) -> str:
    return reports.duration_text(value)
