from django.db import migrations, models

from seizures.waste_codes import default_code


def default_codes(apps, schema_editor):
    """Existing lots get the code their classification gives by default (no reason: it is the
    default)."""
    Lot = apps.get_model("seizures", "Lot")
    lots = list(
        Lot.objects.only("category", "waste_class", "hazard_classes", "cytotoxic", "contains_asbestos")
    )
    for lot in lots:
        lot.ewc_code = default_code(
            category=lot.category,
            waste_class=lot.waste_class,
            hazard_classes=lot.hazard_classes or (),
            cytotoxic=lot.cytotoxic,
            contains_asbestos=lot.contains_asbestos,
        )
    Lot.objects.bulk_update(lots, ["ewc_code"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("seizures", "0009_amendment_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="lot",
            name="ewc_code",
            field=models.CharField(
                default="",
                help_text="European List of Waste code, e.g. 16 03 05* (the asterisk marks hazardous).",
                max_length=10,
                verbose_name="EWC code",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="lot",
            name="ewc_reason",
            field=models.TextField(
                blank=True,
                help_text="Why the code differs from the default.",
                verbose_name="EWC code reason",
            ),
        ),
        migrations.AddField(
            model_name="lot",
            name="hp_properties",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Hazardous properties HP1-HP15 (WFD Annex III) found in the goods.",
                verbose_name="hazardous properties",
            ),
        ),
        migrations.RunPython(default_codes, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="lot",
            index=models.Index(fields=["ewc_code"], name="seizures_lo_ewc_cod_43106e_idx"),
        ),
    ]
