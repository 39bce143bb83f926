"""Vietnam's administrative units after 1 July 2025: 34 provinces, communes, no districts.

One home for the lists, taken from the ``vietnam-provinces`` package (never hand-typed).
Models store the numeric codes; names are looked up here.
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from .text import fold


@cache
def province_choices() -> list[tuple[int, str]]:
    # "Thành phố Hà Nội" sorts under H, beside the provinces, not under T.
    return sorted(
        ((p.code.value, p.name) for p in Province.iter_all()), key=lambda c: fold(c[1].removeprefix("Thành phố "))
    )


@cache
def commune_choices(province_code: int) -> list[tuple[int, str]]:
    wards = Ward.iter_by_province(ProvinceCode(province_code))
    return sorted(((w.code.value, w.name) for w in wards), key=lambda c: fold(c[1]))


@cache
def commune_choices_grouped() -> list[tuple[str, list[tuple[int, str]]]]:
    """Communes grouped by province, for a plain ``<select>`` with ``<optgroup>``s."""
    return [(name, commune_choices(code)) for code, name in province_choices()]


@cache
def province_name(code: int | None) -> str:
    if not code:
        return ""
    try:
        return Province.from_code(ProvinceCode(code)).name
    except (ValueError, KeyError):
        return ""


@cache
def commune_name(code: int | None) -> str:
    if not code:
        return ""
    try:
        return Ward.from_code(WardCode(code)).name
    except (ValueError, KeyError):
        return ""


def validate_commune_in_province(*, province_code: int, commune_code: int) -> None:
    try:
        ward = Ward.from_code(WardCode(commune_code))
    except (ValueError, KeyError):
        raise ValidationError(_("Xã/phường không tồn tại."), code="unknown_commune") from None
    if ward.province_code.value != province_code:
        raise ValidationError(
            _("Xã/phường %(commune)s không thuộc %(province)s.")
            % {"commune": ward.name, "province": province_name(province_code)},
            code="commune_outside_province",
        )


def oscar_country_vietnam():
    """Oscar's ``address.Country`` row for Việt Nam, created if missing (addresses need it)."""
    from oscar.core.loading import get_model

    country, _created = get_model("address", "Country").objects.get_or_create(
        iso_3166_1_a2="VN",
        defaults={
            "iso_3166_1_a3": "VNM",
            "iso_3166_1_numeric": "704",
            "printable_name": "Việt Nam",
            "name": "Việt Nam",
            "is_shipping_country": True,
        },
    )
    return country
