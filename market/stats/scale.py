"""A large synthetic province for ``seed_scale`` and ``make bench``: markets, stalls and their
applications, QRs, placards and payments, cooperatives and a year of orders.

Everything goes in with ``bulk_create`` in batches, straight into the tables the services
write, with timestamps spread over the period (so ``auto_now_add`` is lifted while seeding).
Stall QR payloads are still built by the VietQR codec, one per stall. Nothing here runs in
the product; it exists to measure the statistics at the size of a real province.
"""

import contextlib
import datetime
import random
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from oscar.core.loading import get_model

from core import geo
from merchants.models import Application, IssuedQR, Market, Merchant, PlacardPrint, Stall, StallPayment
from ocop_catalog.models import Cooperative
from payments import status
from payments.models import BankTransaction
from payments.vietqr import SERVICE_TO_ACCOUNT, build_payload

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Partner = get_model("partner", "Partner")

BATCH = 5000
STALLS_PER_MARKET = 100
METHODS = [("vietqr", 55), ("cod", 35), ("card", 10)]
BANKS = ["970436", "970418", "970405", "970422", "970407"]


@contextlib.contextmanager
def _timestamps_as_given(*fields):
    """Let ``bulk_create`` keep the ``auto_now_add`` times we set (the seeded history)."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _was in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, was in saved:
            f.auto_now_add = was


def _field(model, name):
    return model._meta.get_field(name)


class ScaleSeeder:
    def __init__(self, *, orders: int, stalls: int, days: int, province_code: int, seed: int, out=None):
        self.orders, self.stalls, self.days = orders, stalls, days
        self.province_code = province_code
        self.rng = random.Random(seed)
        self.out = out
        self.today = timezone.localdate()
        self.first_day = self.today - datetime.timedelta(days=days - 1)
        self.tz = timezone.get_default_timezone()
        self.communes = [code for code, _name in geo.commune_choices(province_code)]
        self.token = uuid.uuid4().hex[:6]  # keeps numbers and slugs unique across runs

    def say(self, text: str) -> None:
        if self.out:
            self.out(text)

    def moment(self, day_offset: int) -> datetime.datetime:
        day = self.first_day + datetime.timedelta(days=day_offset)
        start = datetime.datetime.combine(day, datetime.time.min, tzinfo=self.tz)
        return start + datetime.timedelta(seconds=self.rng.randrange(6 * 3600, 22 * 3600))

    # --- Cashless street --------------------------------------------------------------

    def seed_stalls(self) -> list[int]:
        rng = self.rng
        User = get_user_model()
        agents = [
            User.objects.get_or_create(username=f"scale-agent-{n}", defaults={"first_name": f"Tổ viên {n}"})[0]
            for n in range(1, 6)
        ]
        n_markets = max(1, self.stalls // STALLS_PER_MARKET)
        markets = Market.objects.bulk_create(
            Market(
                name=f"Chợ {n + 1} ({self.token})",
                slug=f"scale-{self.token}-{n + 1}",
                kind=Market.Kind.STREET if n % 4 == 0 else Market.Kind.MARKET,
                province_code=self.province_code,
                commune_code=self.communes[n % len(self.communes)],
                declared_stalls=STALLS_PER_MARKET + rng.randrange(0, 40),
                created_at=datetime.datetime.combine(self.first_day, datetime.time.min, tzinfo=self.tz),
            )
            for n in range(n_markets)
        )
        stalls = []
        for n in range(self.stalls):
            stalls.append(Stall(market=markets[n % n_markets], code=f"S{n // n_markets + 1:04d}", goods="Rau củ"))
        Stall.objects.bulk_create(stalls, batch_size=BATCH)
        now = timezone.now()
        first_phone = Merchant.objects.count()  # seeded phones: +8497xxxxxxx, unique across runs
        merchants = Merchant.objects.bulk_create(
            (
                Merchant(
                    name=f"Tiểu thương {n}",
                    phone=f"+8497{first_phone + n:07d}",
                    consent_version="2025-11",
                    consent_at=now,
                )
                for n in range(self.stalls)
            ),
            batch_size=BATCH,
        )
        applications, kinds = [], []
        for n, (stall, merchant) in enumerate(zip(stalls, merchants, strict=True)):
            created = self.moment(rng.randrange(0, self.days))
            kind = rng.random()
            state = (
                Application.Status.SUBMITTED
                if kind < 0.08
                else Application.Status.REJECTED
                if kind < 0.12
                else Application.Status.PLACARD_PRINTED
                if kind < 0.7
                else Application.Status.QR_ISSUED
            )
            reviewed = created + datetime.timedelta(days=1) if state != Application.Status.SUBMITTED else None
            applications.append(
                Application(
                    reference=uuid.uuid4().hex[:16],
                    merchant=merchant,
                    applicant_name=merchant.name,
                    consent_version=merchant.consent_version,
                    consent_at=created,
                    stall=stall,
                    bank_bin=BANKS[n % len(BANKS)],
                    account_number=f"{9000000000 + n}",
                    holder_name=f"TIEU THUONG {n}"[:25],
                    status=state,
                    reject_reason="Sai tên chủ tài khoản" if state == Application.Status.REJECTED else "",
                    submitted_by=agents[n % len(agents)] if n % 3 else None,
                    reviewed_at=reviewed,
                    created_at=created,
                )
            )
            kinds.append(state)
        with _timestamps_as_given(_field(Application, "created_at")):
            Application.objects.bulk_create(applications, batch_size=BATCH)
        self.say(f"{len(markets)} markets, {len(stalls)} stalls, {len(applications)} applications")

        qrs, live_stalls = [], []
        for application in applications:
            if application.status not in (Application.Status.QR_ISSUED, Application.Status.PLACARD_PRINTED):
                continue
            issued = application.reviewed_at
            qrs.append(
                IssuedQR(
                    stall=application.stall,
                    application=application,
                    version=1,
                    payload=build_payload(
                        bank_bin=application.bank_bin,
                        account=application.account_number,
                        service_code=SERVICE_TO_ACCOUNT,
                        merchant_name=application.holder_name,
                    ),
                    bank_bin=application.bank_bin,
                    account_number=application.account_number,
                    holder_name=application.holder_name,
                    issued_at=issued,
                    # One stall in 50 changed account: its first QR is revoked (the new one is not seeded).
                    revoked_at=issued + datetime.timedelta(days=20) if rng.random() < 0.02 else None,
                )
            )
        with _timestamps_as_given(_field(IssuedQR, "issued_at")):
            IssuedQR.objects.bulk_create(qrs, batch_size=BATCH)
        prints = [
            PlacardPrint(qr=qr, layout="a4x4", printed_at=qr.issued_at + datetime.timedelta(days=2))
            for qr in qrs
            if qr.application.status == Application.Status.PLACARD_PRINTED
        ]
        with _timestamps_as_given(_field(PlacardPrint, "printed_at")):
            PlacardPrint.objects.bulk_create(prints, batch_size=BATCH)
        live_stalls = [qr for qr in qrs if qr.revoked_at is None]
        self.seed_stall_payments(live_stalls)
        self.say(f"{len(qrs)} QRs, {len(prints)} placards printed")
        return [m.pk for m in markets]

    def seed_stall_payments(self, qrs) -> None:
        """A third of the live stalls report payments through a bank feed, over the last 45 days."""
        rng, now = self.rng, timezone.now()
        transactions, payments = [], []
        for qr in qrs:
            if rng.random() > 0.33:
                continue
            for k in range(rng.randrange(1, 6)):
                when = now - datetime.timedelta(days=rng.randrange(0, 45), minutes=rng.randrange(0, 600))
                if when < qr.issued_at:
                    continue
                amount = Decimal(rng.randrange(10, 300) * 1000)
                row = BankTransaction(
                    provider="seed",
                    provider_txn_id=f"{self.token}-{qr.application.pk}-{k}",
                    account_number=qr.account_number,
                    amount=amount,
                    occurred_at=when,
                    outcome=BankTransaction.Outcome.ACCOUNT,
                )
                transactions.append(row)
                payments.append(
                    StallPayment(stall=qr.stall, qr=qr, bank_transaction=row, amount=amount, received_at=when)
                )
        BankTransaction.objects.bulk_create(transactions, batch_size=BATCH)
        StallPayment.objects.bulk_create(payments, batch_size=BATCH)
        self.say(f"{len(payments)} stall payments")

    # --- Cooperatives and orders ------------------------------------------------------

    def seed_orders(self) -> list[int]:
        rng = self.rng
        n_coops = max(5, min(200, self.orders // 20000))
        partners = Partner.objects.bulk_create(
            Partner(name=f"HTX quy mô {n + 1} ({self.token})", code=f"scale-{self.token}-{n + 1}")
            for n in range(n_coops)
        )
        coops = Cooperative.objects.bulk_create(
            Cooperative(
                partner=partner,
                slug=f"scale-{self.token}-{n + 1}",
                legal_name=partner.name,
                province_code=self.province_code,
                commune_code=self.communes[n % len(self.communes)],
            )
            for n, partner in enumerate(partners)
        )
        source_types = {
            code: SourceType.objects.get_or_create(code=code, defaults={"name": code})[0] for code, _w in METHODS
        }
        codes = [code for code, _w in METHODS]
        weights = [w for _code, w in METHODS]
        base = (Order.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        # A cooperative that went online: the first one sells five times more from mid-period.
        star_from = self.days // 2
        done = 0
        while done < self.orders:
            size = min(BATCH, self.orders - done)
            orders, plans = [], []
            for i in range(size):
                offset = rng.randrange(0, self.days)
                coop = coops[0] if offset >= star_from and rng.random() < 0.3 else rng.choice(coops)
                method = rng.choices(codes, weights)[0]
                placed = self.moment(offset)
                quantity = rng.randrange(1, 4)
                price = Decimal(rng.randrange(5, 60) * 10000)
                total = price * quantity
                orders.append(
                    Order(
                        number=f"9{base + done + i:09d}",
                        currency="VND",
                        total_incl_tax=total,
                        total_excl_tax=total,
                        status=self._status(method, offset),
                        guest_email="",
                        date_placed=placed,
                    )
                )
                plans.append((coop, method, quantity, price, total))
            with transaction.atomic():
                Order.objects.bulk_create(orders)
                lines, sources = [], []
                for order, (coop, method, quantity, price, total) in zip(orders, plans, strict=True):
                    lines.append(
                        Line(
                            order=order,
                            partner_id=coop.partner_id,
                            partner_name=coop.legal_name,
                            partner_sku=f"SKU-{coop.pk}",
                            title="Sản phẩm OCOP",
                            quantity=quantity,
                            line_price_incl_tax=total,
                            line_price_excl_tax=total,
                            line_price_before_discounts_incl_tax=total,
                            line_price_before_discounts_excl_tax=total,
                            unit_price_incl_tax=price,
                            unit_price_excl_tax=price,
                            num_allocated=0,
                        )
                    )
                    paid = order.status == status.PAID
                    sources.append(
                        Source(
                            order=order,
                            source_type=source_types[method],
                            amount_allocated=total,
                            amount_debited=total if paid else 0,
                            reference=f"CS{order.number}",
                        )
                    )
                Line.objects.bulk_create(lines)
                Source.objects.bulk_create(sources)
            done += size
            if done % 100000 == 0 or done == self.orders:
                self.say(f"{done} orders")
        return [c.pk for c in coops]

    def _status(self, method: str, offset: int) -> str:
        roll = self.rng.random()
        recent = offset >= self.days - 1
        if roll < 0.02:
            return status.CANCELLED
        if method == "cod":
            return status.CASH_ON_DELIVERY if recent or roll < 0.2 else status.PAID
        if recent and roll < 0.3:
            return status.AWAITING_PAYMENT
        return status.EXPIRED if roll < 0.1 else status.PAID


def scale_seed(*, orders: int, stalls: int, days: int, province_code: int, seed: int = 2025, out=None) -> dict:
    """Seed the province, then rebuild the statistics rollups for every seeded day."""
    from market.stats.rollup import statistics_rebuild

    seeder = ScaleSeeder(orders=orders, stalls=stalls, days=days, province_code=province_code, seed=seed, out=out)
    market_ids = seeder.seed_stalls() if stalls else []
    coop_ids = seeder.seed_orders() if orders else []
    statistics_rebuild(seeder.first_day, seeder.today, market_ids=market_ids, cooperative_ids=coop_ids)
    seeder.say(f"rollups rebuilt for {days} days")
    return {"markets": len(market_ids), "cooperatives": len(coop_ids)}
