"""Our side of payments: what arrives from banks and Stripe, and what staff did by hand.

Oscar's ``payment`` app (``Source``, ``Transaction``, ``PaymentEvent``) stays the order-side
ledger; these models record the incoming evidence and make it idempotent through unique
constraints (provider transaction id, Stripe event id, one PaymentIntent per order).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BankTransaction(models.Model):
    """One credit reported by a bank-notification service or a statement.

    Stored once per provider id, and once per bank reference across providers: a transfer
    that a webhook reported and a statement import lists again is the same money.
    """

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Đã khớp, đơn đã thanh toán")
        NEEDS_REVIEW = "needs-review", _("Cần kiểm tra")
        UNMATCHED = "unmatched", _("Không khớp đơn nào")
        IGNORED = "ignored", _("Tiền ra")
        ACCOUNT = "account", _("Tiền vào tài khoản sạp")

    class Channel(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        PULL = "pull", _("Đối soát qua API")
        STATEMENT = "statement", _("Sao kê")

    provider = models.CharField(_("Nguồn"), max_length=20)
    provider_txn_id = models.CharField(_("Mã giao dịch của nguồn"), max_length=100)
    bank_reference = models.CharField(_("Mã tham chiếu của ngân hàng"), max_length=100, blank=True, default="")
    account_number = models.CharField(_("Số tài khoản nhận"), max_length=30, blank=True)
    amount = models.DecimalField(_("Số tiền"), max_digits=14, decimal_places=0)
    memo = models.CharField(_("Nội dung chuyển khoản"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("Thời điểm giao dịch"), null=True, blank=True)
    received_at = models.DateTimeField(_("Thời điểm nhận"), auto_now_add=True)
    outcome = models.CharField(_("Kết quả"), max_length=20, choices=Outcome.choices)
    reason = models.CharField(_("Lý do"), max_length=255, blank=True)
    order = models.ForeignKey(
        "order.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_transactions",
        verbose_name=_("Đơn hàng"),
    )
    raw = models.JSONField(_("Dữ liệu gốc"), default=dict, blank=True)
    # How it first reached us, and when the provider's webhook delivered it (first or after a
    # pull found it): a pulled row no webhook ever delivered means the webhook is broken.
    channel = models.CharField(_("Nhận qua"), max_length=10, choices=Channel.choices, default=Channel.WEBHOOK)
    webhook_at = models.DateTimeField(_("Webhook gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("Giao dịch ngân hàng")
        verbose_name_plural = _("Giao dịch ngân hàng")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["provider", "channel", "received_at"], name="bank_txn_feed_health")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_txn_id"], name="bank_txn_once_per_provider_id"),
            models.UniqueConstraint(
                fields=["bank_reference"],
                condition=~models.Q(bank_reference=""),
                name="bank_txn_once_per_bank_reference",
            ),
        ]

    def __str__(self):
        return f"{self.provider}:{self.provider_txn_id}"


class BankFeedStatus(models.Model):
    """What staff need to know about one provider's feed: when it last delivered, refused, was pulled.

    One row per provider, written at most every ``FEED_TOUCH_SECONDS`` by the webhook (so a
    burst of deliveries does not queue on this row) and once per pull.
    """

    provider = models.CharField(_("Nguồn"), max_length=20, primary_key=True)
    last_webhook_at = models.DateTimeField(_("Thông báo gần nhất"), null=True, blank=True)
    last_refused_at = models.DateTimeField(_("Lần từ chối gần nhất"), null=True, blank=True)
    last_refused_reason = models.CharField(_("Lý do từ chối"), max_length=255, blank=True)
    last_pull_at = models.DateTimeField(_("Lần đối soát gần nhất"), null=True, blank=True)
    last_pull_ok_at = models.DateTimeField(_("Lần đối soát thành công gần nhất"), null=True, blank=True)
    last_pull_error = models.CharField(_("Lỗi đối soát"), max_length=500, blank=True)
    last_pull_fetched = models.PositiveIntegerField(_("Giao dịch đọc được"), default=0)
    last_pull_new = models.PositiveIntegerField(_("Giao dịch mới"), default=0)

    class Meta:
        verbose_name = _("Tình trạng nguồn thông báo ngân hàng")
        verbose_name_plural = _("Tình trạng nguồn thông báo ngân hàng")

    def __str__(self):
        return self.provider


class StripePaymentIntent(models.Model):
    """The one PaymentIntent of an order."""

    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="stripe_intent")
    intent_id = models.CharField(max_length=255, unique=True)
    client_secret = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.intent_id


class StripeEvent(models.Model):
    """A verified Stripe webhook event, stored once per event id."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    order = models.ForeignKey("order.Order", on_delete=models.SET_NULL, null=True, blank=True)
    # A card payment that could not be applied (the order had expired, was cancelled or
    # already paid): money taken at Stripe that staff must refund or settle by hand.
    needs_review = models.BooleanField(default=False)
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return self.event_id


class PaymentAudit(models.Model):
    """Who did what to an order's payment by hand, and why."""

    class Action(models.TextChoices):
        MARK_PAID = "mark-paid", _("Đánh dấu đã thanh toán")
        COLLECT_CASH = "collect-cash", _("Đã giao và thu tiền mặt")
        STATEMENT_IMPORT = "statement-import", _("Nhập sao kê")
        CANCEL = "cancel", _("Huỷ đơn")

    order = models.ForeignKey(
        "order.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="payment_audits"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("Thao tác"), max_length=30, choices=Action.choices)
    note = models.TextField(_("Ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Nhật ký thanh toán")
        verbose_name_plural = _("Nhật ký thanh toán")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_action_display()} {self.order_id or ''}"


class OrderNotification(models.Model):
    """One email sent about one order event to one recipient group; makes the email tasks idempotent."""

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=20)  # "placed" or "paid"
    recipient = models.CharField(max_length=40)  # "buyer" or "coop:<id>"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "event", "recipient"], name="order_notification_once")]

    def __str__(self):
        return f"{self.order_id} {self.event} {self.recipient}"
