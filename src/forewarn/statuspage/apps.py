from django.apps import AppConfig

# Apps whose rows appear on the public page; any write to them invalidates its cache.
PAGE_APPS = {"catalog", "incidents", "planned", "releases"}


class StatuspageConfig(AppConfig):
    name = "forewarn.statuspage"
    label = "statuspage"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .models import PageVersion

        def invalidate(sender, **kwargs):
            if sender._meta.app_label in PAGE_APPS:
                PageVersion.bump()

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(invalidate, dispatch_uid=f"forewarn-page-{signal}")
