"""The pull: SePay's and Casso's transactions APIs, replayed from their recorded answers over
loopback HTTP, feeding the same intake as the webhooks."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from payments import status
from payments.bank_feeds import FEEDS, sepay
from payments.models import BankFeedStatus, BankTransaction
from payments.services.feeds import bank_feed_pull, bank_feeds_pull
from tests.bank_feeds import awaiting_order, fixture_text, post_feed
from tests.factories import UserFactory
from tests.loopback import serve

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client):
    return awaiting_order(client)


def recorded(name: str, *, number: str, amount, when: str) -> dict:
    return json.loads(fixture_text(name, number=number, amount=amount, when=when))


def an_hour_ago() -> str:
    return timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def sepay_api(settings, order):
    """SePay's list endpoint: the recorded rows within the asked dates, at most ``limit`` of them."""
    answers = recorded("sepay_api.json", number=order.number, amount=order.total_incl_tax, when=an_hour_ago())
    state = {"answer": "ok", "answers": answers}

    def respond(request):
        answer = state["answers"][state["answer"]]
        body = answer["body"]
        if state["answer"] == "ok":
            low, high = request.query["transaction_date_min"], request.query["transaction_date_max"]
            rows = [row for row in body["transactions"] if low <= row["transaction_date"] <= high]
            body = {**body, "transactions": rows[: int(request.query["limit"])]}
        return answer["status"], body.encode() if isinstance(body, str) else body

    with serve(respond) as (base, received):
        settings.SEPAY_API_TOKEN = "test-sepay-token"
        settings.SEPAY_API_URL = f"{base}/userapi/"
        state["received"] = received
        yield state


@pytest.fixture
def casso_api(settings, order):
    answers = recorded("casso_api.json", number=order.number, amount=order.total_incl_tax, when=an_hour_ago())
    state = {"answer": None, "answers": answers}

    def respond(request):
        name = state["answer"] or f"page_{request.query['page']}"
        return answers[name]["status"], answers[name]["body"]

    with serve(respond) as (base, received):
        settings.CASSO_API_KEY = "test-casso-key"
        settings.CASSO_API_URL = f"{base}/v2/"
        state["received"] = received
        yield state


@pytest.fixture(autouse=True)
def _no_pull_cooldown():
    cache.clear()


# --- a transfer no webhook delivered ---------------------------------------------------------


@pytest.mark.parametrize("provider", ["sepay", "casso"])
def test_a_transfer_no_webhook_delivered_is_found_by_the_pull_and_pays_its_order(request, order, provider):
    api = request.getfixturevalue(f"{provider}_api")
    [report] = bank_feeds_pull(names=[provider])
    assert (report.ok, report.fetched, report.new, report.skipped) == (True, 2, 2, [])
    order.refresh_from_db()
    assert order.status == status.PAID
    paid = BankTransaction.objects.get(order=order)
    assert (paid.provider, paid.channel, paid.webhook_at, paid.outcome) == (provider, "pull", None, "matched")
    # Money out is recorded too, for matching payouts to cooperatives.
    out = BankTransaction.objects.get(amount__lt=0)
    assert (out.amount, out.outcome, out.memo) == (Decimal(-500000), "ignored", "CHOSO QT 12 chi tra HTX Thien An")
    health = BankFeedStatus.objects.get(provider=provider)
    assert (health.last_pull_fetched, health.last_pull_new, health.last_pull_error) == (2, 2, "")
    assert health.last_pull_ok_at == health.last_pull_at
    first = api["received"][0]
    if provider == "sepay":
        assert (first.path, first.headers["Authorization"]) == ("/userapi/transactions/list", "Bearer test-sepay-token")
        since = datetime.datetime.strptime(first.query["transaction_date_min"], "%Y-%m-%d %H:%M:%S")
        until = datetime.datetime.strptime(first.query["transaction_date_max"], "%Y-%m-%d %H:%M:%S")
        assert until - since == datetime.timedelta(hours=6)  # BANK_FEED_PULL_HOURS, local time
        assert abs(until - timezone.localtime().replace(tzinfo=None)) < datetime.timedelta(minutes=1)
    else:
        assert (first.path, first.headers["Authorization"]) == ("/v2/transactions", "Apikey test-casso-key")
        assert [r.query["page"] for r in api["received"]] == ["1", "2"]
        assert first.query["toDate"] == timezone.localdate().isoformat()
        assert (first.query["pageSize"], first.query["sort"]) == ("100", "ASC")


@pytest.mark.parametrize(
    ("provider", "scheme", "fixture"), [("sepay", "sepay-hmac", "sepay.json"), ("casso", "casso-v2", "casso_v2.json")]
)
def test_the_same_transfer_by_webhook_then_by_pull_is_stored_once(request, client, order, provider, scheme, fixture):
    request.getfixturevalue(f"{provider}_api")
    body = fixture_text(fixture, number=order.number, amount=order.total_incl_tax).encode()
    assert post_feed(client, scheme, body).json()["results"][0]["new"] is True
    [report] = bank_feeds_pull(names=[provider])
    assert (report.fetched, report.new) == (2, 1)  # only the money out is new
    assert BankTransaction.objects.filter(amount__gt=0).count() == 1
    assert BankTransaction.objects.get(amount__gt=0).channel == "webhook"
    assert PaymentEvent.objects.filter(order=order).count() == 1


