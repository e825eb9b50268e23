import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from project.append_only import append_only_trigger

# Amendments are append-only like custody events: on PostgreSQL a trigger refuses UPDATE
# and DELETE of the rows, whatever path bypasses the model. (Row triggers, like the custody one:
# TRUNCATE, which test databases use to reset, is left to the anchoring work of issue 13.)


class Migration(migrations.Migration):

    dependencies = [
        ('seizures', '0008_customs_office_certificate_language'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='seizure',
            options={'ordering': ['-detained_on', '-id'], 'permissions': [('hold_seizure', 'Can place and lift a legal hold'), ('import_seizures', 'Can import seizures from a CSV file'), ('amend_seizure', 'Can amend the legal facts of a case after its goods left storage')]},
        ),
        migrations.AlterField(
            model_name='custodyevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Logged at seizure'), ('placed', 'Placed in storage'), ('moved', 'Moved'), ('sampled', 'Sample taken out'), ('sample_created', 'Sample created'), ('held', 'Legal hold placed'), ('hold_lifted', 'Legal hold lifted'), ('released', 'Released'), ('allocated', 'Allocated to destruction order'), ('deallocated', 'Returned to storage'), ('order_submitted', 'Destruction order submitted'), ('order_approved', 'Destruction order approved'), ('dispatched', 'Dispatched to facility'), ('destroyed', 'Destroyed'), ('certified', 'Certificate issued'), ('certificate_revoked', 'Certificate revoked'), ('reclassified', 'Reclassified'), ('amended', 'Amended after disposal')], max_length=30),
        ),
        migrations.CreateModel(
            name='Amendment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('occurred_at', models.DateTimeField()),
                ('actor_name', models.CharField(max_length=150)),
                ('reason', models.TextField()),
                ('before', models.JSONField(default=dict)),
                ('after', models.JSONField(default=dict)),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('lot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='amendments', to='seizures.lot')),
                ('seizure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='amendments', to='seizures.seizure')),
            ],
            options={
                'ordering': ['-occurred_at', '-id'],
            },
        ),
        append_only_trigger("seizures_amendment", name="amendment_append_only", rows="amendments"),
    ]
