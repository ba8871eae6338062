from django.apps import AppConfig


def _profile_saved(sender, instance, **kwargs) -> None:
    from .roles import apply_role

    apply_role(instance)


class CatalogConfig(AppConfig):
    name = "forewarn.catalog"
    label = "catalog"

    def ready(self):
        from django.db.models.signals import post_save

        post_save.connect(
            _profile_saved, sender="catalog.StaffProfile", dispatch_uid="forewarn-apply-role"
        )
