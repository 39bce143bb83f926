"""Markets, stalls, vendors and their applications, and the QR codes issued to stalls.

Bank data is sensitive personal data (Decree 13/2023): an application records the
vendor's explicit consent (text version and time). An application reaches "QR issued"
only through ``services.stall_qr_issue``, which builds the payload with the VietQR codec;
nothing else writes ``IssuedQR``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core import geo

ACCOUNT_VALIDATOR = RegexValidator(
    r"^[0-9A-Za-z]{1,19}$", _("Số tài khoản gồm 1–19 chữ số hoặc chữ cái, không dấu cách.")
)


class Market(models.Model):
    class Kind(models.TextChoices):
        MARKET = "market", _("Chợ")
        STREET = "street", _("Tuyến phố")

    name = models.CharField(_("Tên"), max_length=150)
    slug = models.SlugField(_("Đường dẫn"), max_length=80, unique=True)
    kind = models.CharField(_("Loại"), max_length=10, choices=Kind.choices, default=Kind.MARKET)
    province_code = models.PositiveSmallIntegerField(_("Tỉnh/thành phố"), choices=geo.province_choices)
    commune_code = models.PositiveIntegerField(_("Xã/phường"))
    declared_stalls = models.PositiveIntegerField(
        _("Tổng số sạp (khai báo)"), validators=[MinValueValidator(1)], help_text=_("Dùng để tính tỷ lệ sạp dùng QR.")
    )
    created_at = models.DateTimeField(_("Ngày tạo"), default=timezone.now)

    class Meta:
        verbose_name = _("Chợ / tuyến phố")
        verbose_name_plural = _("Chợ / tuyến phố")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def commune_name(self) -> str:
        return geo.commune_name(self.commune_code)


class Stall(models.Model):
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="stalls", verbose_name=_("Chợ"))
    code = models.CharField(_("Mã sạp"), max_length=20)
    place = models.CharField(_("Vị trí (dãy, số)"), max_length=60, blank=True)
    goods = models.CharField(_("Mặt hàng"), max_length=120, blank=True)
    name = models.CharField(_("Tên sạp"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("Sạp")
        verbose_name_plural = _("Sạp")
        ordering = ["market__name", "code"]
        constraints = [models.UniqueConstraint(fields=["market", "code"], name="stall_code_unique_in_market")]

    def __str__(self):
        return f"{self.market.name} · {self.code}"


class Merchant(models.Model):
    """The vendor (a person). Logs in with their phone once approved."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="merchant"
    )
    name = models.CharField(_("Họ và tên"), max_length=120)
    phone = PhoneNumberField(_("Số di động"), max_length=16, unique=True, region="VN")  # stored E.164
    cccd = models.CharField(_("Số CCCD"), max_length=12, blank=True)
    consent_version = models.CharField(_("Phiên bản điều khoản đã đồng ý"), max_length=20)
    consent_at = models.DateTimeField(_("Thời điểm đồng ý"))
    # The vendor's password (the first, or a new one after it was forgotten) can be set only
    # with a one-time code that reaches them out of band: on the approval slip the organiser
    # hands over, or by SMS. Stored hashed; dead after it expires or after too many wrong tries.
    password_code_hash = models.CharField(max_length=128, blank=True)
    password_code_expires = models.DateTimeField(null=True, blank=True)
    password_code_failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Tiểu thương")
        verbose_name_plural = _("Tiểu thương")

    def __str__(self):
        return self.name


