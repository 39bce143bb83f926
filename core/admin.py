from django.contrib import admin

from .models import OutboxEffect


@admin.register(OutboxEffect)
class OutboxEffectAdmin(admin.ModelAdmin):
    """Read-only: what is waiting, what failed and why (a platform admin's view of the outbox)."""

    list_display = ["pk", "task", "key", "created_at", "due_at", "attempts", "done_at", "last_error"]
    list_filter = ["task", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["task", "key"]
    readonly_fields = [f.name for f in OutboxEffect._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
