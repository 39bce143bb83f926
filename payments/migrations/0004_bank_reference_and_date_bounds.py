"""The bank's own reference on each bank transaction, unique when known, and a clean-up of
transaction dates no bank sends (a year-1 date is stored by PostgreSQL as a BC timestamp
that psycopg cannot read back, which broke the staff transactions page)."""

import datetime

from django.db import migrations, models


def clear_impossible_dates(apps, schema_editor):
    """Forget dates before 2020 or after 2100; the provider's payload in ``raw`` still has them."""
    BankTransaction = apps.get_model("payments", "BankTransaction")
    utc = datetime.UTC
    BankTransaction.objects.filter(
        models.Q(occurred_at__lt=datetime.datetime(2020, 1, 1, tzinfo=utc))
        | models.Q(occurred_at__gt=datetime.datetime(2100, 1, 1, tzinfo=utc))
    ).update(occurred_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_outcome_account"),
    ]

    operations = [
        migrations.AddField(
            model_name="banktransaction",
            name="bank_reference",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="Mã tham chiếu của ngân hàng"),
        ),
        migrations.AddConstraint(
            model_name="banktransaction",
            constraint=models.UniqueConstraint(
                condition=models.Q(("bank_reference", ""), _negated=True),
                fields=("bank_reference",),
                name="bank_txn_once_per_bank_reference",
            ),
        ),
        migrations.RunPython(clear_impossible_dates, migrations.RunPython.noop),
    ]
