import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_offices(apps, schema_editor):
    """Each lot takes its seizure's office (one UPDATE)."""
    Lot = apps.get_model("seizures", "Lot")
    Seizure = apps.get_model("seizures", "Seizure")
    Lot.objects.using(schema_editor.connection.alias).update(
        office_id=Subquery(Seizure.objects.filter(pk=OuterRef("seizure_id")).values("office_id"))
    )


class Migration(migrations.Migration):
    dependencies = [("seizures", "0018_user_access_and_right_holder_acts")]

    operations = [
        migrations.AddField(
            model_name="lot",
            name="office",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="seizures.customsoffice",
            ),
        ),
        migrations.RunPython(copy_offices, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="lot",
            name="office",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="seizures.customsoffice",
            ),
        ),
        migrations.AddIndex(
            model_name="lot",
            index=models.Index(fields=["office", "reference"], name="seizures_lo_office__99b164_idx"),
        ),
    ]
