from django.apps import AppConfig

# Apps whose rows appear on the public page; any write to them invalidates its cache.
PAGE_APPS = {"catalog", "incidents", "planned", "releases"}


def invalidate_page(sender, action: str = "", **kwargs) -> None:
    """Bump the page version when a row the page may show is written (in the same transaction)."""
    if action.startswith("pre_"):  # m2m_changed also fires before the change; once after is enough
        return
    if sender._meta.app_label in PAGE_APPS:
        from .version import page_changed

        page_changed()


class StatuspageConfig(AppConfig):
    name = "forewarn.statuspage"
    label = "statuspage"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(invalidate_page, dispatch_uid=f"forewarn-page-{id(signal)}")
