"""The demo cashless market and street for ``load_demo``: 48 stalls in every application
state (pending, rejected, QR issued, placard printed, re-issued with the old QR revoked),
an organiser and a field agent. Deterministic, and skipped when already present."""

import datetime

from django.utils import timezone

from market.roles import FIELD_AGENTS, ORGANISERS, role
from market.stats.models import ProvinceTarget
from merchants.models import Application, IssuedQR, Market, OrganiserArea, PlacardPrint
from merchants.services import (
    application_approve,
    application_reject,
    application_submit,
    merchant_password_code_issue,
    merchant_password_set,
    placards_printed,
    stall_for_application,
)
from payments.bank_feeds import IncomingTransfer
from payments.models import BankTransaction
from payments.services.bank import bank_transfer_record

MARKETS = [
    ("cho-trung-tam-son-la", "Chợ Trung tâm Sơn La", Market.Kind.MARKET, 60),
    ("pho-di-bo-to-hieu", "Phố đi bộ Tô Hiệu", Market.Kind.STREET, 30),
]
NAMES = [
    "Lò Thị Hoa",
    "Cầm Văn Tươi",
    "Quàng Thị Mai",
    "Tòng Văn Sơn",
    "Hà Thị Lan",
    "Lường Văn Kiên",
    "Điêu Thị Nga",
    "Vì Văn Đông",
]
BANKS = ["970436", "970418", "970405", "970422", "970407"]  # VCB, BIDV, Agribank, MB, Techcombank
GOODS = ["Rau củ", "Thịt lợn bản", "Cá suối", "Măng rừng", "Gạo nếp", "Chè", "Bánh dày", "Thổ cẩm"]


def demo_stalls_create(*, organiser, agent, commune_organiser) -> int:
    role(ORGANISERS).user_set.add(organiser, commune_organiser)
    # The province official sees all of Sơn La; the commune official only phường Tô Hiệu.
    OrganiserArea.objects.get_or_create(user=organiser, defaults={"province_code": 14})
    OrganiserArea.objects.get_or_create(user=commune_organiser, defaults={"province_code": 14, "commune_code": 3646})
    role(FIELD_AGENTS).user_set.add(agent)
    if Market.objects.filter(slug=MARKETS[0][0]).exists():
        return 0
    created = 0
    for m_index, (slug, name, kind, declared) in enumerate(MARKETS):
        market = Market.objects.create(
            slug=slug, name=name, kind=kind, province_code=14, commune_code=3646, declared_stalls=declared
        )
        for n in range(32 if m_index == 0 else 16):
            row = "AB"[n % 2]
            stall = stall_for_application(
                market=market, code=f"{row}{n + 1:02d}", place=f"Dãy {row}, số {n + 1}", goods=GOODS[n % len(GOODS)]
            )
            person = NAMES[(n + m_index) % len(NAMES)]
            application = application_submit(
                stall=stall,
                name=person,
                phone=f"09{m_index}{n:07d}",
                bank_bin=BANKS[n % len(BANKS)],
                account_number=f"{1020000000 + m_index * 1000 + n}",
                holder_name=person,
                consent=True,
                submitted_by=agent if n % 3 else None,
            )
            created += 1
            state = n % 8
            if state == 0:
                continue  # still waiting for review
            if state == 1:
                application_reject(
                    application=application, reviewer=organiser, reason="Tên chủ tài khoản không khớp với CCCD."
                )
                continue
            qr = application_approve(application=application, reviewer=organiser)
            if state in (3, 4, 5):
                placards_printed(qrs=[qr], layout="a4x4", user=organiser)
            if state == 6:  # changed bank account: the first QR stays in the history, revoked
                application_approve(
                    application=application_submit(
                        stall=stall,
                        name=person,
                        phone=f"09{m_index}{n:07d}",
                        bank_bin="970422",
                        account_number=f"{2030000000 + n}",
                        holder_name=person,
                        consent=True,
                    ),
                    reviewer=organiser,
                    phone_verified=True,  # the organiser called the vendor
                )
    _spread_over_camp_days()
    _payments_and_logins()
    ProvinceTarget.objects.get_or_create(province_code=14, defaults={"target_percent": 80})
    return created


def _spread_over_camp_days() -> None:
    """Move the applications onto onboarding camp days over the last eight weeks (reviewed the
    next day, printed two days later, a changed account ten days after), so the statistics'
    trend and camp-day tables have a history to show."""
    now = timezone.now()
    Market.objects.filter(slug__in=[m[0] for m in MARKETS]).update(created_at=now - datetime.timedelta(days=60))
    applications = list(Application.objects.order_by("pk"))
    for index, application in enumerate(applications):
        camp = now - datetime.timedelta(days=52 - 7 * (index * 7 // len(applications)), hours=index % 5)
        reviewed = camp + datetime.timedelta(days=1)
        Application.objects.filter(pk=application.pk).update(
            created_at=camp, reviewed_at=reviewed if application.reviewed_at else None
        )
        IssuedQR.objects.filter(application=application).update(issued_at=reviewed)
        PlacardPrint.objects.filter(qr__application=application).update(
            printed_at=reviewed + datetime.timedelta(days=2)
        )
    # A re-issued stall: its first QR was revoked when the second one was issued.
    for qr in IssuedQR.objects.filter(revoked_at__isnull=False).select_related("stall"):
        later = qr.stall.qrs.filter(version__gt=qr.version).order_by("version").first()
        moved = qr.issued_at + datetime.timedelta(days=10)
        IssuedQR.objects.filter(pk=qr.pk).update(revoked_at=moved)
        IssuedQR.objects.filter(pk=later.pk).update(issued_at=moved)
        Application.objects.filter(pk=later.application_id).update(
            created_at=moved - datetime.timedelta(hours=2), reviewed_at=moved
        )


def _payments_and_logins() -> None:
    """A few days of bank-reported payments into some stalls' accounts (through the real
    intake), and logins for the first two vendors (password: the demo password)."""
    from market.demo.data import DEMO_PASSWORD

    now = timezone.now()
    live = list(IssuedQR.objects.filter(revoked_at__isnull=True).select_related("application__merchant").order_by("pk"))
    for index, qr in enumerate(live[::2]):
        for k in range(index % 4 + 1):
            bank_transfer_record(
                provider="demo",
                transfer=IncomingTransfer(
                    provider_txn_id=f"demo-{qr.pk}-{k}",
                    amount=20000 + 5000 * ((index + k) % 7),
                    memo="thanh toan tien hang",
                    account_number=qr.account_number,
                    occurred_at=now - datetime.timedelta(days=k * 6, hours=index % 9),
                ),
                channel=BankTransaction.Channel.WEBHOOK,
            )
    for qr in live[:2]:
        # As a vendor does: the one-time code from the approval slip, then their password.
        merchant = qr.application.merchant
        code, _expires = merchant_password_code_issue(merchant=merchant, actor=None, reason="approval")
        merchant_password_set(phone=merchant.phone.as_e164, code=code, password=DEMO_PASSWORD)
