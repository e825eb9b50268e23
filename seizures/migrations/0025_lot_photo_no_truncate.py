"""Lot photos are evidence tied to the custody chain: like custody events (0011), a TRUNCATE of
them is refused on PostgreSQL by the same function, so the owner role that runs the migrations
cannot empty the table either (the row trigger of 0022 does not see TRUNCATE)."""

from django.db import migrations

from project.append_only import on_postgresql

CREATE = """
CREATE TRIGGER lot_photo_no_truncate
    BEFORE TRUNCATE ON seizures_lotphoto
    FOR EACH STATEMENT EXECUTE FUNCTION custody_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS lot_photo_no_truncate ON seizures_lotphoto;"


class Migration(migrations.Migration):
    dependencies = [
        ("seizures", "0024_location_stock_counters"),
    ]

    operations = [on_postgresql(CREATE, DROP)]
