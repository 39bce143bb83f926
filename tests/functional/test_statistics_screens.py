import csv
import datetime
import gzip
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from merchants.models import Market, OrganiserArea
from tests.factories import CooperativeFactory, UserFactory, make_product, vendor_with_qr
from tests.factories import market as make_market

pytestmark = pytest.mark.django_db
DASHBOARD = "/stats/"
OTHER_COMMUNE = 3667  # Phường Chiềng An, Sơn La


def organiser(province_code=14, commune_code=None):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_statistics"))
    OrganiserArea.objects.create(user=user, province_code=province_code, commune_code=commune_code)
    return user


@pytest.fixture
def province():
    """Three markets of 3+ live stalls: two communes of Sơn La and one in Hà Nội; a cooperative in each commune."""
    markets = [
        make_market(slug="to-hieu", name="Chợ Tô Hiệu"),
        Market.objects.create(
            slug="chieng-an", name="Chợ Chiềng An", province_code=14, commune_code=OTHER_COMMUNE, declared_stalls=9
        ),
        Market.objects.create(slug="ba-dinh", name="Chợ Ba Đình", province_code=1, commune_code=4, declared_stalls=9),
    ]
    n = 0
    for market in markets:
        for k in range(3):
            n += 1
            vendor_with_qr(market, code=f"A{k}", phone=f"0913 200 {n:03d}")
    coops = {
        "to-hieu": CooperativeFactory(partner__name="HTX Tô Hiệu"),
        "chieng-an": CooperativeFactory(partner__name="HTX Chiềng An", commune_code=OTHER_COMMUNE),
        "ba-dinh": CooperativeFactory(partner__name="HTX Ba Đình", province_code=1, commune_code=4),
    }
    for coop in coops.values():
        make_product(cooperative=coop, title=f"Trà {coop.partner.name}", stars=4)
    call_command("rebuild_statistics", "--days", "3", stdout=io.StringIO())
    return markets, coops


def visible(html: str) -> set[str]:
    names = {"Chợ Tô Hiệu", "Chợ Chiềng An", "Chợ Ba Đình", "HTX Tô Hiệu", "HTX Chiềng An", "HTX Ba Đình"}
    return {name for name in names if name in html}


@pytest.mark.parametrize(
    "who, sees",
    [
        ("commune", {"Chợ Tô Hiệu", "HTX Tô Hiệu"}),
        ("other-commune", {"Chợ Chiềng An", "HTX Chiềng An"}),
        ("province", {"Chợ Tô Hiệu", "Chợ Chiềng An", "HTX Tô Hiệu", "HTX Chiềng An"}),
        ("hanoi", {"Chợ Ba Đình", "HTX Ba Đình"}),
        ("admin", {"Chợ Tô Hiệu", "Chợ Chiềng An", "Chợ Ba Đình", "HTX Tô Hiệu", "HTX Chiềng An", "HTX Ba Đình"}),
    ],
)
def test_each_organiser_sees_their_own_area_only(client, province, who, sees):
    user = {
        "commune": lambda: organiser(commune_code=3646),
        "other-commune": lambda: organiser(commune_code=OTHER_COMMUNE),
        "province": lambda: organiser(),
        "hanoi": lambda: organiser(province_code=1),
        "admin": lambda: UserFactory(is_superuser=True),
    }[who]()
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert visible(response.content.decode()) == sees
    # Exports obey the same area.
    for table, prefix in (("markets", "Chợ"), ("ocop", "HTX")):
        export = client.get(reverse("stats:export", kwargs={"table": table, "extension": "csv"}))
        assert visible(export.content.decode("utf-8-sig")) == {n for n in sees if n.startswith(prefix)}
    # Asking for another area's market by its slug is refused, and the default view is shown.
    outside = {"Chợ Ba Đình"} if "Chợ Ba Đình" not in sees else set()
    if outside:
        response = client.get(DASHBOARD, {"market": "ba-dinh"})
        assert "Không có chợ này trong địa bàn của bạn." in response.content.decode()
        assert visible(response.content.decode()) == sees


