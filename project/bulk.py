"""append_rows(), append_objects() and insert_new(): many rows into a table at once.

For the trails written in bulk beside an intake of thousands of lots (audit and custody events,
notices): `bulk_create` spends most of its time building a model instance per row and compiling
each value through the SQL compiler, which here costs more than the database's own work. The
rows go in as given, each value prepared by its field exactly as the ORM would, by COPY on
PostgreSQL and one executemany elsewhere; nothing is answered back (no ids), and no signal is
sent, as with bulk_create."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

# Fields whose database value is the Python value itself when that is a plain str, int or bool
# (as get_db_prep_save would answer): their values skip the per-value call.
PLAIN_FIELDS = frozenset(
    {
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)
PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def append_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert `rows` ({field name or attname: value}, a foreign key by instance or id; a missing
    field takes its default) into `model`'s table; answers how many were inserted."""
    db = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = [(_reader(field), _preparer(field, db)) for field in fields]
    params = [[prepare(read(row)) for read, prepare in columns] for row in rows]
    _write(db, model, fields, params)
    return len(params)


def append_objects(objects: Sequence[models.Model]) -> int:
    """Insert unsaved instances of one model (see append_rows): they stay unsaved, without an
    id."""
    if not objects:
        return 0
    model = type(objects[0])
    db = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    _write(db, model, fields, _instance_params(objects, fields, db))
    return len(objects)


def insert_new(objects: Sequence[models.Model]) -> None:
    """Save new instances of one model and give them their ids, as bulk_create does (no signal
    either). On PostgreSQL the ids are drawn from the table's sequence first and the rows
    COPYed: bulk_create's per-value array dumping and RETURNING cost more there than the
    insert itself. Elsewhere bulk_create."""
    if not objects:
        return
    model = type(objects[0])
    db = connections[router.db_for_write(model)]
    if db.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=1000)
        return
    pk = model._meta.pk
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objects)],
        )
        for obj, (new_id,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = new_id
    fields = model._meta.concrete_fields
    _write(db, model, fields, _instance_params(objects, fields, db))
    for obj in objects:
        obj._state.adding = False
        obj._state.db = db.alias


def _instance_params(
    objects: Sequence[models.Model], fields: Sequence[models.Field], db: BaseDatabaseWrapper
) -> list[list]:
    """Each instance's values as a save would store them (pre_save: auto_now dates set on the
    instance too)."""
    columns = [(field, _preparer(field, db)) for field in fields]
    return [[prepare(field.pre_save(obj, True)) for field, prepare in columns] for obj in objects]


def _write(
    db: BaseDatabaseWrapper, model: type[models.Model], fields: Sequence, params: list
) -> None:
    if not params:
        return
    quote = db.ops.quote_name
    target = f"{quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # COPY, PostgreSQL's bulk load: no statement to parse per row or batch.
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {target} VALUES ({placeholders})", params)  # noqa: S608


def _reader(field: models.Field) -> Callable[[Mapping[str, Any]], Any]:
    """The field's value in a row: by attname, else by name (an instance by its id), else the
    default."""
    attname, name, relation = field.attname, field.name, field.is_relation

    def read(row: Mapping[str, Any]) -> Any:
        if attname in row:
            return row[attname]
        if name in row:
            value = row[name]
            return value.pk if relation and value is not None else value
        return _default(field)

    return read


def _preparer(field: models.Field, db: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    plain = field.get_internal_type() in PLAIN_FIELDS

    def prepare(value: Any) -> Any:
        if plain and type(value) in PLAIN_TYPES:
            return value
        return field.get_db_prep_save(value, db)

    return prepare


def _default(field: models.Field) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()
