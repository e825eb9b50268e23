"""On PostgreSQL a trigger rejects UPDATE and DELETE of custody events (digest X-CC-01): the
history stays append-only even for code or people that bypass the ORM."""

from django.db import migrations

from project.append_only import append_only_trigger

class Migration(migrations.Migration):
    dependencies = [("seizures", "0001_initial")]

    operations = [append_only_trigger("seizures_custodyevent", name="custody_event_append_only", rows="custody events")]
