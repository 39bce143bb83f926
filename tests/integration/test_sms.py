"""The eSMS.vn adapter against eSMS's recorded answers, served over real HTTP on loopback."""

import json
from pathlib import Path

import pytest

from core import sms
from tests.loopback import serve

RECORDED = json.loads((Path(__file__).parents[1] / "fixtures" / "sms" / "esms.json").read_text())


@pytest.fixture
def esms(settings):
    """A loopback eSMS that answers each request with the recorded answer named in ``answer``."""
    state = {"answer": "accepted", "requests": []}

    def respond(request):
        state["requests"].append((request.path, request.headers["Content-Type"], request.json()))
        recorded = RECORDED[state["answer"]]
        return recorded["status"], recorded["body"]

    with serve(respond) as (base, _received):
        settings.SMS_BACKEND = "core.sms.EsmsBackend"
        settings.SMS_ESMS_URL = f"{base}/MainService.svc/json/SendMultipleMessage_V4_post_json/"
        settings.SMS_ESMS_API_KEY, settings.SMS_ESMS_SECRET_KEY, settings.SMS_ESMS_BRANDNAME = "key", "secret", "CHOSO"
        yield state


def test_a_message_goes_out_as_esms_expects_it(esms):
    result = sms.send_sms(to="+84912345678", text="Chợ Số: mã đặt mật khẩu là 123456", request_id="choso-code-1")
    assert result == sms.SmsResult(sent=True, provider_id="d533459ee42b2b9525ba9eabf6a8156")
    path, content_type, body = esms["requests"][0]
    assert (path, content_type) == ("/MainService.svc/json/SendMultipleMessage_V4_post_json/", "application/json")
    assert body == {
        "ApiKey": "key",
        "SecretKey": "secret",
        "Brandname": "CHOSO",
        "Phone": "0912345678",
        "Content": "Cho So: ma dat mat khau la 123456",
        "SmsType": "2",
        "IsUnicode": "0",
        "Sandbox": "0",
        "RequestId": "choso-code-1",
    }


def test_a_retried_request_that_esms_already_has_counts_as_sent(esms):
    esms["answer"] = "duplicate_request"
    assert sms.send_sms(to="+84912345678", text="x", request_id="choso-code-1").sent is True


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        ("bad_credentials", sms.SmsError, "eSMS 101: Authorize Failed"),
        ("unknown_brandname", sms.SmsError, "eSMS 104: Brand name code is not exist"),
        ("template_not_registered", sms.SmsError, "eSMS 146: Sai template Brandname CSKH"),
        ("invalid_request", sms.SmsTemporaryError, "eSMS error: Invalid request"),
        ("server_error", sms.SmsTemporaryError, "eSMS answered HTTP 503"),
    ],
)
def test_refusals_say_whether_a_retry_can_help(esms, answer, error, message):
    esms["answer"] = answer
    with pytest.raises(error) as caught:
        sms.send_sms(to="+84912345678", text="x", request_id="r")
    assert str(caught.value) == message
    # Only what a retry may cure is temporary.
    assert isinstance(caught.value, sms.SmsTemporaryError) == (error is sms.SmsTemporaryError)


def test_an_unreachable_provider_is_temporary(settings):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    settings.SMS_BACKEND = "core.sms.EsmsBackend"
    settings.SMS_ESMS_URL = f"http://127.0.0.1:{port}/"
    with pytest.raises(sms.SmsTemporaryError):
        sms.send_sms(to="+84912345678", text="x", request_id="r")


@pytest.mark.django_db
def test_a_notice_that_failed_for_now_is_retried_by_the_task_and_logged_once_sent(
    esms, django_capture_on_commit_callbacks
):
    from merchants.models import MerchantEvent
    from merchants.tasks import merchant_notice_send_task
    from tests.factories import market, vendor_with_qr

    application = vendor_with_qr(market(), code="B1", phone="0912 345 678")
    esms["answer"] = "server_error"
    from celery.exceptions import Retry

    with pytest.raises(Retry):  # the task asks to run again later, with the same request id
        merchant_notice_send_task.apply(
            args=(application.merchant_id, application.pk, "account-change-requested", "x", "choso-r-1"), throw=True
        )
    assert not MerchantEvent.objects.filter(action="notice-sent").exists()
    esms["answer"] = "accepted"
    merchant_notice_send_task.apply(
        args=(application.merchant_id, application.pk, "account-change-requested", "x", "choso-r-1")
    )
    assert list(MerchantEvent.objects.filter(action="notice-sent").values_list("detail", flat=True)) == [
        "account-change-requested: sms"
    ]
    assert {r[2]["RequestId"] for r in esms["requests"]} == {"choso-r-1"}
