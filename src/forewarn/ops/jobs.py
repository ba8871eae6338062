"""Import every app's ``jobs`` module, so every worker registers the same scheduler jobs."""

from django.utils.module_loading import autodiscover_modules


def load_jobs() -> None:
    autodiscover_modules("jobs")
