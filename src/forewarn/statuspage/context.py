from django.conf import settings


def page(request):
    """The provider's name and zone for every template."""
    return {"page_name": settings.PAGE_NAME, "provider_time_zone": settings.PROVIDER_TIME_ZONE}
