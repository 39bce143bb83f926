"""OrganiserArea now lives in merchants (the app that uses it); the table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0003_organiserarea"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OrganiserArea")],
            database_operations=[],
        ),
    ]
