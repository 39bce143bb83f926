from django.contrib import admin

from .models import OrganiserArea


@admin.register(OrganiserArea)
class OrganiserAreaAdmin(admin.ModelAdmin):
    """Which commune or province each organiser answers for (``market.areas``)."""

    list_display = ["user", "province_code", "commune_code"]
    list_filter = ["province_code"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
