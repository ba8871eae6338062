from django.contrib import admin

from .models import Calendar


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "time_zone", "holiday_spec", "business_day_minutes")
    search_fields = ("name", "slug")
