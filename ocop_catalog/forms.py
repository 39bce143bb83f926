from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from core.money import format_vnd, parse_dong
from core.phones import national, parse_vn_phone

from .models import OcopCertification
from .photos import photo_normalise
from .selectors import CatalogueFilters, Sort, cooperative_choices, cooperative_province_choices
from .services import PRICE_MIN, CertificationData

Category = get_model("catalogue", "Category")
ProductImage = get_model("catalogue", "ProductImage")


class CatalogueFilterForm(forms.Form):
    """The catalogue's GET filters. A bad value is reported and ignored, never a 500."""

    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    stars = forms.TypedChoiceField(
        label=_("Số sao OCOP"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), (5, _("5 sao")), (4, _("4 sao")), (3, _("3 sao"))],
    )
    province = forms.TypedChoiceField(label=_("Tỉnh/thành"), required=False, coerce=int, empty_value=None)
    cooperative = forms.ChoiceField(label=_("Hợp tác xã"), required=False)
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            (Sort.NEWEST, _("Mới nhất")),
            (Sort.PRICE_ASC, _("Giá thấp đến cao")),
            (Sort.PRICE_DESC, _("Giá cao đến thấp")),
        ],
    )

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        self.fields["province"].choices = [("", _("Tất cả"))] + cooperative_province_choices()
        self.fields["cooperative"].choices = [("", _("Tất cả"))] + cooperative_choices()

    def filters(self) -> CatalogueFilters:
        self.is_valid()  # invalid fields drop out of cleaned_data; the rest still filter
        data = self.cleaned_data
        return CatalogueFilters(
            q=data.get("q") or "",
            stars=data.get("stars"),
            province=data.get("province"),
            cooperative=data.get("cooperative") or None,
            category=self.category,
            sort=data.get("sort") or Sort.NEWEST,
        )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one ``<input type=file multiple>``; each is checked and re-encoded."""

    widget = MultiplePhotoInput

    def __init__(self, *args, max_files=8, **kwargs):
        kwargs.setdefault("required", False)
        self.max_files = max_files
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > self.max_files:
            raise ValidationError(_("Mỗi lần tải tối đa %(n)d ảnh.") % {"n": self.max_files})
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(photo_normalise(upload))
            except ValidationError as exc:
                errors.extend(f"{upload.name}: {message}" for message in exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class ProductEditForm(forms.Form):
    """One screen for a cooperative's product: what it is, its price and stock, photos, OCOP."""

    title = forms.CharField(label=_("Tên sản phẩm"), max_length=255)
    category = forms.ModelChoiceField(label=_("Danh mục"), queryset=None, empty_label=_("— Chọn danh mục —"))
    unit = forms.CharField(
        label=_("Đơn vị bán"),
        max_length=40,
        help_text=_("Ví dụ: gói 500 g, hộp 10 túi lọc, chai 500 ml."),
        error_messages={"required": _("Hãy nhập đơn vị bán (ví dụ: gói 500 g).")},
    )
    price = forms.CharField(
        label=_("Giá bán (đồng)"),
        max_length=20,
        help_text=_("Số đồng nguyên, ví dụ 125000."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    num_in_stock = forms.IntegerField(
        label=_("Số lượng còn trong kho"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        min_value=0,
        max_value=1_000_000,
        error_messages={"min_value": _("Số lượng không được là số âm.")},
    )
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    is_public = forms.BooleanField(label=_("Hiển thị trên cửa hàng"), required=False, initial=True)
    photos = MultiplePhotoField(label=_("Thêm ảnh"), help_text=_("JPEG, PNG hoặc WebP; mỗi ảnh tối đa 5 MB."))
    delete_images = forms.ModelMultipleChoiceField(
        label=_("Xoá ảnh"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    cert_stars = forms.TypedChoiceField(
        label=_("Số sao OCOP"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Chưa có chứng nhận")), (3, "3 ★"), (4, "4 ★"), (5, "5 ★")],
    )
    cert_number = forms.CharField(label=_("Số quyết định"), max_length=60, required=False)
    cert_level = forms.ChoiceField(label=_("Cấp công nhận"), required=False, choices=())
    cert_decision_date = forms.DateField(
        label=_("Ngày quyết định"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    cert_valid_until = forms.DateField(
        label=_("Có hiệu lực đến"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("path")
        self.fields["cert_level"].choices = OcopCertification.Level.choices
        images = ProductImage.objects.filter(product=product) if product else None
        if images is None:
            del self.fields["delete_images"]
        else:
            self.fields["delete_images"].queryset = images.order_by("display_order")

    def clean_price(self):
        price = parse_dong(self.cleaned_data["price"])
        if price < PRICE_MIN:
            raise ValidationError(_("Giá bán tối thiểu là %(min)s.") % {"min": format_vnd(PRICE_MIN)}, code="too_small")
        return price

    def clean(self):
        data = super().clean()
        if data.get("cert_stars"):
            for name in ("cert_number", "cert_decision_date", "cert_valid_until"):
                if not data.get(name):
                    self.add_error(name, _("Bắt buộc khi sản phẩm có chứng nhận OCOP."))
            start, end = data.get("cert_decision_date"), data.get("cert_valid_until")
            if start and end and end < start:
                self.add_error("cert_valid_until", ValidationError(_("Ngày hết hiệu lực phải sau ngày quyết định.")))
        return data

    def certification(self):
        data = self.cleaned_data
        if not data.get("cert_stars"):
            return None
        return CertificationData(
            stars=data["cert_stars"],
            number=data["cert_number"].strip(),
            level=data["cert_level"] or "provincial",
            decision_date=data["cert_decision_date"],
            valid_until=data["cert_valid_until"],
        )

    @staticmethod
    def initial_for(product, stockrecord, certification) -> dict:
        initial = {
            "title": product.title,
            "unit": product.unit,
            "description": product.description,
            "is_public": product.is_public,
            "category": next(iter(product.categories.all()), None),
        }
        if stockrecord is not None:
            initial.update(price=int(stockrecord.price or 0), num_in_stock=stockrecord.num_in_stock)
        if certification is not None:
            initial.update(
                cert_stars=certification.stars,
                cert_number=certification.number,
                cert_level=certification.level,
                cert_decision_date=certification.decision_date,
                cert_valid_until=certification.valid_until,
            )
        return initial


class CooperativeProfileForm(forms.Form):
    """The part of a cooperative's profile its own staff keep up to date."""

    phone = forms.CharField(
        label=_("Điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(label=_("Địa chỉ (thôn, số nhà)"), max_length=255, required=False)
    story = forms.CharField(
        label=_("Câu chuyện"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Người mua đọc điều này trên trang giới thiệu: ai làm ra sản phẩm, làm thế nào."),
    )
    logo = forms.FileField(
        label=_("Logo hoặc ảnh hợp tác xã"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Xoá logo hiện tại"), required=False)

    def clean_phone(self):
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        return national(parse_vn_phone(raw, mobile_only=False))

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        return photo_normalise(upload) if upload else None