class Application(models.Model):
    """A request for a stall's QR: a new vendor's, or a vendor's change of payout account.

    Both go through the organiser's review; the stall's current QR stays live until a change
    is approved. The applicant's name, CCCD and consent are kept on the application as
    submitted: anonymous input never rewrites a stored ``Merchant``. When the phone already
    belongs to a vendor and the sender was not that vendor logged in, ``phone_known`` marks it
    for the organiser to verify before approving.
    """

    class Kind(models.TextChoices):
        NEW = "new", _("Đăng ký mới")
        ACCOUNT_CHANGE = "account-change", _("Đổi tài khoản nhận tiền")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        QR_ISSUED = "qr-issued", _("Đã cấp mã QR")
        PLACARD_PRINTED = "placard-printed", _("Đã in bảng QR")
        REJECTED = "rejected", _("Bị từ chối")

    reference = models.CharField(_("Mã hồ sơ"), max_length=16, unique=True)
    kind = models.CharField(_("Loại hồ sơ"), max_length=16, choices=Kind.choices, default=Kind.NEW)
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="applications")
    applicant_name = models.CharField(_("Họ và tên (như đã khai)"), max_length=120)
    applicant_cccd = models.CharField(_("Số CCCD (như đã khai)"), max_length=12, blank=True)
    consent_version = models.CharField(_("Phiên bản điều khoản đã đồng ý"), max_length=20)
    consent_at = models.DateTimeField(_("Thời điểm đồng ý"))
    phone_known = models.BooleanField(
        _("Số điện thoại đã có tiểu thương"),
        default=False,
        help_text=_("Người gửi không đăng nhập bằng số này: gọi xác minh với tiểu thương trước khi duyệt."),
    )
    stall = models.ForeignKey(Stall, on_delete=models.PROTECT, related_name="applications")
    bank_bin = models.CharField(_("Ngân hàng (BIN)"), max_length=6)
    account_number = models.CharField(_("Số tài khoản/số thẻ"), max_length=19, validators=[ACCOUNT_VALIDATOR])
    is_card = models.BooleanField(_("Là số thẻ"), default=False)
    holder_name = models.CharField(_("Tên chủ tài khoản"), max_length=25)
    status = models.CharField(_("Trạng thái"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reject_reason = models.CharField(_("Lý do từ chối"), max_length=255, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Hồ sơ đăng ký")
        verbose_name_plural = _("Hồ sơ đăng ký")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["stall"], condition=Q(status="submitted"), name="one_pending_application_per_stall"
            )
        ]
        permissions = [
            ("review_application", _("Duyệt hồ sơ tiểu thương và in bảng QR")),
            ("onboard_vendors", _("Đăng ký hộ tiểu thương (tổ công nghệ số cộng đồng)")),
            ("view_personal_data", _("Xem đầy đủ số CCCD và số tài khoản (được ghi nhật ký)")),
        ]

    def __str__(self):
        return self.reference


class IssuedQR(models.Model):
    """A stall's static VietQR, one version per issue; re-issuing revokes the previous one."""

    stall = models.ForeignKey(Stall, on_delete=models.PROTECT, related_name="qrs")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="qrs")
    version = models.PositiveIntegerField()
    payload = models.TextField()
    bank_bin = models.CharField(max_length=6)
    account_number = models.CharField(max_length=19)
    holder_name = models.CharField(max_length=25)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Mã QR đã cấp")
        verbose_name_plural = _("Mã QR đã cấp")
        ordering = ["stall_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["stall", "version"], name="qr_version_unique_per_stall"),
            models.UniqueConstraint(
                fields=["stall"], condition=Q(revoked_at__isnull=True), name="one_live_qr_per_stall"
            ),
        ]

    def __str__(self):
        return f"{self.stall} v{self.version}"


class PlacardPrint(models.Model):
    class Layout(models.TextChoices):
        A6 = "a6", _("A6, một bảng")
        A4x4 = "a4x4", _("A4, bốn bảng một tờ")

    qr = models.ForeignKey(IssuedQR, on_delete=models.PROTECT, related_name="prints")
    layout = models.CharField(max_length=8, choices=Layout.choices)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    printed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.qr} {self.layout}"


class StallPayment(models.Model):
    """Money a bank-notification feed reported into a stall's own account: the vendor's
    "money received" alert, and the evidence that the stall is active."""

    stall = models.ForeignKey(Stall, on_delete=models.PROTECT, related_name="payments")
    qr = models.ForeignKey(IssuedQR, on_delete=models.PROTECT, related_name="payments")
    bank_transaction = models.OneToOneField(
        "payments.BankTransaction", on_delete=models.PROTECT, related_name="stall_payment"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["stall", "received_at"])]

    def __str__(self):
        return f"{self.stall} {self.amount}"


