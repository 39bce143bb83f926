"""The demo cashless market and street for ``load_demo``: 48 stalls in every application
state (pending, rejected, QR issued, placard printed, re-issued with the old QR revoked),
an organiser and a field agent. Deterministic, and skipped when already present."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from merchants.models import Application, IssuedQR, Market, PlacardPrint
from merchants.services import (
    application_approve,
    application_reject,
    application_submit,
    merchant_password_set,
    stall_for_application,
)
from payments.bank_feeds import IncomingTransfer
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


def _group(name: str, codename: str) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(Permission.objects.get(codename=codename, content_type__app_label="merchants"))
    return group


def demo_stalls_create(*, organiser, agent) -> int:
    _group("Ban tổ chức chợ", "review_application").user_set.add(organiser)
    _group("Tổ công nghệ số cộng đồng", "onboard_vendors").user_set.add(agent)
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
                PlacardPrint.objects.create(qr=qr, layout="a4x4", printed_by=organiser)
                Application.objects.filter(pk=application.pk).update(status=Application.Status.PLACARD_PRINTED)
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
                )
    _payments_and_logins()
    return created


def _payments_and_logins() -> None:
    """A few days of bank-reported payments into some stalls' accounts (through the real
    intake), and logins for the first two vendors (password: the demo password)."""
    from market.demo_data import DEMO_PASSWORD

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
            )
    for qr in live[:2]:
        merchant_password_set(merchant=qr.application.merchant, password=DEMO_PASSWORD)
