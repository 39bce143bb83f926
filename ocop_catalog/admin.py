from django.contrib import admin

from .models import Cooperative, OcopCertification


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_name", "kind", "province_name", "commune_name"]
    search_fields = ["legal_name", "partner__name", "tax_code"]
    list_select_related = ["partner"]


@admin.register(OcopCertification)
class OcopCertificationAdmin(admin.ModelAdmin):
    list_display = ["product", "stars", "number", "level", "decision_date", "valid_until"]
    list_filter = ["stars", "level"]
    search_fields = ["number", "product__title"]
    raw_id_fields = ["product"]