class PersonalDataAccess(models.Model):
    """Who saw or changed a vendor's CCCD or account number in full, and when (Decree 13/2023)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Xem")
        CHANGE = "change", _("Sửa")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="personal_data_accesses")
    action = models.CharField(max_length=10, choices=Action.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.actor_id} {self.action} {self.application_id}"


class MerchantEvent(models.Model):
    """The audit log of everything that touches a vendor's login or payout account: who did
    it (a user, or nobody for an anonymous sender), from which address, and when. Written by
    the services only; read-only in the admin."""

    class Action(models.TextChoices):
        APPLICATION_SUBMITTED = "application-submitted", _("Gửi hồ sơ")
        APPLICATION_APPROVED = "application-approved", _("Duyệt hồ sơ")
        APPLICATION_REJECTED = "application-rejected", _("Từ chối hồ sơ")
        CODE_ISSUED = "code-issued", _("Cấp mã đặt mật khẩu")
        CODE_FAILED = "code-failed", _("Nhập sai mã đặt mật khẩu")
        PASSWORD_SET = "password-set", _("Đặt mật khẩu")
        ACCOUNT_CHANGE_REQUESTED = "account-change-requested", _("Yêu cầu đổi tài khoản nhận tiền")
        ACCOUNT_CHANGE_PASSWORD_FAILED = "account-change-password-failed", _("Sai mật khẩu khi đổi tài khoản")
        ACCOUNT_CHANGE_APPROVED = "account-change-approved", _("Duyệt đổi tài khoản nhận tiền")
        ACCOUNT_CHANGE_REJECTED = "account-change-rejected", _("Từ chối đổi tài khoản nhận tiền")
        NOTICE_SENT = "notice-sent", _("Gửi tin báo cho tiểu thương")

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="events")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    action = models.CharField(_("Việc"), max_length=40, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(_("Chi tiết"), max_length=255, blank=True)
    at = models.DateTimeField(_("Lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("Nhật ký tiểu thương")
        verbose_name_plural = _("Nhật ký tiểu thương")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["merchant", "at"])]

    def __str__(self):
        return f"{self.merchant_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def detail_display(self) -> str:
        """The detail in words for the organiser's page; the stored tokens stay stable for
        whoever reads the log later (a reject reason or account tail shows as written)."""
        words = {
            "phone-known": _("số điện thoại đã có tiểu thương"),
            "phone-verified": _("đã gọi xác minh"),
            "approval": _("khi duyệt hồ sơ"),
            "reset": _("cấp lại"),
            "cancelled-by-vendor": _("tiểu thương tự huỷ"),
            "code": _("mã đặt mật khẩu"),
            "account-change-requested": _("yêu cầu đổi tài khoản"),
            "account-change-approved": _("đã duyệt đổi tài khoản"),
            "sms": _("đã nhắn tin"),
            "sms off": _("không nhắn (tin nhắn đang tắt)"),
        }
        head, sep, rest = self.detail.partition(": ")
        if sep and head in words:
            status, _sep, reason = rest.partition(": ")
            shown = words.get(status, _("nhắn tin lỗi") if status == "sms failed" else status)
            return f"{words[head]}: {shown}" + (f" ({reason})" if reason else "")
        return str(words.get(self.detail, self.detail))


class PlacardBatch(models.Model):
    """A whole market's placards, rendered by a Celery task that reports its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        READY = "ready", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="placard_batches")
    layout = models.CharField(max_length=8, choices=PlacardPrint.Layout.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="placards/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.market} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class OrganiserArea(models.Model):
    """The commune or province an organiser (a commune or province official) answers for.

    Organisers see and act on markets, applications and statistics of their area only:
    a commune organiser their commune, a province organiser (no commune) the whole
    province. Platform admins (superusers) need no area. See ``merchants.areas``.
    The table keeps the name it had when the model lived in ``market``.
    """

    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="organiser_area", verbose_name=_("Cán bộ")
    )
    province_code = models.PositiveSmallIntegerField(_("Tỉnh/thành phố"), choices=geo.province_choices)
    commune_code = models.PositiveIntegerField(
        _("Xã/phường"), null=True, blank=True, help_text=_("Để trống với cán bộ cấp tỉnh.")
    )

    class Meta:
        db_table = "market_organiserarea"
        verbose_name = _("Địa bàn của cán bộ")
        verbose_name_plural = _("Địa bàn của cán bộ")

    def __str__(self):
        return f"{self.user} · {geo.commune_name(self.commune_code) or geo.province_name(self.province_code)}"

    def clean(self):
        if self.commune_code and self.province_code:
            try:
                geo.validate_commune_in_province(province_code=self.province_code, commune_code=self.commune_code)
            except ValidationError as exc:
                raise ValidationError({"commune_code": exc}) from None
