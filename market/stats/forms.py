import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import geo
from core.areas import Area
from merchants.models import Market
from ocop_catalog.models import Cooperative

DEFAULT_DAYS = 30
MAX_DAYS = 5 * 366  # a period over 5 years is refused
EARLIEST = datetime.date(2020, 1, 1)  # no figures before; also keeps date arithmetic in range


@dataclass(frozen=True)
class Filters:
    """What a statistics page shows: a period of local days inside an area, optionally one
    market and one cooperative, and the date the before/after comparison splits on."""

    first: datetime.date
    last: datetime.date
    area: Area
    market: Market | None = None
    cooperative: Cooperative | None = None
    compare: datetime.date | None = None
    grain: str = "week"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def split(self) -> datetime.date:
        """The before/after date: the one chosen, else the middle of the period."""
        return self.compare or self.first + datetime.timedelta(days=self.days // 2)

    def query(self) -> str:
        """The filters as a query string: export links fetch exactly the tables shown."""
        params = {"date_from": self.first.isoformat(), "date_to": self.last.isoformat(), "grain": self.grain}
        if self.area.province_code:
            params["province"] = self.area.province_code
        if self.area.commune_code:
            params["commune"] = self.area.commune_code
        if self.market:
            params["market"] = self.market.slug
        if self.cooperative:
            params["cooperative"] = self.cooperative.pk
        if self.compare:
            params["compare"] = self.compare.isoformat()
        return urlencode(params)

    def slug(self) -> str:
        """The filters, for export file names: choso-<table>-<this>.csv."""
        parts = [f"{self.first:%Y%m%d}-{self.last:%Y%m%d}"]
        if self.area.province_code:
            parts.append(f"tinh{self.area.province_code}")
        if self.area.commune_code:
            parts.append(f"xa{self.area.commune_code}")
        if self.market:
            parts.append(self.market.slug)
        if self.cooperative:
            parts.append(f"htx{self.cooperative.pk}")
        return "_".join(parts)


class StatsFilterForm(forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    province = forms.TypedChoiceField(label=_("Tỉnh/thành phố"), coerce=int, required=False, empty_value=None)
    commune = forms.TypedChoiceField(label=_("Xã/phường"), coerce=int, required=False, empty_value=None)
    market = forms.ModelChoiceField(
        label=_("Chợ / tuyến phố"),
        queryset=Market.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("Tất cả"),
        error_messages={"invalid_choice": _("Không có chợ này trong địa bàn của bạn.")},
    )
    cooperative = forms.ModelChoiceField(
        label=_("Hợp tác xã"),
        queryset=Cooperative.objects.none(),
        required=False,
        empty_label=_("Tất cả"),
        error_messages={"invalid_choice": _("Không có hợp tác xã này trong địa bàn của bạn.")},
    )
    compare = forms.DateField(
        label=_("So sánh trước/sau ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Để trống: giữa kỳ."),
    )
    grain = forms.ChoiceField(
        label=_("Xu hướng theo"), choices=[("week", _("Tuần")), ("month", _("Tháng"))], required=False
    )

    def __init__(self, *args, area: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.notes: list[str] = []  # what was adjusted rather than refused
        today = timezone.localdate()
        for name in ("date_from", "date_to", "compare"):
            self.fields[name].widget.attrs.update({"max": today.isoformat(), "min": EARLIEST.isoformat()})
        self.fields["province"].choices = [("", _("Cả địa bàn")), *area.province_choices()]
        self.fields["province"].widget.attrs["id"] = "id_province"
        province = self._int(self.data.get("province")) if self.is_bound else None
        province = province or area.province_code
        self.fields["commune"].choices = [("", _("Tất cả")), *area.commune_choices(province)]
        self.fields["market"].queryset = area.filter(Market.objects.all()).order_by("name")
        self.fields["cooperative"].queryset = area.filter(Cooperative.objects.select_related("partner")).order_by(
            "partner__name"
        )

    @staticmethod
    def _int(raw):
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        last = data.get("date_to") or today
        if last > today:
            # "This month" ends in the future: the figures stop today; say so, keep the rest.
            self.notes.append(_("Số liệu chỉ có đến hôm nay, nên kỳ thống kê kết thúc hôm nay."))
            last = today
        if last < EARLIEST or (data.get("date_from") and data["date_from"] < EARLIEST):
            raise forms.ValidationError(
                _("Không có số liệu trước ngày %(day)s.") % {"day": f"{EARLIEST:%d/%m/%Y}"}, code="too_early"
            )
        first = data.get("date_from") or max(last - datetime.timedelta(days=DEFAULT_DAYS - 1), EARLIEST)
        if first > last:
            raise forms.ValidationError(_("Ngày bắt đầu đứng sau ngày kết thúc."), code="reversed")
        if (last - first).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("Kỳ thống kê dài quá 5 năm; hãy chọn kỳ ngắn hơn."), code="too_long")
        compare = data.get("compare")
        if compare and not first < compare <= last:
            self.add_error("compare", _("Ngày so sánh phải nằm trong kỳ thống kê."))
        province, commune, market = data.get("province"), data.get("commune"), data.get("market")
        if market and ((province and market.province_code != province) or (commune and market.commune_code != commune)):
            self.add_error("market", _("Chợ này không thuộc tỉnh hoặc xã đã chọn."))
        if commune and province:
            try:
                geo.validate_commune_in_province(province_code=province, commune_code=commune)
            except forms.ValidationError as exc:
                self.add_error("commune", exc)
        data["first"], data["last"] = first, last
        return data

    def filters(self) -> Filters:
        """The filters of a valid form; call ``default`` for an invalid one."""
        data = self.cleaned_data
        province = data.get("province") or self.area.province_code
        commune = self.area.commune_code or data.get("commune")
        return Filters(
            first=data["first"],
            last=data["last"],
            area=Area(province, commune if province else None),
            market=data.get("market"),
            cooperative=data.get("cooperative"),
            compare=data.get("compare"),
            grain=data.get("grain") or "week",
        )

    def show(self, f: Filters) -> "StatsFilterForm":
        """The same form, unbound, showing the filters in force (the period's dates filled in)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        initial = {k: v for k, v in data.items() if k in self.fields and v not in (None, "")}
        initial.update(date_from=f.first, date_to=f.last, grain=f.grain)
        if f.market:
            initial["market"] = f.market.slug
        return StatsFilterForm(initial=initial, area=self.area)

    @staticmethod
    def default(area: Area) -> Filters:
        last = timezone.localdate()
        return Filters(first=last - datetime.timedelta(days=DEFAULT_DAYS - 1), last=last, area=area)
