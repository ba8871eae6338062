"""Releases in the console: products (saved through ``services.save_product``) and versions
(the pages of ``console``: plan, change notes, release, withdraw, who was told).

Nothing here saves a model itself, so the record, the notices and the public page follow
every change.
"""

from django.contrib import admin
from django.http import Http404
from django.urls import path

from forewarn.catalog.roles import RoleAdmin

from . import console, services
from .models import Announcement, Product, SlaVersion, Version


@admin.register(Product)
class ProductAdmin(RoleAdmin):
    """Viewers read; communicators add and change products (through the service)."""

    add_role = services.PUBLISH
    change_role = services.PUBLISH
    list_display = ("name", "slug", "is_public", "policy")
    search_fields = ("name", "slug")
    fields = (
        "slug",
        "name",
        "description",
        "is_public",
        "organizations",
        "plans",
        "components",
        "policy",
        "subscribers",
        "chat_webhooks",
    )
    filter_horizontal = ("organizations", "components", "subscribers")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.save_product(
            obj if change else None,
            **console._who(request),
            **{k: data[k] for k in self.fields if k in data and (k != "slug" or not change)},
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The service set the many-to-many fields already."""


@admin.register(Version)
class VersionAdmin(RoleAdmin):
    """Viewers read; communicators plan (the add page) and take each step on the version's
    page; nobody deletes: a version stays in the record (withdraw it instead)."""

    add_role = services.PUBLISH
    list_display = ("product", "number", "kind", "state", "security", "release_at", "released_at")
    list_filter = ("state", "kind", "security", "product")
    search_fields = ("number", "product__name", "title")
    list_select_related = ("product",)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/act/<slug:name>/", view(console.act), name="releases_version_act"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return console.create(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not object_id.isdigit():
            raise Http404("No such version.")
        return console.run(request, int(object_id))


@admin.register(Announcement)
class AnnouncementAdmin(RoleAdmin):
    """Viewers read; communicators publish (the add page, through the service, which tells
    the contacts at once). Sent is sent: nobody changes or deletes one."""

    add_role = services.PUBLISH
    list_display = ("title", "topic", "published_at", "created_by")
    list_filter = ("topic",)
    search_fields = ("title", "body")
    fields = ("title", "body", "topic", "organizations", "products")
    filter_horizontal = ("organizations", "products")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.announce(
            **console._who(request),
            title=data["title"],
            body=data["body"],
            topic=data["topic"],
            organizations=data["organizations"],
            products=data["products"],
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The service set the organizations and products already."""


@admin.register(SlaVersion)
class SlaVersionAdmin(RoleAdmin):
    """Viewers read; communicators publish a new version (the add page, through the service,
    which tells the contacts). A published version is not changed: publish the next one."""

    add_role = services.PUBLISH
    list_display = ("category", "label", "target_pct", "effective_from", "published_at")
    list_filter = ("category",)
    fields = ("category", "label", "target_pct", "effective_from", "summary")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.publish_sla_version(
            data["category"],
            **console._who(request),
            label=data["label"],
            target_pct=data["target_pct"],
            effective_from=data["effective_from"],
            summary=data["summary"],
        )
        obj.pk = saved.pk
