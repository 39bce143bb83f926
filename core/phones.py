"""Vietnamese phone numbers, checked with ``phonenumbers`` (one home for checkout, stalls and profiles)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def parse_vn_phone(raw: str, *, mobile_only: bool) -> phonenumbers.PhoneNumber:
    """``raw`` as typed (0912 345 678, +84 912 345 678) parsed as a Vietnamese number.

    Raises ValidationError with a Vietnamese message when it is not one, or, with
    ``mobile_only``, when it is a landline.
    """
    try:
        number = phonenumbers.parse((raw or "").strip(), "VN")
    except phonenumbers.NumberParseException:
        number = None
    if mobile_only:
        if (
            number is None
            or number.country_code != 84
            or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) not in MOBILE_TYPES
        ):
            raise ValidationError(_("Số di động không hợp lệ. Ví dụ: 0912 345 678."), code="invalid_mobile")
        return number
    if number is None or number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Số điện thoại không hợp lệ. Ví dụ: 0912 345 678 hoặc 0212 3850 111."), code="invalid")
    return number


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def stored_form(raw: str, *, to_e164: bool = True) -> str:
    """A stored phone rewritten as E.164 (or back to the national form), for data
    migrations: a value that does not parse as a Vietnamese number is kept as it is."""
    try:
        number = phonenumbers.parse(str(raw or "").strip(), "VN")
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_valid_number(number):
        return raw
    return e164(number) if to_e164 else national(number)


def rewrite_stored_phones(model_label: str, *, to_e164: bool):
    """A ``RunPython`` function rewriting ``phone`` of every row of ``model_label``
    (``app.Model``) with ``stored_form``; only changed rows are written."""

    def rewrite(apps, schema_editor):
        model = apps.get_model(model_label)
        for pk, raw in model.objects.exclude(phone="").values_list("pk", "phone"):
            value = stored_form(raw, to_e164=to_e164)
            if value != raw:
                model.objects.filter(pk=pk).update(phone=value)

    return rewrite