@pytest.mark.parametrize(
    ("provider", "scheme", "fixture"), [("sepay", "sepay-hmac", "sepay.json"), ("casso", "casso-v2", "casso_v2.json")]
)
def test_a_webhook_after_the_pull_is_not_new_and_notes_that_the_webhook_works(
    request, client, order, provider, scheme, fixture
):
    request.getfixturevalue(f"{provider}_api")
    bank_feeds_pull(names=[provider])
    body = fixture_text(fixture, number=order.number, amount=order.total_incl_tax).encode()
    response = post_feed(client, scheme, body)
    assert response.status_code == 200
    assert response.json()["success"] is True and response.json()["results"][0]["new"] is False
    row = BankTransaction.objects.get(order=order)
    assert row.channel == "pull" and row.webhook_at is not None
    assert PaymentEvent.objects.filter(order=order).count() == 1


# --- what staff see ------------------------------------------------------------------------


def test_the_feed_page_shows_transfers_only_the_pull_found(client, order, sepay_api, settings):
    bank_feeds_pull(names=["sepay"])
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    html = client.get(reverse("payments:staff-feeds")).content.decode()
    # Within SePay's retry window the webhook may still come: not yet counted as missed.
    assert 'id="feed-sepay" data-state="degraded"' in html  # no webhook ever received: silent
    assert "chỉ tìm thấy khi đối soát" not in html
    BankTransaction.objects.update(received_at=timezone.now() - datetime.timedelta(hours=1))
    html = client.get(reverse("payments:staff-feeds")).content.decode()
    # The payment it found counts; the payout (money out) does not: webhooks may rightly skip it.
    assert "1 giao dịch trong 7 ngày chỉ tìm thấy khi đối soát" in html
    assert f"<code>{settings.SITE_URL}/payments/webhooks/bank/sepay/</code>" in html
    assert "đọc 2 giao dịch, 2 giao dịch mới" in html


def test_staff_can_pull_now_at_most_once_a_minute_per_provider(client, order, sepay_api):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("payments:staff-feeds-pull"), {"provider": "sepay"}, follow=True)
    assert "Đã yêu cầu đối soát SePay" in response.content.decode()
    order.refresh_from_db()
    assert order.status == status.PAID  # eager Celery here: the pull already ran
    again = client.post(reverse("payments:staff-feeds-pull"), {"provider": "sepay"}, follow=True)
    assert "Vừa đối soát SePay" in again.content.decode()
    assert len(sepay_api["received"]) == 1
    refused = client.post(reverse("payments:staff-feeds-pull"), {"provider": "casso"}, follow=True)
    assert "chưa có khoá API" in refused.content.decode()


# --- failures -------------------------------------------------------------------------------


def test_a_wrong_sepay_token_is_reported_not_raised(sepay_api):
    sepay_api["answer"] = "wrong_token"
    [report] = bank_feeds_pull(names=["sepay"])
    assert (report.ok, report.error) == (False, "SePay answered with an empty body: check SEPAY_API_TOKEN")
    health = BankFeedStatus.objects.get(provider="sepay")
    assert health.last_pull_ok_at is None and "SEPAY_API_TOKEN" in health.last_pull_error
    with pytest.raises(CommandError, match="^sepay: SePay answered with an empty body: check SEPAY_API_TOKEN$"):
        call_command("bank_feeds_pull", "--provider", "sepay")


def test_one_provider_failing_does_not_stop_the_other(sepay_api, casso_api, order):
    casso_api["answer"] = "unauthorized"
    reports = {r.provider: r for r in bank_feeds_pull()}
    assert reports["casso"].ok is False and reports["casso"].error == "Casso answered HTTP 401"
    assert reports["sepay"].ok is True and reports["sepay"].new == 2
    order.refresh_from_db()
    assert order.status == status.PAID


def test_sepay_rate_limit_is_a_failed_pull(sepay_api):
    sepay_api["answer"] = "rate_limited"
    [report] = bank_feeds_pull(names=["sepay"])
    assert (report.ok, report.error) == (False, "SePay answered HTTP 429")


def test_a_row_that_cannot_be_read_is_skipped_and_the_rest_stored(sepay_api):
    rows = sepay_api["answers"]["ok"]["body"]["transactions"]
    rows[1]["amount_out"] = "nhiều"
    [report] = bank_feeds_pull(names=["sepay"])
    assert report.ok and (report.fetched, report.new) == (2, 1)
    assert report.skipped == ["SePay API 92705: amount 'nhiều' is not a number"]
    assert BankTransaction.objects.count() == 1


