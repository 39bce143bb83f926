from django.contrib import admin

from .models import Application, IssuedQR, Market, OrganiserArea, Stall


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province_code", "declared_stalls"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Stall)
class StallAdmin(admin.ModelAdmin):
    list_display = ["code", "market", "place", "goods"]
    list_filter = ["market"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "stall", "status", "created_at"]
    list_filter = ["status", "stall__market"]
    readonly_fields = ["account_number", "holder_name", "bank_bin"]


@admin.register(IssuedQR)
class IssuedQRAdmin(admin.ModelAdmin):
    """Read-only: QR codes are issued only by merchants.services.stall_qr_issue."""

    list_display = ["stall", "version", "issued_at", "revoked_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OrganiserArea)
class OrganiserAreaAdmin(admin.ModelAdmin):
    """Which commune or province each organiser answers for (``merchants.areas``)."""

    list_display = ["user", "province_code", "commune_code"]
    list_filter = ["province_code"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
