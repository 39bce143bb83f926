"""axes' access-attempt list in /django-admin/, with a plain "Mở khoá" action."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .services import login_lockouts_clear


class AccessAttemptUnlockAdmin(AccessAttemptAdmin):
    actions = [*AccessAttemptAdmin.actions, "unlock"]

    @admin.action(description=_("Mở khoá đăng nhập (xoá các lần nhập sai đã chọn)"), permissions=["delete"])
    def unlock(self, request, queryset):
        count = login_lockouts_clear(attempts=queryset)
        self.message_user(
            request,
            _("Đã mở khoá %(count)d lượt đăng nhập.") % {"count": count},
        )


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptUnlockAdmin)
