from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import geo


class MarketDailyFacts(models.Model):
    """One market's state at the end of one local day, and that day's flows.

    Stall counts (registered, approved, QR live, placard printed, active) are the state at
    the day's end, worked out from timestamps, so any past day can be rebuilt. ``onboarded``
    and the payments are the day's own flows.
    """

    market = models.ForeignKey("merchants.Market", on_delete=models.CASCADE, related_name="daily_facts")
    day = models.DateField(_("Ngày"))
    registered = models.PositiveIntegerField(_("Sạp đã đăng ký"), default=0)
    approved = models.PositiveIntegerField(_("Sạp được duyệt"), default=0)
    qr_live = models.PositiveIntegerField(_("Sạp có mã QR còn hiệu lực"), default=0)
    placard_printed = models.PositiveIntegerField(_("Sạp đã in bảng QR"), default=0)
    active = models.PositiveIntegerField(_("Sạp hoạt động (30 ngày)"), default=0)
    onboarded = models.PositiveIntegerField(_("Hồ sơ mới trong ngày"), default=0)
    payments = models.PositiveIntegerField(_("Số giao dịch nhận tiền"), default=0)
    payments_amount = models.DecimalField(_("Tiền nhận qua QR"), max_digits=16, decimal_places=0, default=0)

    class Meta:
        verbose_name = _("Số liệu ngày của chợ")
        verbose_name_plural = _("Số liệu ngày của chợ")
        constraints = [models.UniqueConstraint(fields=["market", "day"], name="market_facts_one_row_per_day")]
        indexes = [models.Index(fields=["day", "market"])]
        permissions = [("view_statistics", _("Xem thống kê của địa bàn mình (cán bộ xã, tỉnh)"))]

    def __str__(self):
        return f"{self.market_id} {self.day}"


class AgentDailyOnboarding(models.Model):
    """Applications a field agent sent for one market on one local day (a camp day)."""

    market = models.ForeignKey("merchants.Market", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    applications = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["market", "agent", "day"], name="agent_onboarding_one_row_per_day")
        ]
        indexes = [models.Index(fields=["day", "market"])]

    def __str__(self):
        return f"{self.agent_id} {self.market_id} {self.day}"


class ProvinceTarget(models.Model):
    """The adoption target a province sets itself (e.g. 80%), drawn as a line on the trend."""

    province_code = models.PositiveSmallIntegerField(_("Tỉnh/thành phố"), choices=geo.province_choices, unique=True)
    target_percent = models.PositiveSmallIntegerField(
        _("Mục tiêu tỷ lệ sạp dùng QR (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("Mục tiêu của tỉnh")
        verbose_name_plural = _("Mục tiêu của tỉnh")

    def __str__(self):
        return f"{geo.province_name(self.province_code)}: {self.target_percent}%"
