"""An official on a phone: logs in, filters the statistics to one market and a month,
reads the adoption rate and downloads the XLSX for the monthly report."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from merchants.models import OrganiserArea
from tests.factories import UserFactory, vendor_with_qr
from tests.factories import market as make_market

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_official_filters_to_a_market_and_a_month_and_downloads_the_xlsx(live_server, phone, artifacts, wagtail_home):
    centre = make_market(slug="cho-trung-tam", name="Chợ Trung tâm Sơn La", declared=8)
    make_market(slug="pho-to-hieu", name="Phố đi bộ Tô Hiệu", declared=30)
    for k in range(4):
        vendor_with_qr(centre, code=f"B{k}", phone=f"0914 000 00{k}")
    call_command("rebuild_statistics", "--days", "2", stdout=io.StringIO())
    official = UserFactory(username="canbo", email="canbo@choso.test")
    official.user_permissions.add(Permission.objects.get(codename="view_statistics"))
    OrganiserArea.objects.create(user=official, province_code=14, commune_code=3646)

    phone.goto(f"{live_server.url}/shop/accounts/login/?next=/stats/")
    phone.fill("#id_login-username", "canbo@choso.test")
    phone.fill("#id_login-password", "pass-1234")
    phone.click("button[name=login_submit]")
    phone.wait_for_url("**/stats/")
    assert "Thống kê" in phone.title()

    today = timezone.localdate()
    first = today.replace(day=1)
    phone.click("details.filters summary")
    phone.fill("#id_date_from", first.isoformat())
    phone.fill("#id_date_to", today.isoformat())
    phone.select_option("#id_market", label="Chợ Trung tâm Sơn La")
    phone.select_option("#id_grain", "month")
    phone.get_by_role("button", name="Xem", exact=True).click()
    phone.wait_for_url("**/stats/?*market=cho-trung-tam*")
    headline = phone.locator(".headline").inner_text()
    assert "50,0 %" in headline  # 4 live QRs of 8 declared stalls
    assert "Phố đi bộ Tô Hiệu" not in phone.locator("#markets").inner_text()
    # Phone-sized: no sideways scrolling of the page itself.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(artifacts / "organiser-stats.png"), full_page=True)

    with phone.expect_download() as download:
        phone.locator("#markets").get_by_role("link", name="XLSX").click()
    name = download.value.suggested_filename
    assert name == f"choso-markets-{first:%Y%m%d}-{today:%Y%m%d}_tinh14_xa3646_cho-trung-tam.xlsx"
    rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.values)
    assert rows[1][0] == "Chợ Trung tâm Sơn La" and rows[1][rows[0].index("Tỷ lệ dùng QR (%)")] == 50.0
