from decimal import Decimal

from django.db import migrations, models

OCCUPYING_STATUSES = ("in_storage", "on_hold", "allocated")


def count_stock(apps, schema_editor):
    """Fill the new counters from the lots already stored (seizures.occupancy keeps them)."""
    Lot = apps.get_model("seizures", "Lot")
    StorageLocation = apps.get_model("seizures", "StorageLocation")
    rows = (
        Lot.objects.filter(status__in=OCCUPYING_STATUSES, location__isnull=False)
        .order_by()
        .values("location_id")
        .annotate(lots=models.Count("pk"), kg=models.Sum("gross_weight_kg"))
        .values_list("location_id", "lots", "kg")
    )
    for location_id, count, kg in rows:
        StorageLocation.objects.filter(pk=location_id).update(stored_lots=count, stored_kg=kg)


class Migration(migrations.Migration):
    dependencies = [
        ("seizures", "0023_page_indexes_at_scale"),
    ]

    operations = [
        migrations.AddField(
            model_name="storagelocation",
            name="stored_kg",
            field=models.DecimalField(
                decimal_places=3, default=Decimal("0"), editable=False, max_digits=14
            ),
        ),
        migrations.AddField(
            model_name="storagelocation",
            name="stored_lots",
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_stock, migrations.RunPython.noop),
    ]
