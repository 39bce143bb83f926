"""Vendors' security (issue: payouts could be hijacked from a phone number).

- The reset code becomes the one-time code for any password (first or new), with a count of
  wrong tries.
- Applications keep what the applicant typed (name, CCCD, consent) instead of rewriting the
  vendor; a known phone sent by someone else is flagged; account changes are applications.
- ``MerchantEvent``: the audit log.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def copy_applicant(apps, schema_editor):
    Application = apps.get_model("merchants", "Application")
    for application in Application.objects.select_related("merchant").iterator():
        merchant = application.merchant
        Application.objects.filter(pk=application.pk).update(
            applicant_name=merchant.name,
            applicant_cccd=merchant.cccd,
            consent_version=merchant.consent_version,
            consent_at=merchant.consent_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0005_reset_code_and_market_created"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("merchant", "reset_code_hash", "password_code_hash"),
        migrations.RenameField("merchant", "reset_code_expires", "password_code_expires"),
        migrations.AddField(
            model_name="merchant",
            name="password_code_failures",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="application",
            name="kind",
            field=models.CharField(
                choices=[("new", "Đăng ký mới"), ("account-change", "Đổi tài khoản nhận tiền")],
                default="new",
                max_length=16,
                verbose_name="Loại hồ sơ",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="applicant_name",
            field=models.CharField(default="", max_length=120, verbose_name="Họ và tên (như đã khai)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="application",
            name="applicant_cccd",
            field=models.CharField(blank=True, max_length=12, verbose_name="Số CCCD (như đã khai)"),
        ),
        migrations.AddField(
            model_name="application",
            name="consent_version",
            field=models.CharField(default="", max_length=20, verbose_name="Phiên bản điều khoản đã đồng ý"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="application",
            name="consent_at",
            field=models.DateTimeField(null=True, verbose_name="Thời điểm đồng ý"),
        ),
        migrations.AddField(
            model_name="application",
            name="phone_known",
            field=models.BooleanField(
                default=False,
                help_text="Người gửi không đăng nhập bằng số này: gọi xác minh với tiểu thương trước khi duyệt.",
                verbose_name="Số điện thoại đã có tiểu thương",
            ),
        ),
        migrations.RunPython(copy_applicant, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="consent_at",
            field=models.DateTimeField(verbose_name="Thời điểm đồng ý"),
        ),
        migrations.CreateModel(
            name="MerchantEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("application-submitted", "Gửi hồ sơ"),
                            ("application-approved", "Duyệt hồ sơ"),
                            ("application-rejected", "Từ chối hồ sơ"),
                            ("code-issued", "Cấp mã đặt mật khẩu"),
                            ("code-failed", "Nhập sai mã đặt mật khẩu"),
                            ("password-set", "Đặt mật khẩu"),
                            ("account-change-requested", "Yêu cầu đổi tài khoản nhận tiền"),
                            ("account-change-password-failed", "Sai mật khẩu khi đổi tài khoản"),
                            ("account-change-approved", "Duyệt đổi tài khoản nhận tiền"),
                            ("account-change-rejected", "Từ chối đổi tài khoản nhận tiền"),
                            ("notice-sent", "Gửi tin báo cho tiểu thương"),
                        ],
                        max_length=40,
                        verbose_name="Việc",
                    ),
                ),
                ("client_ip", models.GenericIPAddressField(blank=True, null=True)),
                ("detail", models.CharField(blank=True, max_length=255, verbose_name="Chi tiết")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="Lúc")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "application",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="merchants.application",
                    ),
                ),
                (
                    "merchant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="events", to="merchants.merchant"
                    ),
                ),
            ],
            options={
                "verbose_name": "Nhật ký tiểu thương",
                "verbose_name_plural": "Nhật ký tiểu thương",
                "ordering": ["-at", "-pk"],
                "indexes": [models.Index(fields=["merchant", "at"], name="merchants_m_merchan_b86599_idx")],
            },
        ),
    ]
