from django import forms
from django.utils.translation import gettext_lazy as _

from core import geo
from payments.banks import bank_choices

from .models import Market
from .services import CONSENT_VERSION

CONSENT_TEXT = _(
    "Tôi đồng ý để Chợ Số và ban quản lý chợ xử lý họ tên, số điện thoại, số CCCD và thông tin tài khoản "
    "ngân hàng của tôi để tạo và in mã QR nhận tiền cho sạp. Thông tin tài khoản là dữ liệu cá nhân nhạy cảm "
    "(Nghị định 13/2023/NĐ-CP); chỉ tôi và cán bộ được giao mới xem được đầy đủ. Tôi có thể yêu cầu sửa hoặc "
    "xoá bất cứ lúc nào."
)


def add_service_errors(form, exc, aliases: dict | None = None) -> None:
    """A service's ValidationError shown on the form: each message on its field (``aliases``
    maps a service's field name to the form's), the rest at the top."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):  # a message for the whole form
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


class VendorApplicationForm(forms.Form):
    """Short, in Vietnamese, one column, works without JavaScript."""

    name = forms.CharField(label=_("Họ và tên"), max_length=120)
    phone = forms.CharField(
        label=_("Số di động"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    )
    market = forms.ModelChoiceField(
        label=_("Chợ / tuyến phố"), queryset=Market.objects.all(), empty_label=_("— Chọn chợ —")
    )
    stall_code = forms.CharField(
        label=_("Mã sạp"), max_length=20, help_text=_("Ví dụ B12. Hỏi ban quản lý chợ nếu chưa rõ.")
    )
    place = forms.CharField(label=_("Vị trí (dãy, số)"), max_length=60, required=False)
    goods = forms.CharField(label=_("Mặt hàng bán"), max_length=120, required=False)
    bank_bin = forms.ChoiceField(label=_("Ngân hàng"))
    account_number = forms.CharField(
        label=_("Số tài khoản"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    is_card = forms.BooleanField(label=_("Đây là số thẻ, không phải số tài khoản"), required=False)
    holder_name = forms.CharField(
        label=_("Tên chủ tài khoản"), max_length=60, help_text=_("Đúng như trên thẻ hoặc ứng dụng ngân hàng.")
    )
    cccd = forms.CharField(
        label=_("Số CCCD (không bắt buộc)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)

    consent_version = CONSENT_VERSION

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_bin"].choices = [("", _("— Chọn ngân hàng —")), *bank_choices()]


class ReviewForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một hồ sơ trong bảng.")},
    )
    action = forms.ChoiceField(choices=[("approve", _("Duyệt")), ("reject", _("Từ chối"))])
    verified = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple, required=False)
    reason = forms.CharField(label=_("Lý do từ chối (tiểu thương sẽ đọc)"), max_length=255, required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = queryset
        # "Đã xác minh": the organiser called the vendor whose phone a flagged application uses.
        self.fields["verified"].queryset = queryset.filter(phone_known=True)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Hãy ghi lý do từ chối để tiểu thương biết cần sửa gì."))
        return data


class VendorLoginForm(forms.Form):
    phone = forms.CharField(label=_("Số di động"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    password = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput)


class VendorPasswordForm(forms.Form):
    """Phone, the one-time code from the approval slip or SMS, and the new password."""

    phone = forms.CharField(
        label=_("Số di động đã đăng ký"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("Mã đặt mật khẩu (6 chữ số, trên phiếu hoặc tin nhắn)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu mới"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 8 ký tự, có cả chữ và số; đừng dùng số điện thoại hay tên của mình."),
    )


class AccountChangeForm(forms.Form):
    bank_bin = forms.ChoiceField(label=_("Ngân hàng"))
    account_number = forms.CharField(label=_("Số tài khoản mới"), max_length=30)
    is_card = forms.BooleanField(label=_("Đây là số thẻ, không phải số tài khoản"), required=False)
    holder_name = forms.CharField(label=_("Tên chủ tài khoản"), max_length=60)
    password = forms.CharField(
        label=_("Mật khẩu của bạn (nhập lại để xác nhận)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_bin"].choices = [("", _("— Chọn ngân hàng —")), *bank_choices()]


class ApplicationLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Mã hồ sơ"), max_length=20, widget=forms.TextInput(attrs={"placeholder": "HS12345678"})
    )
    phone = forms.CharField(
        label=_("Số di động đã đăng ký"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def clean_reference(self):
        # Read out on the phone it may come as "hs 1234-5678".
        return "".join(ch for ch in self.cleaned_data["reference"] if ch.isalnum()).upper()[:16]


class MarketForm(forms.ModelForm):
    """An organiser declares a market or street of their own area. Without JavaScript the
    organiser presses “Cập nhật danh sách xã” after choosing the province."""

    province_code = forms.TypedChoiceField(label=_("Tỉnh/thành phố"), coerce=int)
    commune_code = forms.TypedChoiceField(label=_("Xã/phường"), coerce=int)

    class Meta:
        model = Market
        fields = ["name", "kind", "province_code", "commune_code", "declared_stalls"]

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["province_code"].choices = [("", _("— Chọn tỉnh/thành phố —")), *area.province_choices()]
        self.fields["province_code"].widget.attrs["id"] = "id_province"
        raw = self.data.get("province_code") if self.is_bound else self.initial.get("province_code")
        if raw is None and not area.everywhere:
            raw = area.province_code
            self.initial.setdefault("province_code", raw)
        try:
            province = int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            province = None
        communes = area.commune_choices(province)
        self.fields["commune_code"].choices = [
            ("", _("— Chọn xã/phường —") if communes else _("— Chọn tỉnh trước —")),
            *communes,
        ]

    def clean(self):
        data = super().clean()
        province, commune = data.get("province_code"), data.get("commune_code")
        if province and commune:
            try:
                geo.validate_commune_in_province(province_code=province, commune_code=commune)
            except forms.ValidationError as exc:
                self.add_error("commune_code", exc)
            else:
                if not self.area.contains(province_code=province, commune_code=commune):
                    self.add_error("commune_code", _("Xã/phường này không thuộc địa bàn của bạn."))
        return data