def test_a_full_sepay_answer_is_read_again_in_halves(sepay_api, monkeypatch, order):
    monkeypatch.setattr(sepay, "API_LIMIT", 2)
    monkeypatch.setattr(sepay, "API_PAUSE", 0)
    rows = sepay_api["answers"]["ok"]["body"]["transactions"]

    def hours_ago(hours):
        return timezone.localtime(timezone.now() - datetime.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")

    rows[0]["transaction_date"] = hours_ago(5)
    rows.append({**rows[1], "id": "92706", "reference_number": "FT3", "transaction_date": hours_ago(2)})
    [report] = bank_feeds_pull(names=["sepay"])
    assert (report.ok, report.fetched, report.new) == (True, 3, 3)
    # 6 hours (3 rows: full) → 6h-3h (1) and 3h-now (2: full) → 3h-1.5h (1) and 1.5h-now (1).
    assert len(sepay_api["received"]) == 5


def test_one_pull_per_provider_at_a_time(sepay_api):
    cache.add("bank-feed-pull:sepay", 1, 60)
    report = bank_feed_pull(FEEDS["sepay"])
    assert (report.ok, report.error) == (False, "a pull is already running")
    assert sepay_api["received"] == []


def test_the_command_reports_each_provider_on_one_line(sepay_api, casso_api, capsys):
    call_command("bank_feeds_pull", "--hours", "2")
    out = capsys.readouterr().out.splitlines()
    # Both list the same payout (bank reference FT25329000999): stored once, by the first.
    assert out == ["sepay: 2 read, 2 new", "casso: 2 read, 1 new"]


def test_the_command_without_api_keys_says_so(settings):
    with pytest.raises(CommandError, match=r"^no bank feed has an API key set \(SEPAY_API_TOKEN, CASSO_API_KEY\)$"):
        call_command("bank_feeds_pull")
    with pytest.raises(CommandError, match="^no API key set: CASSO_API_KEY$"):
        call_command("bank_feeds_pull", "--provider", "casso")
    with pytest.raises(CommandError, match="--hours must be between"):
        call_command("bank_feeds_pull", "--hours", "0")


def test_the_pull_runs_on_the_beat_schedule(settings):
    from market.celery import app

    app.finalize()
    entry = app.conf.beat_schedule["pull-bank-feeds"]
    assert entry["task"] == "payments.tasks.bank_feeds_pull_task"
    assert entry["schedule"] == settings.BANK_FEED_PULL_MINUTES * 60


def test_an_answer_that_is_not_http_is_a_failed_pull_on_record(settings):
    """A provider (or a proxy in front of it) that answers garbage: reported and recorded, not raised."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def answer_garbage():
        connection, _ = listener.accept()
        connection.recv(4096)
        connection.sendall(b"garbage\r\n\r\n")
        connection.close()

    threading.Thread(target=answer_garbage, daemon=True).start()
    settings.SEPAY_API_TOKEN = "t"
    settings.SEPAY_API_URL = f"http://127.0.0.1:{listener.getsockname()[1]}/userapi/"
    [report] = bank_feeds_pull(names=["sepay"])
    listener.close()
    assert report.ok is False and report.error.startswith("SePay answered something that is not HTTP")
    assert BankFeedStatus.objects.get(provider="sepay").last_pull_error == report.error


def test_a_redirect_is_not_followed_with_our_api_key(settings):
    seen = []

    def respond(request):
        seen.append(request.headers.get("Authorization"))
        return 302, b""

    with serve(respond) as (base, _received):
        settings.CASSO_API_KEY = "secret-key"
        settings.CASSO_API_URL = f"{base}/v2/"
        [report] = bank_feeds_pull(names=["casso"])
    assert (report.ok, report.error) == (False, "Casso answered HTTP 302")
    assert seen == ["Apikey secret-key"]  # asked once, never sent on


def test_a_full_one_minute_sepay_window_is_an_error_not_a_silent_loss(sepay_api, monkeypatch):
    monkeypatch.setattr(sepay, "API_LIMIT", 1)
    monkeypatch.setattr(sepay, "API_PAUSE", 0)
    monkeypatch.setattr(sepay, "SMALLEST_WINDOW", datetime.timedelta(hours=7))
    [report] = bank_feeds_pull(names=["sepay"])
    assert report.ok is False and "some were not read" in report.error


def test_a_row_that_breaks_the_database_is_skipped_and_the_rest_stored(sepay_api, monkeypatch):
    from payments.services import feeds

    real = feeds.bank_transfer_record

    def failing_once(*, provider, transfer, channel):
        if transfer.provider_txn_id == "92704":
            raise RuntimeError("disk full")
        return real(provider=provider, transfer=transfer, channel=channel)

    monkeypatch.setattr(feeds, "bank_transfer_record", failing_once)
    [report] = bank_feeds_pull(names=["sepay"])
    assert report.ok and (report.fetched, report.new) == (2, 1)
    assert report.skipped == ["RuntimeError: disk full"]


def test_a_lone_surrogate_in_a_pulled_memo_is_stored_readably(sepay_api):
    sepay_api["answers"]["ok"]["body"]["transactions"][1]["transaction_content"] = "chi tra \ud800 HTX"
    [report] = bank_feeds_pull(names=["sepay"])
    assert report.ok and report.new == 2
    assert BankTransaction.objects.get(amount__lt=0).memo == "chi tra ? HTX"
