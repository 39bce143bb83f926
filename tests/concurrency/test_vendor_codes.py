"""Real threads against PostgreSQL: a vendor's one-time code under a burst of guesses."""

import pytest
from django.test import Client
from django.urls import reverse

from merchants.models import Merchant, MerchantEvent
from merchants.services import merchant_password_code_issue
from tests.concurrency.test_no_double_effects import run_together
from tests.factories import UserFactory, market, vendor_with_qr

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_wrong_codes_at_once_use_up_exactly_five_tries_and_then_the_right_one_fails():
    application = vendor_with_qr(market(), code="B1", phone="0912 345 678")
    code, _expires = merchant_password_code_issue(merchant=application.merchant, actor=UserFactory(), reason="approval")
    wrong = [f"{n:06d}" for n in range(30) if f"{n:06d}" != code][:20]

    def guess(typed, n):
        return Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(
            reverse("merchants:vendor-password"), {"phone": "0912 345 678", "code": typed, "password": "ke-gian-2025"}
        )

    answers = run_together([lambda t=t, n=n: guess(t, n) for n, t in enumerate(wrong)])
    assert [getattr(a, "status_code", a) for a in answers] == [200] * 20
    merchant = Merchant.objects.get()
    assert (merchant.password_code_failures, merchant.user) == (5, None)
    assert MerchantEvent.objects.filter(action="code-failed").count() == 5
    late = guess(code, 99)
    assert "Mã không đúng hoặc đã hết hạn" in late.content.decode()
    assert Merchant.objects.get().user is None
