import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from oscar.core.loading import get_model

from ocop_catalog.models import CooperativeDailyVolume
from payments import status
from payments.models import OrderNotification
from payments.services.notifications import order_notify
from payments.services.orders import order_pay, orders_expire_unpaid
from payments.tasks import orders_expire_unpaid_task
from payments.volume import cooperative_volume_rebuild
from tests.factories import CooperativeFactory, UserFactory, checkout, make_product, order_number_from

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def coops():
    return CooperativeFactory(shipping_fee=30000), CooperativeFactory(shipping_fee=20000)


def place(client, products, **details):
    return Order.objects.get(number=order_number_from(checkout(client, products, **details)))


def test_unpaid_transfer_orders_expire_and_release_their_stock(client, coops, settings):
    product = make_product(cooperative=coops[0], stock=3)
    order = place(client, [product], quantity=2)
    assert StockRecord.objects.get(product=product).num_allocated == 2
    assert orders_expire_unpaid(now=timezone.now() + datetime.timedelta(hours=23)) == 0
    assert orders_expire_unpaid_task.delay().get() == 0
    assert orders_expire_unpaid(now=timezone.now() + settings.PAYMENT_EXPIRY + datetime.timedelta(minutes=1)) == 1
    order.refresh_from_db()
    assert order.status == status.EXPIRED
    assert StockRecord.objects.get(product=product).num_allocated == 0
    # A transfer arriving after expiry is not accepted as payment.
    outcome = order_pay(order_id=order.pk, amount=order.total_incl_tax, reference="late")
    assert not outcome.paid and "hết hạn" in outcome.reason


def test_paid_and_cash_orders_never_expire(client, coops):
    product = make_product(cooperative=coops[0], stock=5)
    paid = place(client, [product])
    order_pay(order_id=paid.pk, amount=paid.total_incl_tax, reference="t")
    cod = place(type(client)(), [product], payment_method="cod")
    assert orders_expire_unpaid(now=timezone.now() + datetime.timedelta(days=30)) == 0
    paid.refresh_from_db()
    cod.refresh_from_db()
    assert (paid.status, cod.status) == (status.PAID, status.CASH_ON_DELIVERY)


def test_emails_go_on_commit_each_cooperative_sees_only_its_lines(client, coops, django_capture_on_commit_callbacks):
    staff_a, staff_b = UserFactory(email="a@htx.vn"), UserFactory(email="b@htx.vn")
    coops[0].partner.users.add(staff_a)
    coops[1].partner.users.add(staff_b)
    coffee = make_product(cooperative=coops[0], title="Cà phê Arabica", stock=5)
    noodles = make_product(cooperative=coops[1], title="Miến dong", stock=5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place(client, [coffee, noodles])
    assert mail.outbox == []  # nothing is sent inside the transaction
    for callback in callbacks:
        callback()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"lan@example.vn", "a@htx.vn", "b@htx.vn"}
    assert "Cà phê Arabica" in by_recipient["a@htx.vn"].body and "Miến dong" not in by_recipient["a@htx.vn"].body
    assert "Miến dong" in by_recipient["b@htx.vn"].body and "Cà phê" not in by_recipient["b@htx.vn"].body
    assert (
        "Cà phê Arabica" in by_recipient["lan@example.vn"].body and "Miến dong" in by_recipient["lan@example.vn"].body
    )
    # The task is idempotent: running it again sends nothing more.
    assert order_notify(order_id=order.pk, event="placed") == 0
    assert len(mail.outbox) == 3
    assert OrderNotification.objects.filter(order=order, event="placed").count() == 3


