from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

from core import geo
from core.money import format_vnd
from core.phones import e164, parse_vn_phone

DELIVERY = "delivery"


class CheckoutDetailsForm(forms.Form):
    """Everything checkout needs on one form: who, where, how it travels and how it is paid.

    The commune list depends on the province. Without JavaScript the buyer presses
    “Cập nhật danh sách xã” (``update_communes``) after choosing the province; with it,
    the list reloads on change. The address is required only for delivery.
    """

    name = forms.CharField(label=_("Họ và tên"), max_length=120)
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0912 345 678"}),
    )
    email = forms.EmailField(
        label=_("Email (không bắt buộc)"),
        required=False,
        help_text=_("Để nhận thư xác nhận đơn hàng."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    shipping_method = forms.ChoiceField(label=_("Cách nhận hàng"), widget=forms.RadioSelect)
    province = forms.TypedChoiceField(label=_("Tỉnh/thành phố"), coerce=int, required=False, empty_value=None)
    commune = forms.TypedChoiceField(label=_("Xã/phường"), coerce=int, required=False, empty_value=None)
    street = forms.CharField(
        label=_("Số nhà, thôn/xóm, đường"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    notes = forms.CharField(
        label=_("Ghi chú cho người bán (không bắt buộc)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    payment_method = forms.ChoiceField(label=_("Thanh toán"), widget=forms.RadioSelect)

    def __init__(self, *args, shipping_methods, gateways, shipping_charges=None, **kwargs):
        super().__init__(*args, **kwargs)
        charges = shipping_charges or {}

        def label(method):
            if method.code not in charges:
                return method.name
            fee = charges[method.code]
            return f"{method.name} · {format_vnd(fee) if fee else _('miễn phí')}"

        self.fields["shipping_method"].choices = [(m.code, label(m)) for m in shipping_methods]
        self.fields["payment_method"].choices = [(g.code, g.label) for g in gateways]
        self.shipping_methods = {m.code: m for m in shipping_methods}
        self.gateways = {g.code: g for g in gateways}
        self.fields["province"].choices = [("", _("— Chọn tỉnh/thành phố —")), *geo.province_choices()]
        province = self._province_value()
        communes = geo.commune_choices(province) if province else []
        first = _("— Chọn xã/phường —") if province else _("— Chọn tỉnh trước —")
        self.fields["commune"].choices = [("", first), *communes]

    def _province_value(self) -> int | None:
        raw = self.data.get(self.add_prefix("province")) if self.is_bound else self.initial.get("province")
        try:
            code = int(raw)
        except (TypeError, ValueError):
            return None
        return code if geo.province_name(code) else None

    def clean_phone(self):
        return e164(parse_vn_phone(self.cleaned_data["phone"], mobile_only=True))

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise ValidationError(_("Hãy nhập họ và tên người nhận."))
        return name

    def clean(self):
        data = super().clean()
        if data.get("shipping_method") == DELIVERY:
            province, commune = data.get("province"), data.get("commune")
            if not province:
                self.add_error("province", _("Hãy chọn tỉnh/thành phố để giao hàng."))
            if not commune:
                self.add_error("commune", _("Hãy chọn xã/phường để giao hàng."))
            elif province:
                try:
                    geo.validate_commune_in_province(province_code=province, commune_code=commune)
                except ValidationError as exc:
                    self.add_error("commune", exc)
            if not (data.get("street") or "").strip():
                self.add_error("street", _("Hãy nhập số nhà, thôn/xóm hoặc đường."))
        return data

    def address_fields(self) -> dict:
        """Fields for Oscar's ``ShippingAddress``: the name in ``last_name`` (one Vietnamese full name),
        street, commune and province names, and the phone."""
        data = self.cleaned_data
        delivery = data["shipping_method"] == DELIVERY
        return {
            "first_name": "",
            "last_name": data["name"],
            "line1": data["street"].strip() if delivery else "",
            "line2": geo.commune_name(data["commune"]) if delivery else "",
            "state": geo.province_name(data["province"]) if delivery else "",
            "country_id": "VN",
            "phone_number": PhoneNumber.from_string(data["phone"]),
            "notes": data["notes"],
        }
