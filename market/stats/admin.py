from django.contrib import admin

from .models import ProvinceTarget


@admin.register(ProvinceTarget)
class ProvinceTargetAdmin(admin.ModelAdmin):
    list_display = ["province_code", "target_percent"]
