"""Text messages to Vietnamese mobiles, through the backend named in ``SMS_BACKEND``.

The model is Django's email backends: ``send_sms(to=…, text=…)`` loads the configured class
and calls ``send``. Backends:

- ``core.sms.ConsoleBackend``: prints the message (``make run``);
- ``core.sms.LocmemBackend``: keeps messages in ``core.sms.outbox`` (tests);
- ``core.sms.DisabledBackend``: sends nothing and says so (``sent`` is False), so callers fall
  back to handing the code over in person. The production default: a console backend would
  write one-time codes into the logs;
- ``core.sms.EsmsBackend``: eSMS.vn's JSON API (customer-care brandname messages).

A new provider is a class with ``send(*, to, text, request_id) -> SmsResult`` that raises
``SmsTemporaryError`` for what a retry may cure (network, 5xx, provider busy) and
``SmsError`` for what it cannot (credentials, brandname, template).
"""

import dataclasses
import logging
import sys
import unicodedata
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from core.http import HttpError, json_request

logger = logging.getLogger(__name__)

outbox: list["SmsMessage"] = []  # LocmemBackend only: the tests' view of what was sent


class SmsError(Exception):
    """The provider refused the message for good (credentials, brandname, template, balance)."""


class SmsTemporaryError(SmsError):
    """The message may go through if sent again later (network, server error)."""


@dataclasses.dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    request_id: str


@dataclasses.dataclass(frozen=True)
class SmsResult:
    sent: bool
    provider_id: str = ""


def ascii_fold(text: str) -> str:
    """Vietnamese without marks ("Mã đặt" → "Ma dat"): a non-Unicode SMS is one segment of
    160 characters instead of 70, and every old handset shows it."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def national_number(e164: str) -> str:
    """+84912345678 → 0912345678, the form Vietnamese SMS gateways take."""
    return "0" + e164[3:] if e164.startswith("+84") else e164


class BaseBackend(Protocol):
    """What a backend is: one method. Backends need not inherit from this."""

    def send(self, *, to: str, text: str, request_id: str) -> SmsResult: ...


class ConsoleBackend:
    def send(self, *, to, text, request_id):
        sys.stdout.write(f"SMS to {to} [{request_id}]: {text}\n")
        sys.stdout.flush()
        return SmsResult(sent=True, provider_id=f"console-{request_id}")


class LocmemBackend:
    def send(self, *, to, text, request_id):
        outbox.append(SmsMessage(to=to, text=text, request_id=request_id))
        return SmsResult(sent=True, provider_id=f"locmem-{len(outbox)}")


class DisabledBackend:
    def send(self, *, to, text, request_id):
        return SmsResult(sent=False)


class EsmsBackend:
    """eSMS.vn, ``SendMultipleMessage_V4_post_json`` with SmsType 2 (customer care through a
    registered brandname). ``CodeResult`` "100" is accepted; "124" means eSMS already has a
    message with this ``RequestId`` (a retry of one that went through), also a success.
    Settings: ``SMS_ESMS_API_KEY``, ``SMS_ESMS_SECRET_KEY``, ``SMS_ESMS_BRANDNAME``,
    ``SMS_ESMS_URL`` (the endpoint; tests point it at a loopback server replaying recorded
    answers), ``SMS_ESMS_SANDBOX``."""

    ACCEPTED = {"100", "124"}
    TIMEOUT = 10

    def send(self, *, to, text, request_id):
        body = {
            "ApiKey": settings.SMS_ESMS_API_KEY,
            "SecretKey": settings.SMS_ESMS_SECRET_KEY,
            "Brandname": settings.SMS_ESMS_BRANDNAME,
            "Phone": national_number(to),
            "Content": ascii_fold(text),
            "SmsType": "2",
            "IsUnicode": "0",
            "Sandbox": "1" if settings.SMS_ESMS_SANDBOX else "0",
            "RequestId": request_id,
        }
        try:
            answer = json_request(settings.SMS_ESMS_URL, method="POST", body=body, timeout=self.TIMEOUT, name="eSMS")
        except HttpError as exc:
            raise (SmsTemporaryError if exc.temporary else SmsError)(str(exc)) from exc
        code = str(answer.get("CodeResult", ""))
        if code in self.ACCEPTED:
            return SmsResult(sent=True, provider_id=str(answer.get("SMSID", "")))
        message = answer.get("ErrorMessage") or answer.get("error") or "no message"
        if code in ("", "99"):  # "Invalid request" / connection error on their side
            raise SmsTemporaryError(f"eSMS {code or 'error'}: {message}")
        raise SmsError(f"eSMS {code}: {message}")


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_enabled() -> bool:
    """Whether texts reach phones here. When not, a one-time code is shown to the organiser to
    hand over; when they do, it goes to the vendor's phone only and no person sees it."""
    return not issubclass(import_string(settings.SMS_BACKEND), DisabledBackend)


def send_sms(*, to: str, text: str, request_id: str) -> SmsResult:
    """Send now through the configured backend. ``request_id`` is the caller's idempotency
    key: a provider that supports one (eSMS) sends a retried request only once."""
    result = get_backend().send(to=to, text=text, request_id=request_id)
    logger.info("sms %s to …%s: %s", request_id, to[-3:], "sent" if result.sent else "not sent (disabled)")
    return result
