"""Store each lot's custody chain head (last sequence and hash) on the lot, filled from the
events already recorded, so verify_custody can see deleted chains and cut tails; say what a
location's capacity counts."""

import django.core.validators
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def record_heads(apps, schema_editor):
    Lot = apps.get_model("seizures", "Lot")
    CustodyEvent = apps.get_model("seizures", "CustodyEvent")
    newest = CustodyEvent.objects.filter(lot=OuterRef("pk")).order_by("-sequence")
    Lot.objects.filter(pk__in=CustodyEvent.objects.values("lot_id")).update(
        custody_length=Subquery(newest.values("sequence")[:1]),
        custody_head=Subquery(newest.values("hash")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("seizures", "0003_seizure_declarant_notice_due")]

    operations = [
        migrations.AddField(
            model_name="lot",
            name="custody_head",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="lot",
            name="custody_length",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(record_heads, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="storagelocation",
            name="capacity_kg",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Weight of the lots stored in this location itself; lots in its "
                "sub-locations count toward theirs, not toward this one.",
                max_digits=12,
                null=True,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
    ]
