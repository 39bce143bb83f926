"""Money arriving by bank transfer: store each transfer once, then match it to an order.

Webhooks and pulls (``payments.services.feeds``) and statement imports feed the same
``bank_transfer_record``. Two unique constraints make a second report of the same transfer
a no-op: (provider, provider id) for a replay, and the bank's own reference for the same
transfer reported by another provider (a webhook, then the statement that lists it).
``order_pay`` makes a second transfer for an already-paid order a review item, never a
second payment; a memo naming several orders is a review item that pays none.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from core.money import format_vnd, parse_dong
from payments.bank_feeds import (
    MAX_AMOUNT,
    DateOutOfRange,
    FeedError,
    IncomingTransfer,
    date_bounds,
    date_check,
    normalise_reference,
    parse_when,
)
from payments.gateways.vietqr_transfer import order_numbers_in_memo, order_reference
from payments.models import BankTransaction, PaymentAudit

from .orders import order_pay

Order = get_model("order", "Order")
Outcome = BankTransaction.Outcome
Channel = BankTransaction.Channel


def _account_hook(transfer: IncomingTransfer):
    """A transfer into an account other than the platform's: ask the matchers in
    ``BANK_ACCOUNT_MATCHERS`` (e.g. a market stall's own account) whose it is."""
    if transfer.amount <= 0 or not transfer.account_number or transfer.account_number == settings.VIETQR_ACCOUNT_NUMBER:
        return None
    for path in settings.BANK_ACCOUNT_MATCHERS:
        hook = import_string(path)(transfer)
        if hook is not None:
            return hook
    return None


def bank_transfer_record(*, provider: str, transfer: IncomingTransfer, channel: str) -> tuple[BankTransaction, bool]:
    """Store ``transfer`` and match it. Returns (row, created); a second report returns the stored row unchanged.

    ``channel`` is how it reached us (``BankTransaction.Channel``). The provider's webhook
    delivering a transfer its pull stored first only notes that it came (``webhook_at``).

    The row is written once, with its outcome already decided, under the unique
    constraints; a transfer that names an order then goes on to ``order_pay``, and one into a
    matched account (a stall's) to that matcher's hook, in the same transaction. A second
    report of the same transfer (same provider id, or same bank reference from any provider)
    fails the insert, so neither the payment nor the hook runs twice.

    Raises ``FeedError`` for a transaction date outside ``bank_feeds.date_bounds``, before writing.
    """
    date_check(transfer.occurred_at)
    reference = normalise_reference(transfer.bank_reference)
    hook = _account_hook(transfer)
    outcome, reason, order = (Outcome.ACCOUNT, "", None) if hook else _classify(transfer)
    try:
        return _record(
            provider=provider,
            channel=channel,
            transfer=transfer,
            reference=reference,
            outcome=outcome,
            reason=reason,
            order=order,
            hook=hook,
        ), True
    except IntegrityError:
        stored = _stored_report(provider=provider, transfer=transfer, reference=reference)
        if stored is None:
            raise
    if stored.provider == provider and stored.provider_txn_id == transfer.provider_txn_id[:100]:
        if channel == Channel.WEBHOOK and stored.webhook_at is None:
            stored.webhook_at = timezone.now()
            BankTransaction.objects.filter(pk=stored.pk, webhook_at=None).update(webhook_at=stored.webhook_at)
        return stored, False  # a replay, or a concurrent delivery that won
    if _same_transfer(stored, transfer):
        return stored, False  # the same transfer, reported first by another provider
    # Another transfer under a reference already stored: keep it for staff, without the
    # reference (which is taken), and pay nothing from it.
    reason = _("Mã tham chiếu %(reference)s đã có ở giao dịch %(other)s với số tiền hoặc tài khoản khác.") % {
        "reference": reference,
        "other": f"{stored.provider}:{stored.provider_txn_id}",
    }
    try:
        return _record(
            provider=provider,
            channel=channel,
            transfer=transfer,
            reference="",
            outcome=Outcome.NEEDS_REVIEW,
            reason=reason[:255],
            order=None,
            hook=None,
        ), True
    except IntegrityError:
        return BankTransaction.objects.get(provider=provider, provider_txn_id=transfer.provider_txn_id[:100]), False


def _record(*, provider, channel, transfer, reference, outcome, reason, order, hook) -> BankTransaction:
    with transaction.atomic():
        row = BankTransaction.objects.create(
            provider=provider,
            channel=channel,
            webhook_at=timezone.now() if channel == Channel.WEBHOOK else None,
            provider_txn_id=transfer.provider_txn_id[:100],
            bank_reference=reference,
            account_number=transfer.account_number[:30],
            amount=transfer.amount,
            memo=transfer.memo[:500],
            occurred_at=transfer.occurred_at,
            outcome=outcome,
            reason=reason,
            order=order,
            raw=transfer.raw,
        )
        if hook is not None:
            hook(row)
        if order is not None:
            paid = order_pay(
                order_id=order.pk,
                amount=row.amount,
                reference=f"{provider}:{row.provider_txn_id}",
                expected_method="vietqr",
            )
            row.outcome, row.reason = (Outcome.MATCHED, "") if paid.paid else (Outcome.NEEDS_REVIEW, paid.reason)
            row.save(update_fields=["outcome", "reason"])
    return row


def bank_transfers_early_match(*, order) -> int:
    """Transfers that named this order before it existed ("Không có đơn số …": a bank feed
    can be quicker than the buyer's own connection), received within
    ``BANK_EARLY_MATCH_HOURS``, are matched now, in the order's own transaction. Returns how
    many were. Older ones stay with staff, who can mark the order paid themselves."""
    number = str(order.number)  # an int on an order Oscar has just created
    since = timezone.now() - datetime.timedelta(hours=settings.BANK_EARLY_MATCH_HOURS)
    rows = BankTransaction.objects.select_for_update().filter(
        outcome=Outcome.UNMATCHED, order=None, received_at__gte=since, amount__gt=0, memo__contains=number
    )
    matched = 0
    with transaction.atomic():
        for row in rows.order_by("pk"):
            if order_numbers_in_memo(row.memo) != [number]:
                continue
            paid = order_pay(
                order_id=order.pk,
                amount=row.amount,
                reference=f"{row.provider}:{row.provider_txn_id}",
                expected_method="vietqr",
            )
            row.order = order
            row.outcome, row.reason = (Outcome.MATCHED, "") if paid.paid else (Outcome.NEEDS_REVIEW, paid.reason)
            row.save(update_fields=["order", "outcome", "reason"])
            matched += paid.paid
    return matched


def _stored_report(*, provider: str, transfer: IncomingTransfer, reference: str) -> BankTransaction | None:
    """The row whose unique key the insert of ``transfer`` collided with."""
    found = BankTransaction.objects.filter(provider=provider, provider_txn_id=transfer.provider_txn_id[:100]).first()
    if found is None and reference:
        found = BankTransaction.objects.filter(bank_reference=reference).first()
    return found


def _same_transfer(stored: BankTransaction, transfer: IncomingTransfer) -> bool:
    """Same bank reference, same amount, and the same account where both reports name one."""
    if stored.amount != transfer.amount:
        return False
    account = transfer.account_number[:30]
    return not (stored.account_number and account and stored.account_number != account)


def _classify(transfer: IncomingTransfer):
    """(outcome, reason, order to pay) before anything is written; money out and unknown references stop here."""
    if transfer.amount <= 0:
        return Outcome.IGNORED, _("Tiền ra khỏi tài khoản."), None
    numbers = order_numbers_in_memo(transfer.memo)
    if not numbers:
        example = order_reference("100042")
        return (
            Outcome.UNMATCHED,
            _("Nội dung chuyển khoản không có mã đơn (dạng %(example)s).") % {"example": example},
            None,
        )
    if len(numbers) > 1:
        # Which order the money is for is a guess; staff decide, nothing is paid.
        references = ", ".join(order_reference(number) for number in numbers)
        return (
            Outcome.NEEDS_REVIEW,
            _("Nội dung chuyển khoản ghi nhiều mã đơn (%(references)s); cần kiểm tra.") % {"references": references},
            None,
        )
    number = numbers[0]
    order = Order.objects.filter(number=number).only("pk", "number").first()
    if order is None:
        return Outcome.UNMATCHED, _("Không có đơn số %(number)s.") % {"number": number}, None
    return Outcome.NEEDS_REVIEW, _("Đang đối chiếu."), order


# --- statement import -----------------------------------------------------------------

STATEMENT_PROVIDER = "statement"
# Vietnamese headers first; the English ones are accepted for exports from English-language bank sites.
COLUMNS = {
    "id": ("ma_giao_dich", "transaction_id", "id"),
    "date": ("ngay", "date"),
    "amount": ("so_tien", "amount"),
    "memo": ("noi_dung", "description"),
    "account": ("so_tai_khoan", "account_number"),
}
REQUIRED = ("id", "date", "amount", "memo")
MAX_ROWS = 5000


@dataclass
class StatementReport:
    errors: list[str] = field(default_factory=list)
    rows: list[tuple[int, BankTransaction, bool]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, outcome: str) -> int:
        return sum(1 for _line, row, created in self.rows if created and row.outcome == outcome)

    @property
    def matched(self) -> int:
        return self.count(Outcome.MATCHED)


def statement_amount(raw: str) -> Decimal:
    """An amount as banks export it: 150000, 150.000, 1,250,000.00, 1.250.000,00, -20.000 or (20,000).

    Money out is negative. Raises ValidationError for anything else or a fraction of a dong.
    """
    text = (raw or "").replace(" ", "").replace("\xa0", "").replace("₫", "").replace("VND", "")
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("+-()")
    if re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{1,2}|\d+\.\d{1,2}", text):  # 1,250,000.00
        value = Decimal(text.replace(",", ""))
    elif re.fullmatch(r"\d{1,3}(\.\d{3})*,\d{1,2}|\d+,\d{1,2}", text):  # 1.250.000,00
        value = Decimal(text.replace(".", "").replace(",", "."))
    else:
        value = parse_dong(text)
    if value != value.to_integral_value() or value >= MAX_AMOUNT:
        raise ValidationError("amount", code="invalid")
    value = value.quantize(Decimal(1))
    return -value if negative else value


def _statement_rows(data: bytes) -> tuple[list[tuple[int, IncomingTransfer]], list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("Tệp không phải CSV mã hoá UTF-8.")]
    reader = csv.DictReader(io.StringIO(text))
    headers = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    columns = {}
    for key, names in COLUMNS.items():
        found = next((headers[n] for n in names if n in headers), None)
        if found is None and key in REQUIRED:
            return [], [
                _("Thiếu cột “%(column)s”. Dòng đầu phải là: %(header)s.")
                % {"column": names[0], "header": ",".join(n[0] for n in COLUMNS.values())}
            ]
        columns[key] = found
    transfers, errors, seen = [], [], set()
    try:
        records = list(reader)
    except csv.Error as exc:
        return [], [_("Tệp CSV hỏng: %(error)s.") % {"error": exc}]
    for line_no, record in enumerate(records, start=2):
        if line_no - 1 > MAX_ROWS:
            errors.append(_("Tệp có hơn %(max)s dòng; hãy chia nhỏ.") % {"max": MAX_ROWS})
            break
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue

        def value(key, record=record):
            column = columns.get(key)
            return (record.get(column) or "").strip() if column else ""

        problems = []
        txn_id = value("id")
        if not txn_id:
            problems.append(_("thiếu mã giao dịch"))
        elif txn_id in seen:
            problems.append(_("mã giao dịch %(id)s lặp lại trong tệp") % {"id": txn_id})
        seen.add(txn_id)
        amount = None
        try:
            amount = statement_amount(value("amount"))
        except ValidationError:
            problems.append(_("số tiền “%(value)s” không hợp lệ") % {"value": value("amount")})
        occurred = None
        try:
            occurred = parse_when(value("date"))
        except DateOutOfRange:
            first, last = date_bounds()
            problems.append(
                _("ngày “%(value)s” nằm ngoài khoảng cho phép (%(first)s – %(last)s)")
                % {"value": value("date"), "first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")}
            )
        except FeedError:
            problems.append(_("ngày “%(value)s” không hợp lệ") % {"value": value("date")})
        if problems:
            errors.append(_("Dòng %(line)s: %(problems)s.") % {"line": line_no, "problems": "; ".join(problems)})
            continue
        transfers.append(
            (
                line_no,
                IncomingTransfer(
                    provider_txn_id=txn_id,
                    amount=amount,
                    memo=value("memo").replace("\x00", ""),
                    account_number=value("account"),
                    occurred_at=occurred,
                    raw={key: value(key).replace("\x00", "") for key in COLUMNS},
                    # A statement's transaction code is the bank's own reference for the transfer.
                    bank_reference=normalise_reference(txn_id),
                ),
            )
        )
    if not transfers and not errors:
        errors.append(_("Tệp không có dòng giao dịch nào."))
    return transfers, errors


def bank_statement_import(*, data: bytes, actor) -> StatementReport:
    """Import a statement CSV all or nothing: any malformed row means nothing is written."""
    transfers, errors = _statement_rows(data)
    report = StatementReport(errors=errors)
    if errors:
        return report
    with transaction.atomic():
        for line_no, transfer in transfers:
            row, created = bank_transfer_record(
                provider=STATEMENT_PROVIDER, transfer=transfer, channel=Channel.STATEMENT
            )
            report.rows.append((line_no, row, created))
        PaymentAudit.objects.create(
            actor=actor,
            action=PaymentAudit.Action.STATEMENT_IMPORT,
            note=_("%(rows)s dòng, %(matched)s khớp, tổng %(total)s")
            % {
                "rows": len(transfers),
                "matched": report.count(Outcome.MATCHED),
                "total": format_vnd(sum(t.amount for _n, t in transfers)),
            },
        )
    return report
