"""On PostgreSQL a trigger rejects UPDATE and DELETE of custody events (digest X-CC-01): the
history stays append-only even for code or people that bypass the ORM."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION custody_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'custody events are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER custody_event_append_only
    BEFORE UPDATE OR DELETE ON seizures_custodyevent
    FOR EACH ROW EXECUTE FUNCTION custody_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS custody_event_append_only ON seizures_custodyevent;
DROP FUNCTION IF EXISTS custody_event_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("seizures", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
