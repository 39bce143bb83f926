"""Order-side writes: locked stock allocation, marking paid, cash collection, expiry.

Every change of payment state goes through ``_order_pay`` under ``select_for_update`` on
the order row, so concurrent webhooks, a statement import and a staff click cannot pay an
order twice, and nothing moves an order out of a terminal status.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.order.exceptions import InvalidOrderStatus
from oscar.core.loading import get_model

from core.money import format_vnd
from core.outbox import effect_add
from ocop_catalog.selectors import product_browsable_queryset
from payments import status
from payments.gateways import gateway_for
from payments.models import PaymentAudit
from payments.services.notifications import order_notify_task
from payments.volume import cooperative_volume_refresh_for_order

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Line = get_model("order", "Line")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")

PAID_EVENT = "paid"
CASH_COLLECTED_EVENT = "cash-collected"


class OutOfStock(Exception):
    """The basket asks for more than is left; the message names the product for the buyer."""


class PaymentRefused(Exception):
    """A manual payment action that cannot apply to this order; the message says why."""


class BasketRefused(Exception):
    """The basket holds something that cannot be ordered; the message tells the buyer what to change."""


def basket_purchase_check(*, basket) -> None:
    """Refuse a basket that must not become an order, before anything is written.

    Every line must be a product the storefront offers (``product_browsable_queryset``:
    a product hidden, or never public, after it went into the basket cannot be ordered) at a
    price above zero, and the goods must cost something. Raises ``BasketRefused``.
    """
    lines = list(basket.all_lines())
    on_sale = set(
        product_browsable_queryset().filter(pk__in={line.product_id for line in lines}).values_list("pk", flat=True)
    )
    for line in lines:
        title = line.product.get_title()
        price = line.unit_price_incl_tax
        if price is None or Decimal(price) <= 0:
            raise BasketRefused(
                _("“%(title)s” chưa có giá bán. Hãy bỏ sản phẩm này khỏi giỏ hàng để đặt hàng.") % {"title": title}
            )
        if line.product_id not in on_sale:
            raise BasketRefused(
                _("“%(title)s” hiện không còn bán. Hãy bỏ sản phẩm này khỏi giỏ hàng để đặt hàng.") % {"title": title}
            )
    total = basket.total_incl_tax
    if total is None or Decimal(total) <= 0:
        raise BasketRefused(
            _("Tổng tiền hàng là %(total)s; không thể đặt đơn này.") % {"total": format_vnd(total or 0)}
        )


def stock_allocate_check(*, basket) -> None:
    """Lock the basket's stock records and refuse if any has too little left.

    Must run inside the transaction that then allocates (Oscar's ``OrderCreator``), so the
    locks are held until the allocation commits: concurrent checkouts for the last units
    queue here instead of all passing the check (django-oscar #4524). Rows are locked in
    primary-key order, as Oscar allocates, so two baskets cannot deadlock.
    """
    wanted: dict[int, int] = defaultdict(int)
    titles: dict[int, str] = {}
    for line in basket.all_lines():
        if line.stockrecord_id and line.product.get_product_class().track_stock:
            wanted[line.stockrecord_id] += line.quantity
            titles[line.stockrecord_id] = line.product.get_title()
    records = StockRecord.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    for record in records:
        left = max(record.net_stock_level, 0)
        if wanted[record.pk] > left:
            if left == 0:
                message = _("“%(title)s” vừa hết hàng.") % {"title": titles[record.pk]}
            else:
                message = _("“%(title)s” chỉ còn %(left)s.") % {"title": titles[record.pk], "left": left}
            raise OutOfStock(message)


def source_type_for(gateway) -> "SourceType":
    source_type, _created = SourceType.objects.get_or_create(code=gateway.code, defaults={"name": str(gateway.label)})
    return source_type


def order_payment_method(order) -> str:
    """The code of the gateway the order was placed with ("vietqr", "card", "cod")."""
    source = order.sources.select_related("source_type").first()
    return source.source_type.code if source else ""


@dataclass(frozen=True)
class PaymentOutcome:
    paid: bool
    reason: str = ""


def _set_status(order, new_status: str) -> None:
    """Move an order along ``payments.status.PIPELINE``, recorded as Oscar records status changes.

    Oscar's own pipeline setting is empty, so its dashboard offers no status change that
    would skip the payment records and the audit trail; every change comes through here.
    """
    if new_status not in status.PIPELINE.get(order.status, ()):
        raise InvalidOrderStatus(f"{order.status} → {new_status} is not allowed for order {order.number}")
    old_status = order.status
    order.status = new_status
    order.save(update_fields=["status"])
    order._create_order_status_change(old_status, new_status)


def _event_type(name: str) -> "PaymentEventType":
    event_type, _created = PaymentEventType.objects.get_or_create(code=name, defaults={"name": name})
    return event_type


def _record_event(*, order, lines, amount: Decimal, event_name: str, reference: str) -> None:
    event = PaymentEvent.objects.create(
        order=order, event_type=_event_type(event_name), amount=amount, reference=reference[:128]
    )
    PaymentEventQuantity.objects.bulk_create(
        [PaymentEventQuantity(event=event, line=line, quantity=line.quantity) for line in lines]
    )


def _consume_stock(lines) -> None:
    """Paid for means sold: what each line still holds allocated leaves the stock.

    The same bookkeeping as Oscar's ``Line.consume_allocation`` (line and stock record both
    lose the allocation, the record its stock), done as one update per stock record. The net
    stock a buyer sees does not change, so Oscar's stock signals have nothing to announce.
    """
    held = [line for line in lines if line.stockrecord_id and line.num_allocated and not line.allocation_cancelled]
    per_record: dict[int, int] = defaultdict(int)
    for line in held:
        per_record[line.stockrecord_id] += line.num_allocated
    for pk in sorted(per_record):
        quantity = per_record[pk]
        StockRecord.objects.filter(pk=pk).update(
            num_in_stock=F("num_in_stock") - quantity, num_allocated=F("num_allocated") - quantity
        )
    Line.objects.filter(pk__in=[line.pk for line in held]).update(num_allocated=0)


def _order_pay(*, order, amount: Decimal, reference: str) -> None:
    """Record money in for an order already locked by the caller, and mark it paid."""
    source = order.sources.first()
    if source is not None:
        source.debit(amount, reference=reference[:255], status="paid")
    lines = list(order.lines.select_related("stockrecord"))
    _record_event(order=order, lines=lines, amount=amount, event_name=PAID_EVENT, reference=reference)
    _consume_stock(lines)
    _set_status(order, status.PAID)
    _after_payment_change(order)


def _after_payment_change(order) -> None:
    cooperative_volume_refresh_for_order(order)
    if order.status == status.PAID:
        effect_add(order_notify_task, order.pk, "paid")


def order_pay(*, order_id: int, amount: Decimal, reference: str, expected_method: str = "") -> PaymentOutcome:
    """Mark an unpaid order paid if ``amount`` is exactly its total; otherwise say why not.

    Idempotent in effect: a second call finds the order paid and changes nothing.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == status.PAID:
            return PaymentOutcome(False, _("Đơn %(number)s đã được thanh toán trước đó.") % {"number": order.number})
        if order.status not in status.UNPAID:
            return PaymentOutcome(
                False,
                _("Đơn %(number)s đang ở trạng thái “%(status)s”.")
                % {"number": order.number, "status": status.label(order.status)},
            )
        if expected_method and order_payment_method(order) != expected_method:
            return PaymentOutcome(
                False,
                _("Đơn %(number)s chọn hình thức thanh toán khác; hãy liên hệ người mua.") % {"number": order.number},
            )
        total = Decimal(order.total_incl_tax)
        if Decimal(amount) != total:
            return PaymentOutcome(
                False,
                _("Số tiền %(amount)s không đúng tổng đơn %(total)s.")
                % {"amount": format_vnd(amount), "total": format_vnd(total)},
            )
        _order_pay(order=order, amount=total, reference=reference)
        return PaymentOutcome(True)


def order_mark_paid_by_staff(*, order, actor, note: str) -> None:
    """Staff confirm money they can see (a bank app, cash in hand). Audited; the note is required."""
    if not note.strip():
        raise PaymentRefused(_("Hãy ghi chú vì sao đánh dấu đã thanh toán."))
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in status.UNPAID:
            raise PaymentRefused(
                _("Đơn %(number)s đang ở trạng thái “%(status)s”, không thể đánh dấu đã thanh toán.")
                % {"number": locked.number, "status": status.label(locked.status)}
            )
        PaymentAudit.objects.create(order=locked, actor=actor, action=PaymentAudit.Action.MARK_PAID, note=note.strip())
        _order_pay(order=locked, amount=Decimal(locked.total_incl_tax), reference=f"staff:{actor.pk}")


def order_cancel_by_staff(*, order, actor, note: str) -> None:
    """Staff cancel an unpaid order (the buyer changed their mind, a duplicate): stock goes back. Audited."""
    if not note.strip():
        raise PaymentRefused(_("Hãy ghi chú vì sao huỷ đơn."))
    with transaction.atomic():
        if not order_void(order_id=order.pk, new_status=status.CANCELLED):
            raise PaymentRefused(_("Chỉ huỷ được đơn chưa thanh toán và chưa thu tiền phần nào."))
        PaymentAudit.objects.create(
            order_id=order.pk, actor=actor, action=PaymentAudit.Action.CANCEL, note=note.strip()
        )


def order_cash_collect(*, order, cooperative, actor, note: str = "") -> bool:
    """A cooperative hands over its part of a cash-on-delivery order and collects the cash.

    Returns True when that completes the order (every cooperative in it has collected),
    which marks it paid. The cooperative's part is its lines plus its shipping fee, if the
    order was delivered.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != status.CASH_ON_DELIVERY:
            raise PaymentRefused(
                _("Đơn %(number)s không phải đơn trả tiền khi nhận hàng đang chờ thu.") % {"number": locked.number}
            )
        lines = list(locked.lines.select_related("partner__cooperative"))
        own = [line for line in lines if line.partner_id == cooperative.partner_id]
        if not own:
            raise PaymentRefused(_("Đơn này không có hàng của hợp tác xã bạn."))
        reference = f"coop:{cooperative.pk}"
        collected = set(
            locked.payment_events.filter(event_type__code=CASH_COLLECTED_EVENT).values_list("reference", flat=True)
        )
        if reference in collected:
            raise PaymentRefused(_("Hợp tác xã bạn đã xác nhận thu tiền đơn này rồi."))
        cooperatives = {line.partner.cooperative.pk for line in lines}
        amount = sum((Decimal(line.line_price_incl_tax) for line in own), Decimal(0))
        if len(cooperatives) == 1:
            amount = Decimal(locked.total_incl_tax)  # the whole order, delivery included
        elif Decimal(locked.shipping_incl_tax):
            # Each cooperative's flat fee was charged once; its share is the fee it charged then.
            amount += _shipping_share(locked, cooperative, lines)
        _record_event(order=locked, lines=own, amount=amount, event_name=CASH_COLLECTED_EVENT, reference=reference)
        _consume_stock(own)
        PaymentAudit.objects.create(
            order=locked, actor=actor, action=PaymentAudit.Action.COLLECT_CASH, note=note or cooperative.name
        )
        collected.add(reference)
        everyone = {f"coop:{line.partner.cooperative.pk}" for line in lines}
        if everyone <= collected:
            source = locked.sources.first()
            if source is not None:
                source.debit(Decimal(locked.total_incl_tax), reference="cash", status="paid")
            _set_status(locked, status.PAID)
            _after_payment_change(locked)
            return True
        return False


def _shipping_share(order, cooperative, lines) -> Decimal:
    """The delivery fee this cooperative added to the order: the order's shipping split in
    proportion to each cooperative's fee now, which equals the fee charged unless fees changed
    since; the last cooperative takes the rounding remainder so the shares add up."""
    fees = {}
    for line in lines:
        fees[line.partner.cooperative.pk] = Decimal(line.partner.cooperative.shipping_fee)
    shipping, total_fees = Decimal(order.shipping_incl_tax), sum(fees.values(), Decimal(0))
    if not total_fees:
        return Decimal(0)
    ordered = sorted(fees)
    shares = {pk: (shipping * fees[pk] / total_fees).quantize(Decimal(1)) for pk in ordered[:-1]}
    shares[ordered[-1]] = shipping - sum(shares.values(), Decimal(0))
    return shares[cooperative.pk]


def _release_stock(order) -> None:
    for line in order.lines.select_related("stockrecord").order_by("stockrecord_id", "pk"):
        if line.stockrecord_id and line.num_allocated and not line.allocation_cancelled:
            line.cancel_allocation(line.num_allocated)


def order_void(*, order_id: int, new_status: str) -> bool:
    """Cancel or expire an unpaid order and give its stock back. False if it was already settled."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status not in status.UNPAID or new_status not in status.PIPELINE[order.status]:
            return False
        if order.payment_events.exists():  # a cooperative has already collected cash for its part
            return False
        _release_stock(order)
        _set_status(order, new_status)
        _after_payment_change(order)
        gateway = gateway_for(order_payment_method(order))
        if gateway is not None:
            gateway.on_void(order)
        return True


def orders_expire_unpaid(*, now: datetime.datetime | None = None) -> int:
    """Expire transfer and card orders left unpaid longer than ``PAYMENT_EXPIRY``. Returns how many."""
    cutoff = (now or timezone.now()) - settings.PAYMENT_EXPIRY
    stale = Order.objects.filter(status=status.AWAITING_PAYMENT, date_placed__lt=cutoff).values_list("pk", flat=True)
    return sum(order_void(order_id=pk, new_status=status.EXPIRED) for pk in list(stale))
