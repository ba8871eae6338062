from django.apps import AppConfig


def _profile_saved(sender, instance, **kwargs) -> None:
    from .roles import apply_role

    apply_role(instance)


class CatalogConfig(AppConfig):
    name = "forewarn.catalog"
    label = "catalog"

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from .roles import sync_role_groups

        # After every app's migrations (auth creates that app's permissions first), so the
        # groups hold the permissions of apps listed after the catalog too.
        post_migrate.connect(sync_role_groups, dispatch_uid="forewarn-role-groups")
        post_save.connect(
            _profile_saved, sender="catalog.StaffProfile", dispatch_uid="forewarn-apply-role"
        )
