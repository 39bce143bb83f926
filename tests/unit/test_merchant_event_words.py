"""The audit log's stored tokens read as words on the organiser's page."""

import pytest

from merchants.models import MerchantEvent


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("phone-known", "số điện thoại đã có tiểu thương"),
        ("reset", "cấp lại"),
        ("code: sms off", "mã đặt mật khẩu: không nhắn (tin nhắn đang tắt)"),
        ("account-change-requested: sms", "yêu cầu đổi tài khoản: đã nhắn tin"),
        ("code: sms failed: eSMS 101: Authorize Failed", "mã đặt mật khẩu: nhắn tin lỗi (eSMS 101: Authorize Failed)"),
        ("970422 …6666", "970422 …6666"),
        ("Tên chủ tài khoản không khớp", "Tên chủ tài khoản không khớp"),
    ],
)
def test_details_read_as_words(detail, shown):
    assert MerchantEvent(detail=detail).detail_display() == shown
