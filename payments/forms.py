from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.phones import parse_vn_phone


class OrderLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Mã đơn hàng"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "100042"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại đã dùng khi đặt"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "0912 345 678"}),
    )

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper().removeprefix("CS").strip()
        if not number.isdigit():
            raise ValidationError(_("Mã đơn hàng là một dãy số, ví dụ 100042."))
        return number

    def clean_phone(self):
        parse_vn_phone(self.cleaned_data["phone"], mobile_only=False)
        return self.cleaned_data["phone"]


class MarkPaidForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú (bắt buộc)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: đã thấy tiền trong ứng dụng ngân hàng, mã giao dịch FT2511…"),
        max_length=1000,
    )


class StatementImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp sao kê (CSV)"), widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}))

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("Tệp lớn hơn 2 MB; hãy chia nhỏ sao kê."))
        return upload
