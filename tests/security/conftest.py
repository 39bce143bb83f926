import pytest
from django.contrib.auth.models import Permission

from core import sms
from tests.factories import UserFactory, market, vendor_with_qr

from .vendors import VICTIM_PHONE, organiser


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()


@pytest.fixture
def victim(client):
    """A vendor a field agent onboarded: QR live, no password set yet (the 33 of the demo)."""
    agent = UserFactory()
    agent.user_permissions.add(Permission.objects.get(codename="onboard_vendors"))
    application = vendor_with_qr(market(), code="B05", phone=VICTIM_PHONE, submitted_by=agent)
    application.refresh_from_db()
    assert application.merchant.user is None
    return application


@pytest.fixture
def logged_in_vendor(client, victim):
    from merchants.services import merchant_password_code_issue, merchant_password_set

    code, _expires = merchant_password_code_issue(merchant=victim.merchant, actor=organiser(), reason="approval")
    user = merchant_password_set(phone=VICTIM_PHONE, code=code, password="rau-sach-2025")
    client.force_login(user)
    sms.outbox.clear()
    return victim
