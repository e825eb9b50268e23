"""append_rows() and append_objects(): many rows into an append-only table with one
executemany.

For the trails written in bulk beside an intake of thousands of lots (audit and custody
events, notices):
`bulk_create` spends most of its time building a model instance per row and compiling each
value through the SQL compiler, which here costs more than the database's own work. The rows
go in as given, each value prepared by its field exactly as the ORM would; nothing is answered
back (no ids), and no signal is sent, as with bulk_create.
"""

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
    if not params:
        return 0
    quote = db.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Identifiers from the model's metadata, every value a parameter.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    with db.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def append_objects(objects: Sequence[models.Model]) -> int:
    """Insert unsaved instances of one model (see append_rows): they stay unsaved, without an
    id."""
    if not objects:
        return 0
    model = type(objects[0])
    attnames = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
    return append_rows(model, ({name: getattr(obj, name) for name in attnames} for obj in objects))


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
