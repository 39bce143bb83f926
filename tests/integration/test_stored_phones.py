"""Stored phones are ``PhoneNumberField``s: E.164 in the database, shown in the national form,
and the data migration that brought them there keeps every value."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from core.phones import rewrite_stored_phones, stored_form
from ocop_catalog.models import Cooperative
from tests.factories import CooperativeFactory


@pytest.mark.parametrize(
    ("raw", "e164", "national"),
    [
        ("0212 3863 333", "+842123863333", "0212 3863 333"),
        ("0912345678", "+84912345678", "0912 345 678"),
        ("+84 912 345 678", "+84912345678", "0912 345 678"),
        ("gọi trưởng thôn", "gọi trưởng thôn", "gọi trưởng thôn"),
        ("12345", "12345", "12345"),
    ],
)
def test_a_stored_phone_is_rewritten_only_when_it_is_a_vietnamese_number(raw, e164, national):
    assert stored_form(raw, to_e164=True) == e164
    assert stored_form(e164, to_e164=False) == national


@pytest.mark.django_db
def test_the_data_migration_keeps_every_cooperative_phone():
    typed = CooperativeFactory(phone="")
    odd = CooperativeFactory(phone="")
    with connection.cursor() as cursor:  # the values as the old CharField held them
        table = Cooperative._meta.db_table
        cursor.execute(f"UPDATE {table} SET phone = %s WHERE id = %s", ["0212 3863 333", typed.pk])
        cursor.execute(f"UPDATE {table} SET phone = %s WHERE id = %s", ["gọi trưởng thôn", odd.pk])

    before = MigrationLoader(connection).project_state(("ocop_catalog", "0002_shipping_and_daily_volume")).apps
    rewrite_stored_phones("ocop_catalog.Cooperative", to_e164=True)(before, None)

    stored = dict(Cooperative.objects.values_list("pk", "phone"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, phone FROM {table} WHERE id IN (%s, %s)", [typed.pk, odd.pk])
        raw = dict(cursor.fetchall())
    assert raw == {typed.pk: "+842123863333", odd.pk: "gọi trưởng thôn"}
    assert stored[typed.pk].as_national == "0212 3863 333"


@pytest.mark.django_db
def test_cooperative_phone_is_shown_national_and_dialled_e164(client, home_page):
    from market.models import CooperativeIndexPage, CooperativePage

    coop = CooperativeFactory(partner__name="HTX Chè", phone="0212 3863 333")
    index = home_page.add_child(instance=CooperativeIndexPage(title="Hợp tác xã", slug="hop-tac-xa"))
    page = index.add_child(instance=CooperativePage(title="HTX Chè", slug="htx-che", cooperative=coop))
    html = client.get(page.url).content.decode()
    assert '<a href="tel:+842123863333">0212 3863 333</a>' in html
