"""Cooperatives and their OCOP certificates.

A ``Cooperative`` is one-to-one with Oscar's ``partner.Partner``: stock records, order
lines and ``Partner.users`` (who may manage its products) all hang off the partner, so a
cooperative gets Oscar's scoping for free. The display name lives on ``Partner.name``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core import geo


class Cooperative(models.Model):
    class Kind(models.TextChoices):
        HTX = "htx", _("Hợp tác xã")
        THT = "tht", _("Tổ hợp tác")
        HKD = "hkd", _("Hộ kinh doanh")
        DN = "dn", _("Doanh nghiệp")

    partner = models.OneToOneField(
        "partner.Partner", on_delete=models.PROTECT, related_name="cooperative", verbose_name=_("Đối tác (Oscar)")
    )
    slug = models.SlugField(_("Đường dẫn"), max_length=80, unique=True)
    legal_name = models.CharField(_("Tên pháp lý"), max_length=200)
    kind = models.CharField(_("Loại hình"), max_length=3, choices=Kind.choices, default=Kind.HTX)
    tax_code = models.CharField(
        _("Mã số thuế"),
        max_length=14,
        blank=True,
        validators=[RegexValidator(r"^\d{10}(-\d{3})?$", _("Mã số thuế gồm 10 chữ số (có thể thêm -XXX)."))],
    )
    province_code = models.PositiveSmallIntegerField(_("Tỉnh/thành phố"), choices=geo.province_choices)
    commune_code = models.PositiveIntegerField(_("Xã/phường"))
    address = models.CharField(_("Địa chỉ (thôn, số nhà)"), max_length=255, blank=True)
    phone = PhoneNumberField(_("Điện thoại"), max_length=20, blank=True, region="VN")  # stored E.164
    story = models.TextField(_("Câu chuyện"), blank=True)
    logo = models.ImageField(_("Logo"), upload_to="cooperatives/", blank=True)
    shipping_fee = models.DecimalField(
        _("Phí giao hàng"),
        max_digits=12,
        decimal_places=0,
        default=30000,
        validators=[MinValueValidator(0)],
        help_text=_("Một khoản cố định cho mỗi đơn có hàng của hợp tác xã này."),
    )
    pickup_point = models.CharField(
        _("Điểm nhận hàng tại chợ"),
        max_length=200,
        blank=True,
        help_text=_("Sạp hoặc gian hàng nơi người mua có thể đến nhận hàng. Để trống nếu không có."),
    )

    class Meta:
        verbose_name = _("Hợp tác xã")
        verbose_name_plural = _("Hợp tác xã")
        ordering = ["partner__name"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.partner.name

    @property
    def province_name(self) -> str:
        return geo.province_name(self.province_code)

    @property
    def commune_name(self) -> str:
        return geo.commune_name(self.commune_code)

    def clean(self):
        if self.province_code and self.commune_code:
            try:
                geo.validate_commune_in_province(province_code=self.province_code, commune_code=self.commune_code)
            except ValidationError as exc:
                raise ValidationError({"commune_code": exc.messages}) from None


class OcopCertificationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(decision_date__lte=day, valid_until__gte=day)

    def valid_today(self):
        return self.valid_on(timezone.localdate())


class OcopCertification(models.Model):
    """One OCOP decision for one product. Only a certificate valid today earns a badge."""

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("Cấp tỉnh")
        NATIONAL = "national", _("Cấp quốc gia")

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="ocop_certifications", verbose_name=_("Sản phẩm")
    )
    stars = models.PositiveSmallIntegerField(
        _("Số sao"), validators=[MinValueValidator(3), MaxValueValidator(5)], choices=[(3, "3★"), (4, "4★"), (5, "5★")]
    )
    number = models.CharField(_("Số quyết định/giấy chứng nhận"), max_length=60)
    level = models.CharField(_("Cấp công nhận"), max_length=12, choices=Level.choices, default=Level.PROVINCIAL)
    decision_date = models.DateField(_("Ngày quyết định"))
    valid_until = models.DateField(_("Có hiệu lực đến"))

    objects = OcopCertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Chứng nhận OCOP")
        verbose_name_plural = _("Chứng nhận OCOP")
        ordering = ["-valid_until"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="ocop_one_record_per_decision"),
            models.CheckConstraint(condition=models.Q(stars__gte=3, stars__lte=5), name="ocop_stars_3_to_5"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("decision_date")), name="ocop_valid_after_decision"
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.stars}★)"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.decision_date <= day <= self.valid_until

    @property
    def is_valid(self) -> bool:
        return self.is_valid_on(timezone.localdate())

    def clean(self):
        if self.decision_date and self.valid_until and self.valid_until < self.decision_date:
            raise ValidationError({"valid_until": _("Ngày hết hiệu lực phải sau ngày quyết định.")})


class CooperativeDailyVolume(models.Model):
    """Orders, lines, quantity and revenue of one cooperative on one day, per payment method.

    A rollup, never edited by hand: ``volume.cooperative_volume_rebuild`` recomputes a
    day from the order lines, so rebuilding twice gives identical rows. Days are
    Asia/Ho_Chi_Minh days. Cancelled and expired orders are left out; ``paid_*`` count
    the orders whose money has arrived (transfer, card, or cash collected).
    """

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="daily_volumes", verbose_name=_("Hợp tác xã")
    )
    day = models.DateField(_("Ngày"))
    payment_method = models.CharField(_("Hình thức thanh toán"), max_length=20)
    orders = models.PositiveIntegerField(_("Số đơn"), default=0)
    lines = models.PositiveIntegerField(_("Số dòng hàng"), default=0)
    quantity = models.PositiveIntegerField(_("Số lượng"), default=0)
    revenue = models.DecimalField(_("Doanh thu"), max_digits=14, decimal_places=0, default=0)
    paid_orders = models.PositiveIntegerField(_("Số đơn đã thanh toán"), default=0)
    paid_revenue = models.DecimalField(_("Doanh thu đã thanh toán"), max_digits=14, decimal_places=0, default=0)

    class Meta:
        verbose_name = _("Sản lượng ngày của hợp tác xã")
        verbose_name_plural = _("Sản lượng ngày của hợp tác xã")
        ordering = ["-day", "cooperative_id", "payment_method"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "day", "payment_method"], name="coop_volume_one_row_per_day_method"
            )
        ]
        indexes = [models.Index(fields=["day", "cooperative"])]

    def __str__(self):
        return f"{self.cooperative_id} {self.day} {self.payment_method}"
