"""Append-only tables enforced by the database: on PostgreSQL a trigger refuses UPDATE and DELETE
of the rows, whatever path bypasses the models. Migrations build their triggers here, so the SQL
is written once."""

from django.db import migrations


def on_postgresql(create: str, drop: str) -> migrations.RunPython:
    """A migration operation running `create` forwards and `drop` backwards on PostgreSQL only
    (SQLite has no trigger language to refuse with; the models refuse there)."""

    def forwards(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create)

    def backwards(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop)

    return migrations.RunPython(forwards, backwards)


def append_only_trigger(table: str, *, name: str, rows: str) -> migrations.RunPython:
    """A row trigger `name` (and its function) refusing UPDATE and DELETE on `table`; `rows`
    names the rows in the error ("custody events are append-only (UPDATE refused)")."""
    create = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{rows} are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {name} ON {table};
DROP FUNCTION IF EXISTS {name}();
"""
    return on_postgresql(create, drop)
