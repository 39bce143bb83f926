"""OrganiserArea moves here from market, keeping its table (market_organiserarea): no data moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.geo


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0006_vendor_security"),
        ("market", "0004_organiserarea_moved_to_merchants"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OrganiserArea",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "province_code",
                            models.PositiveSmallIntegerField(
                                choices=core.geo.province_choices, verbose_name="Tỉnh/thành phố"
                            ),
                        ),
                        (
                            "commune_code",
                            models.PositiveIntegerField(
                                blank=True, help_text="Để trống với cán bộ cấp tỉnh.", null=True, verbose_name="Xã/phường"
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="organiser_area",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="Cán bộ",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Địa bàn của cán bộ",
                        "verbose_name_plural": "Địa bàn của cán bộ",
                        "db_table": "market_organiserarea",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
