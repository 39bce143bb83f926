from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEffect(models.Model):
    """A side effect (an email, a text, a rollup, a PDF to draw) written in the same
    transaction as the change that causes it, and carried out by a worker afterwards: a
    broker or worker that is down delays it, never loses it (``core.outbox``)."""

    task = models.CharField(_("Tác vụ"), max_length=200)  # a registered Celery task's name
    args = models.JSONField(_("Tham số"), default=list)
    # Effects with the same key do the same work: pending ones are carried out once together
    # (fifty approvals in one market and day, one statistics rebuild). Blank: never merged.
    key = models.CharField(_("Khoá gộp"), max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(_("Tạo lúc"), auto_now_add=True)
    # When the sweeper may pick it up: a little after creation (the worker normally runs it at
    # once), then later after each failure; null once given up.
    due_at = models.DateTimeField(_("Đến hạn"), null=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("Số lần thử"), default=0)
    done_at = models.DateTimeField(_("Xong lúc"), null=True, blank=True)
    last_error = models.CharField(_("Lỗi gần nhất"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Việc chờ gửi")
        verbose_name_plural = _("Việc chờ gửi")
        indexes = [models.Index(fields=["done_at", "due_at"], name="outbox_pending")]

    def __str__(self):
        return f"{self.task}{self.args} #{self.pk}"