def test_cooperative_staff_vendors_and_strangers_get_no_statistics(client, province):
    _markets, coops = province
    staff = UserFactory()
    coops["to-hieu"].partner.users.add(staff)
    client.force_login(staff)
    assert client.get(DASHBOARD)["Location"] == reverse("coop:figures")
    assert client.get(reverse("stats:export", kwargs={"table": "cooperatives", "extension": "csv"})).status_code == 302
    vendor = UserFactory()
    client.force_login(vendor)
    assert client.get(DASHBOARD).status_code == 403
    # A reviewer of applications without the statistics permission: no.
    reviewer = UserFactory()
    reviewer.user_permissions.add(Permission.objects.get(codename="review_application"))
    OrganiserArea.objects.create(user=reviewer, province_code=14)
    client.force_login(reviewer)
    assert client.get(DASHBOARD).status_code == 403
    # The permission without an area: no either.
    client.force_login(organiser())
    OrganiserArea.objects.all().delete()
    assert client.get(DASHBOARD).status_code == 403
    client.logout()
    assert client.get(DASHBOARD)["Location"].startswith(reverse("customer:login"))


@pytest.mark.parametrize(
    "query, message",
    [
        ({"market": "khong-co"}, "Không có chợ này trong địa bàn của bạn."),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "Ngày bắt đầu đứng sau ngày kết thúc."),
        ({"date_from": "2020-01-02", "date_to": "2026-01-10"}, "Kỳ thống kê dài quá 5 năm"),
        ({"date_from": "ngày mai"}, "Nhập một ngày hợp lệ."),
        ({"province": "1"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"province": "14", "commune": "4"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"cooperative": "999999"}, "Không có hợp tác xã này trong địa bàn của bạn."),
        ({"compare": "2001-01-01"}, "Ngày so sánh phải nằm trong kỳ thống kê."),
        ({"grain": "decade"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"date_from": "9999-12-01", "date_to": "9999-12-30"}, "Ngày bắt đầu đứng sau ngày kết thúc."),
        ({"market": "ba-dinh", "province": "14"}, "Không có chợ này trong địa bàn của bạn."),
        ({"date_to": "0001-01-05"}, "Không có số liệu trước ngày 01/01/2020."),
        ({"date_from": "1999-01-01"}, "Không có số liệu trước ngày 01/01/2020."),
        ({"province": "999"}, "Hãy chọn một lựa chọn hợp lệ."),
    ],
)
def test_malformed_filters_get_a_vietnamese_message_and_the_default_view(client, province, query, message):
    client.force_login(organiser())
    response = client.get(DASHBOARD, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and "Đang hiển thị mặc định" in html
    assert visible(html) == {"Chợ Tô Hiệu", "Chợ Chiềng An", "HTX Tô Hiệu", "HTX Chiềng An"}
    # An export with the same bad filters is refused with the same message, never a 500.
    export = client.get(reverse("stats:export", kwargs={"table": "markets", "extension": "xlsx"}), query)
    assert export.status_code == 400 and message in export.content.decode()


def test_a_period_running_past_today_is_cut_at_today_and_the_other_filters_are_kept(client, province):
    client.force_login(organiser())
    today = timezone.localdate()
    first = today.replace(day=1)
    query = {"date_from": first.isoformat(), "date_to": "9999-12-31", "market": "to-hieu", "grain": "month"}
    html = client.get(DASHBOARD, query).content.decode()
    assert "kỳ thống kê kết thúc hôm nay" in html and "Đang hiển thị mặc định" not in html
    assert (
        visible(html.split("</details>", 1)[1]) >= {"Chợ Tô Hiệu"}
        and "Chợ Chiềng An" not in html.split("</details>", 1)[1]
    )
    # The form shows the period in force and the market chosen.
    assert f'value="{first.isoformat()}"' in html and f'value="{today.isoformat()}"' in html
    assert '<option value="to-hieu" selected>' in html


def test_a_market_outside_the_chosen_commune_is_named_not_shown_as_zeros(client, province):
    client.force_login(organiser())
    html = client.get(DASHBOARD, {"province": "14", "commune": OTHER_COMMUNE, "market": "to-hieu"}).content.decode()
    assert "Chợ này không thuộc tỉnh hoặc xã đã chọn." in html and "Đang hiển thị mặc định" in html


def test_filters_narrow_the_view_and_name_the_export(client, province):
    client.force_login(organiser())
    today = timezone.localdate()
    first = today - datetime.timedelta(days=25)
    query = {"date_from": first.isoformat(), "date_to": today.isoformat(), "commune": OTHER_COMMUNE, "province": 14}
    html = client.get(DASHBOARD, query).content.decode()
    assert visible(html.split("</details>", 1)[1]) == {"Chợ Chiềng An", "HTX Chiềng An"}
    query["market"] = "chieng-an"
    response = client.get(reverse("stats:export", kwargs={"table": "markets", "extension": "xlsx"}), query)
    assert response["Content-Disposition"] == (
        f'attachment; filename="choso-markets-{first:%Y%m%d}-{today:%Y%m%d}_tinh14_xa3667_chieng-an.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("Chợ / tuyến phố", "Loại", "Xã/phường", "Tổng số sạp (khai báo)")
    assert rows[1][0] == "Chợ Chiềng An" and rows[1][3] == 9 and rows[1][6] == 3
    assert any(f"Kỳ: {first:%d/%m/%Y} – {today:%d/%m/%Y}" in str(r[0]) for r in rows if r and r[0])


def test_csv_has_vietnamese_headers_and_marks_small_cells(client, province):
    markets, _coops = province
    # A fourth market with two live stalls: its counts must read "< 3".
    small = Market.objects.create(slug="nho", name="Chợ Nhỏ", province_code=14, commune_code=3646, declared_stalls=5)
    vendor_with_qr(small, code="N1", phone="0913 300 001")
    vendor_with_qr(small, code="N2", phone="0913 300 002")
    call_command("rebuild_statistics", "--days", "1", stdout=io.StringIO())
    client.force_login(organiser())
    response = client.get(reverse("stats:export", kwargs={"table": "markets", "extension": "csv"}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Chợ / tuyến phố" and "Tỷ lệ dùng QR (%)" in rows[0]
    small_row = next(r for r in rows if r and r[0] == "Chợ Nhỏ")
    assert small_row[rows[0].index("Có mã QR còn hiệu lực")] == "< 3"
    assert small_row[rows[0].index("Tỷ lệ dùng QR (%)")] == "< 3"
    assert any("ít hơn 3 tiểu thương" in r[0] for r in rows if r)
    html = client.get(DASHBOARD).content.decode()
    assert "ít hơn 3 tiểu thương" in html and '<span class="suppressed"' in html
    # No buyer's personal data anywhere.
    assert "@" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_unknown_export_table_is_a_404(client, province):
    client.force_login(organiser())
    assert client.get("/stats/export/buyers.csv").status_code == 404
    assert client.get("/stats/export/markets.pdf").status_code == 404


def test_dashboard_query_count_does_not_grow_with_the_data(client, province):
    client.force_login(organiser())
    client.get(DASHBOARD)  # warm caches (content types, site)
    with CaptureQueriesContext(connection) as small:
        client.get(DASHBOARD)
    call_command("seed_scale", "--orders", "400", "--stalls", "300", "--days", "40", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as large:
        response = client.get(DASHBOARD, {"grain": "month"})
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]


def test_dashboard_is_light_and_has_no_third_party_assets(client, province):
    client.force_login(organiser())
    response = client.get(DASHBOARD)
    html = response.content.decode()
    assert len(gzip.compress(response.content)) < 150_000
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def _export_rows(client, key: str, extension: str) -> list[list[str]]:
    """The rows of an export, every cell as text ("" for empty), trailing empty cells dropped."""
    response = client.get(reverse("stats:export", kwargs={"table": key, "extension": extension}))
    assert response.status_code == 200, (key, extension)
    if extension == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    while rows and not any(rows[-1]):
        rows.pop()
    return [list(_trimmed(row)) for row in rows]


def _trimmed(row):
    row = list(row)
    while row and row[-1] == "":
        row.pop()
    return row


def _numberish(cell: str) -> str:
    """1.0 and 1 are the same number in a sheet and in a CSV; a sheet's date reads back as a datetime."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00:00", cell):
        return cell[:10]
    try:
        value = float(cell)
    except ValueError:
        return cell
    return str(int(value)) if value == int(value) else str(value)


def test_every_table_exports_the_same_rows_in_both_formats(client, province):
    from market.stats.reports import TABLE_KEYS

    client.force_login(UserFactory(is_superuser=True))
    for key in TABLE_KEYS:
        as_csv, as_xlsx = _export_rows(client, key, "csv"), _export_rows(client, key, "xlsx")
        assert as_csv[0] and as_csv[0] == as_xlsx[0], key  # the same column headers
        assert [[_numberish(c) for c in r] for r in as_csv] == [[_numberish(c) for c in r] for r in as_xlsx], key
        assert as_csv[-1][0].startswith("Kỳ: ") or as_csv[-2][0].startswith("Kỳ: "), key  # the filters line
    markets = _export_rows(client, "markets", "csv")
    assert {row[0] for row in markets[1:] if row} >= {"Chợ Tô Hiệu"}  # the province's markets are in it


def test_a_superuser_asking_for_an_unknown_province_gets_a_message_not_a_500(client, province):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(DASHBOARD, {"province": "999", "commune": "1"})
    assert response.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ." in response.content.decode()
    market_form = client.post(
        reverse("merchants:market-add"), {"name": "X", "province_code": "999", "update_communes": "1"}
    )
    assert market_form.status_code == 200


def test_a_market_name_that_looks_like_a_formula_is_exported_as_text(client, province):
    market = Market.objects.get(slug="to-hieu")
    market.name = '=HYPERLINK("http://x")'
    market.save()
    client.force_login(organiser())
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("stats:export", kwargs={"table": "markets", "extension": "xlsx"})).content)
    ).active
    cell = next(c for c in sheet["A"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.value.startswith("'=")
    text = client.get(reverse("stats:export", kwargs={"table": "markets", "extension": "csv"})).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in text


def test_english_pages_write_numbers_the_english_way(client, province):
    client.force_login(organiser())
    client.cookies["django_language"] = "en"
    html = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "QR adoption by market and street" in html and "33.3 %" in html


def test_changing_the_province_reloads_the_communes_without_losing_the_other_filters(client, province):
    client.force_login(UserFactory(is_superuser=True))
    query = {"province": "1", "commune": str(OTHER_COMMUNE), "grain": "month", "update_communes": "1"}
    html = client.get(DASHBOARD, query).content.decode()
    assert "Đang hiển thị mặc định" not in html and 'value="4"' in html  # Ba Đình offered
    assert visible(html.split("</details>", 1)[1]) == {"Chợ Ba Đình", "HTX Ba Đình"}


def test_export_links_fetch_the_tables_shown(client, province):
    client.force_login(organiser())
    html = client.get(DASHBOARD, {"market": "khong-co"}).content.decode()
    link = re.search(r'href="(/stats/export/markets\.xlsx\?[^"]+)"', html).group(1).replace("&amp;", "&")
    assert "khong-co" not in link
    assert client.get(link).status_code == 200


def test_activity_in_the_period_shows_new_applications_per_market(client, province):
    client.force_login(organiser())
    html = client.get(DASHBOARD).content.decode()
    assert "Hoạt động trong kỳ theo chợ" in html
    rows = client.get(reverse("stats:export", kwargs={"table": "activity", "extension": "csv"})).content.decode(
        "utf-8-sig"
    )
    assert "Chợ Tô Hiệu,3," in rows