def test_buyer_without_email_gets_no_mail_and_nothing_fails(client, coops, django_capture_on_commit_callbacks):
    product = make_product(cooperative=coops[0], stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        place(client, [product], email="")
    assert all(m.to != [""] for m in mail.outbox)


def test_daily_volume_is_kept_current_on_placement_and_payment(client, coops, django_capture_on_commit_callbacks):
    coffee = make_product(cooperative=coops[0], price=100000, stock=10)
    noodles = make_product(cooperative=coops[1], price=40000, stock=10)
    with django_capture_on_commit_callbacks(execute=True):
        order = place(client, [coffee, noodles], quantity=2)
        cod = place(type(client)(), [coffee], payment_method="cod")
    rows = {
        (r.cooperative_id, r.payment_method): (r.orders, r.lines, r.quantity, r.revenue, r.paid_orders)
        for r in CooperativeDailyVolume.objects.all()
    }
    assert rows == {
        (coops[0].pk, "vietqr"): (1, 1, 2, Decimal(200000), 0),
        (coops[1].pk, "vietqr"): (1, 1, 2, Decimal(80000), 0),
        (coops[0].pk, "cod"): (1, 1, 1, Decimal(100000), 0),
    }
    with django_capture_on_commit_callbacks(execute=True):
        order_pay(order_id=order.pk, amount=order.total_incl_tax, reference="t")
    paid = CooperativeDailyVolume.objects.get(cooperative=coops[0], payment_method="vietqr")
    assert (paid.paid_orders, paid.paid_revenue) == (1, Decimal(200000))
    assert cod.status == status.CASH_ON_DELIVERY


def test_rebuilding_a_day_twice_gives_identical_rows_and_drops_expired_orders(client, coops):
    product = make_product(cooperative=coops[0], price=100000, stock=10)
    order = place(client, [product])
    today = timezone.localdate()
    cooperative_volume_rebuild(day=today)
    first = list(CooperativeDailyVolume.objects.values())
    call_command("rebuild_statistics", "--from", today.isoformat(), stdout=open("/dev/null", "w"))
    second = list(CooperativeDailyVolume.objects.values())
    assert [{k: v for k, v in r.items() if k != "id"} for r in first] == [
        {k: v for k, v in r.items() if k != "id"} for r in second
    ]
    orders_expire_unpaid(now=order.date_placed + datetime.timedelta(days=2))
    cooperative_volume_rebuild(day=today)
    assert not CooperativeDailyVolume.objects.exists()


def test_days_are_vietnamese_days_not_utc(client, coops):
    product = make_product(cooperative=coops[0], price=100000, stock=10)
    order = place(client, [product])
    # 23:30 on 1 March in Hà Nội is 16:30 UTC the same day; 00:30 on 2 March is 17:30 UTC on 1 March.
    tz = timezone.get_default_timezone()
    Order.objects.filter(pk=order.pk).update(date_placed=datetime.datetime(2026, 3, 2, 0, 30, tzinfo=tz))
    cooperative_volume_rebuild(day=datetime.date(2026, 3, 1))
    cooperative_volume_rebuild(day=datetime.date(2026, 3, 2))
    assert list(CooperativeDailyVolume.objects.values_list("day", flat=True)) == [datetime.date(2026, 3, 2)]


def test_rebuild_command_rejects_a_bad_range_with_one_line():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="before"):
        call_command("rebuild_statistics", "--from", "2026-03-02", "--to", "2026-03-01")
    with pytest.raises(CommandError, match="not a date"):
        call_command("rebuild_statistics", "--from", "hôm qua")


def test_cooperative_sees_its_own_figures(client, coops, django_capture_on_commit_callbacks):
    staff = UserFactory()
    coops[0].partner.users.add(staff)
    product = make_product(cooperative=coops[0], price=100000, stock=10)
    other = make_product(cooperative=coops[1], price=777000, stock=10)
    with django_capture_on_commit_callbacks(execute=True):
        place(client, [product, other], quantity=3)
    client.force_login(staff)
    from django.urls import reverse

    html = client.get(reverse("coop:figures")).content.decode()
    assert "300.000 ₫" in html and "777.000" not in html and "2.331.000" not in html
