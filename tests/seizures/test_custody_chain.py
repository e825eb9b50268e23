import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from seizures import services
from seizures.models import CustodyEvent
from tests.seizures.conftest import log_seizure, lot_input


def tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back, as a database administrator could. On
    PostgreSQL the append-only trigger must be bypassed first (only a superuser can)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.fixture
def chained_lot(warehouse_user, admin_user, office, general_bay, warehouse):
    from tests.seizures.factories import StorageLocationFactory

    seizure = log_seizure(warehouse_user, office, lots=[lot_input(), lot_input()])
    lot = seizure.lots.order_by("reference").first()
    services.move_lot(lot=lot, location=general_bay, actor=warehouse_user)
    other = StorageLocationFactory(warehouse=warehouse, code="BRU1-GEN-B09")
    services.move_lot(lot=lot, location=other, actor=warehouse_user)
    return lot


@pytest.mark.django_db
def test_verify_custody_reports_every_chain_intact(chained_lot, capsys):
    call_command("verify_custody")
    assert "All 2 custody chains verify; no custody seal yet." in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_custody_reports_the_first_broken_link_after_tampering(chained_lot, capsys):
    placed = chained_lot.custody_events.get(sequence=2)
    tamper("UPDATE seizures_custodyevent SET quantity = 99 WHERE id = %s", [placed.pk])
    with pytest.raises(CommandError, match="1 custody chain"):
        call_command("verify_custody")
    err = capsys.readouterr().err
    assert f"{chained_lot.reference} event #2: content does not match its hash" in err
    assert "#3" not in err  # only the first broken link of the chain is reported


@pytest.mark.django_db
def test_verify_custody_sees_a_deleted_event_as_a_gap(chained_lot, capsys):
    tamper("DELETE FROM seizures_custodyevent WHERE lot_id = %s AND sequence = 2", [chained_lot.pk])
    with pytest.raises(CommandError):
        call_command("verify_custody")
    assert "event #3: sequence 3 where 2 was expected" in capsys.readouterr().err


@pytest.mark.django_db
def test_custody_events_cannot_be_changed_or_deleted_through_the_orm(chained_lot):
    event = chained_lot.custody_events.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        CustodyEvent.objects.filter(pk=event.pk).update(quantity=1)
    with pytest.raises(PermissionError):
        CustodyEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_trigger_refuses_raw_update_and_delete(postgresql, chained_lot):
    event = chained_lot.custody_events.first()
    for sql in (
        "UPDATE seizures_custodyevent SET quantity = 99 WHERE id = %s",
        "DELETE FROM seizures_custodyevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert CustodyEvent.objects.get(pk=event.pk).quantity == event.quantity
    call_command("verify_custody")


def reported(capsys) -> list[str]:
    """The lines verify_custody writes about broken chains (it must find exactly one)."""
    with pytest.raises(CommandError, match="1 custody chain"):
        call_command("verify_custody")
    return capsys.readouterr().err.splitlines()


def forge_previous_hash(event: CustodyEvent, value: str) -> None:
    """Point an event at another previous hash and give it the hash of its new content, as a
    forger who knows the hash rule would: only the link to the event before is wrong."""
    event.previous_hash = value
    tamper(
        "UPDATE seizures_custodyevent SET previous_hash = %s, hash = %s WHERE id = %s",
        [value, event.compute_hash(), event.pk],
    )


@pytest.mark.django_db
def test_verify_custody_reports_a_lot_whose_events_were_all_deleted(chained_lot, capsys):
    tamper("DELETE FROM seizures_custodyevent WHERE lot_id = %s", [chained_lot.pk])
    assert reported(capsys) == [
        f"{chained_lot.reference}: no custody events (the chain was deleted)"
    ]


@pytest.mark.django_db
def test_verify_custody_reports_a_chain_whose_last_event_was_deleted(chained_lot, capsys):
    tamper("DELETE FROM seizures_custodyevent WHERE lot_id = %s AND sequence = 3", [chained_lot.pk])
    assert reported(capsys) == [
        f"{chained_lot.reference} event #2: the chain ends here but the lot recorded event #3 as "
        "its newest (events deleted from the end, or the last one replaced)"
    ]


@pytest.mark.django_db
def test_verify_custody_checks_the_previous_hash_of_each_event(chained_lot, capsys):
    forge_previous_hash(chained_lot.custody_events.get(sequence=2), "0" * 64)
    assert reported(capsys) == [
        f"{chained_lot.reference} event #2: previous hash does not match the event before it"
    ]


@pytest.mark.django_db
def test_the_hash_covers_the_details_of_an_event(chained_lot, capsys):
    moved = chained_lot.custody_events.get(sequence=3)
    tamper(
        "UPDATE seizures_custodyevent SET details = %s WHERE id = %s",
        ['{"to": "ELSEWHERE", "from": "BRU1-GEN-B01"}', moved.pk],
    )
    assert reported(capsys) == [
        f"{chained_lot.reference} event #3: content does not match its hash (event altered)"
    ]
