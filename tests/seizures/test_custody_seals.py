"""Anchored custody chains (issue 13): signed Merkle roots over the chain heads, checked by
verify_custody against rewritten chains, deleted lots and altered seals."""

import hashlib
import io
import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from project.errors import TransitionNotAllowed
from seizures import demo, services
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, CustodySeal, Lot
from seizures.seals import (
    check_seals,
    current_leaves,
    ensure_demo_key,
    leaf_hash,
    merkle_root,
    message_of,
    pack_leaves,
    public_hex,
    root_of,
    seal_custody,
    signature_valid,
    signing_key,
    trusted_keys,
    unpack_leaves,
)
from tests.seizures import test_custody_chain
from tests.seizures.test_custody_chain import tamper

pytestmark = pytest.mark.django_db

chained_lot = test_custody_chain.chained_lot


@pytest.fixture(autouse=True)
def _seal_key(settings):
    ensure_demo_key()


def rfc6962_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 6962 section 2.1 writes it: split at the largest power of two
    smaller than n."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + rfc6962_root(leaves[:k]) + rfc6962_root(leaves[k:])).digest()


def rewrite_and_rehash(lot: Lot, sequence: int, **changes) -> None:
    """What a forger with write access does: change one event, recompute its hash and every
    later one, and store the new head on the lot, bypassing the ORM's append-only guard."""
    previous_hash = None
    for event in CustodyEvent.objects.filter(lot=lot, sequence__gte=sequence).order_by("sequence"):
        if event.sequence == sequence:
            for name, value in changes.items():
                setattr(event, name, value)
        else:
            event.previous_hash = previous_hash
        event.hash = event.compute_hash()
        previous_hash = event.hash
        tamper(
            "UPDATE seizures_custodyevent SET quantity = %s, details = %s, previous_hash = %s, "
            "hash = %s WHERE id = %s",
            [
                event.quantity,
                json.dumps(event.details),
                event.previous_hash,
                event.hash,
                event.pk,
            ],
        )
    tamper("UPDATE seizures_lot SET custody_head = %s WHERE id = %s", [previous_hash, lot.pk])


def verify_custody_errors(capsys) -> list[str]:
    with pytest.raises(CommandError, match="custody chain"):
        call_command("verify_custody")
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("size", range(0, 18))
def test_merkle_root_is_the_rfc_6962_tree_hash_for_every_size(size):
    leaves = [
        leaf_hash(lot_id, 1, hashlib.sha256(str(lot_id).encode()).hexdigest())
        for lot_id in range(1, size + 1)
    ]
    assert merkle_root(leaves) == rfc6962_root(leaves)


def test_leaf_hash_is_sha256_of_zero_byte_lot_id_length_and_head():
    head = "ab" * 32
    expected = hashlib.sha256(
        b"\x00" + (7).to_bytes(8, "big") + (3).to_bytes(8, "big") + bytes.fromhex(head)
    ).digest()
    assert leaf_hash(7, 3, head) == expected


def test_seal_custody_signs_the_root_of_every_chain_head(chained_lot, capsys):
    call_command("seal_custody")
    seal = CustodySeal.objects.get()
    lots = list(Lot.objects.order_by("pk"))
    assert [(lot.pk, lot.custody_length) for lot in lots] == [
        (lot_id, length) for lot_id, length, _ in unpack_leaves(seal.leaves)
    ]
    assert seal.tree_size == 2
    assert seal.root == root_of((lot.pk, lot.custody_length, lot.custody_head) for lot in lots)
    assert seal.public_key == public_hex(signing_key().public_key())
    assert seal.key_fingerprint == hashlib.sha256(bytes.fromhex(seal.public_key)).hexdigest()
    signing_key().public_key().verify(bytes.fromhex(seal.signature), message_of(seal, None))
    assert f"Seal #{seal.pk}: 2 lots, root {seal.root}" in capsys.readouterr().out


def test_seal_custody_without_a_key_says_how_to_make_one(settings, tmp_path):
    settings.CUSTODY_SEAL_KEY = str(tmp_path / "missing.pem")
    with pytest.raises(CommandError, match="openssl genpkey -algorithm ed25519"):
        call_command("seal_custody")
    assert not CustodySeal.objects.exists()


def test_a_second_seal_stores_only_changed_leaves_and_links_the_first(
    chained_lot, general_bay, warehouse_user, capsys
):
    first = seal_custody()
    services.move_lot(lot=chained_lot, location=general_bay, actor=warehouse_user)
    second = seal_custody()
    chained_lot.refresh_from_db()
    assert second.previous == first
    assert unpack_leaves(second.leaves) == [(chained_lot.pk, 4, chained_lot.custody_head)]
    assert second.root == root_of(current_leaves())
    assert signature_valid(second, first)
    call_command("verify_custody")
    assert "chains verify; all match the 2 custody seal(s)" in capsys.readouterr().out


def test_events_appended_after_the_seal_extend_it(chained_lot, general_bay, warehouse_user, capsys):
    seal_custody()
    services.move_lot(lot=chained_lot, location=general_bay, actor=warehouse_user)
    call_command("verify_custody")
    assert "all match the 1 custody seal(s)" in capsys.readouterr().out


def test_a_rewritten_and_rehashed_chain_passes_the_chain_walk_but_not_the_seal(chained_lot, capsys):
    seal = seal_custody()
    rewrite_and_rehash(chained_lot, 2, quantity=7)
    # The chain on its own is consistent again: only the seal shows the rewrite.
    assert verify_chains() == []
    assert verify_custody_errors(capsys) == [
        f"{chained_lot.reference} event #3: differs from the hash sealed in seal #{seal.pk} "
        "(chain rewritten since)"
    ]


def test_seal_custody_refuses_to_seal_a_rewritten_chain(chained_lot):
    seal_custody()
    rewrite_and_rehash(chained_lot, 3, details={"to": "ELSEWHERE"})
    with pytest.raises(TransitionNotAllowed, match=f"lot id {chained_lot.pk}: the head of its 3"):
        seal_custody()
    assert CustodySeal.objects.count() == 1


def test_a_chain_rewritten_then_sealed_again_is_caught_by_the_earlier_seal(
    chained_lot, general_bay, warehouse_user, capsys
):
    first = seal_custody()
    rewrite_and_rehash(chained_lot, 2, quantity=7)
    # The forger lets the chain grow so that the next seal accepts the new head.
    services.move_lot(lot=chained_lot, location=general_bay, actor=warehouse_user)
    seal_custody()
    assert verify_custody_errors(capsys) == [
        f"{chained_lot.reference} event #3: differs from the hash sealed in seal #{first.pk} "
        "(chain rewritten since)"
    ]


def test_a_lot_deleted_with_its_events_is_missing_from_the_sealed_chains(chained_lot, capsys):
    seal = seal_custody()
    tamper("DELETE FROM seizures_custodyevent WHERE lot_id = %s", [chained_lot.pk])
    tamper("DELETE FROM seizures_lot WHERE id = %s", [chained_lot.pk])
    assert verify_custody_errors(capsys) == [
        f"lot id {chained_lot.pk}: sealed with 3 events in seal #{seal.pk} but the lot is gone "
        "(deleted with its events)"
    ]
    with pytest.raises(TransitionNotAllowed, match=f"lot id {chained_lot.pk} was sealed with 3"):
        seal_custody()


def test_a_chain_cut_below_its_sealed_length_is_reported(chained_lot, capsys):
    seal = seal_custody()
    tamper("DELETE FROM seizures_custodyevent WHERE lot_id = %s AND sequence = 3", [chained_lot.pk])
    event = chained_lot.custody_events.get(sequence=2)
    tamper(
        "UPDATE seizures_lot SET custody_length = 2, custody_head = %s WHERE id = %s",
        [event.hash, chained_lot.pk],
    )
    assert verify_custody_errors(capsys) == [
        f"{chained_lot.reference} event #2: the chain ends here but seal #{seal.pk} sealed 3 events"
    ]


def test_an_altered_seal_fails_its_signature(chained_lot, capsys):
    seal = seal_custody()
    tamper("UPDATE seizures_custodyseal SET tree_size = 1 WHERE id = %s", [seal.pk])
    errors = verify_custody_errors(capsys)
    assert f"seal #{seal.pk}: the signature does not verify (seal altered)" in errors
    assert f"seal #{seal.pk}: its stored leaves do not give its signed root (seal altered)" in (
        errors
    )


def test_altered_leaves_do_not_give_the_signed_root(chained_lot, capsys):
    seal = seal_custody()
    other = Lot.objects.exclude(pk=chained_lot.pk).get()
    forged = pack_leaves([(other.pk, other.custody_length, other.custody_head)])
    tamper("UPDATE seizures_custodyseal SET leaves = %s WHERE id = %s", [forged, seal.pk])
    assert verify_custody_errors(capsys) == [
        f"seal #{seal.pk}: its stored leaves do not give its signed root (seal altered)"
    ]


def test_a_seal_signed_by_an_untrusted_key_fails(chained_lot, settings, tmp_path, capsys):
    seal_custody()
    intruder = tmp_path / "intruder.pem"
    intruder.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    trusted = settings.CUSTODY_SEAL_KEY
    settings.CUSTODY_SEAL_KEY = str(intruder)
    forged = seal_custody()
    settings.CUSTODY_SEAL_KEY = trusted
    assert verify_custody_errors(capsys) == [
        f"seal #{forged.pk}: signed by key {forged.key_fingerprint[:16]}…, which is not a "
        "trusted key"
    ]


def test_a_removed_seal_breaks_the_chain_of_seals(chained_lot, general_bay, warehouse_user):
    first = seal_custody()
    services.move_lot(lot=chained_lot, location=general_bay, actor=warehouse_user)
    second = seal_custody()
    # The second seal is made to look like the first: its signature covers the first's.
    tamper("UPDATE seizures_custodyseal SET previous_id = NULL WHERE id = %s", [second.pk])
    tamper("DELETE FROM seizures_custodyseal WHERE id = %s", [first.pk])
    problems, _ = check_seals(trusted_keys())
    assert f"seal #{second.pk}: the signature does not verify (seal altered)" in problems
    assert f"seal #{second.pk}: its stored leaves do not give its signed root (seal altered)" in (
        problems
    )


def test_a_public_key_in_trusted_keys_verifies_without_the_private_key(
    chained_lot, settings, tmp_path, capsys
):
    seal_custody()
    public = tmp_path / "seal-public.pem"
    call_command("export_custody_seals", "--public-key", stdout=(buffer := io.StringIO()))
    public.write_text(buffer.getvalue())
    settings.CUSTODY_SEAL_KEY = ""
    settings.CUSTODY_SEAL_TRUSTED_KEYS = [str(public)]
    call_command("verify_custody")
    assert "all match the 1 custody seal(s)" in capsys.readouterr().out
    settings.CUSTODY_SEAL_TRUSTED_KEYS = []
    with pytest.raises(CommandError, match="without a trusted public key"):
        call_command("verify_custody")


def test_seals_are_append_only_through_the_orm(chained_lot):
    seal = seal_custody()
    with pytest.raises(PermissionError):
        seal.save()
    with pytest.raises(PermissionError):
        seal.delete()
    with pytest.raises(PermissionError):
        CustodySeal.objects.filter(pk=seal.pk).update(root="0" * 64)
    with pytest.raises(PermissionError):
        CustodySeal.objects.all().delete()


def test_export_custody_seals_lets_a_third_party_check_every_signature(
    chained_lot, general_bay, warehouse_user
):
    seal_custody()
    services.move_lot(lot=chained_lot, location=general_bay, actor=warehouse_user)
    seal_custody()
    out = io.StringIO()
    call_command("export_custody_seals", stdout=out)
    document = json.loads(out.getvalue())
    assert document["format"] == "igt-custody-seal/1"
    [key] = document["public_keys"]
    public = serialization.load_pem_public_key(key["pem"].encode())
    assert public_hex(public) == key["public_key"]
    assert [seal["id"] for seal in document["seals"]] == list(
        CustodySeal.objects.order_by("id").values_list("id", flat=True)
    )
    previous_signature = ""
    for seal in document["seals"]:
        message = json.loads(seal["signed_message"])
        assert (message["root"], message["tree_size"]) == (seal["root"], seal["tree_size"])
        assert message["previous_signature"] == previous_signature
        public.verify(bytes.fromhex(seal["signature"]), seal["signed_message"].encode())
        previous_signature = seal["signature"]


def test_custody_seals_api_is_public_and_reads_in_constant_queries(
    api, chained_lot, general_bay, warehouse_user
):
    seal_custody()
    with CaptureQueriesContext(connection) as one:
        response = api().get("/api/v1/custody-seals/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    seal = CustodySeal.objects.get()
    assert row["root"] == seal.root
    assert row["signature"] == seal.signature
    assert row["previous"] is None
    assert "leaves" not in row
    chained_lot.refresh_from_db()
    back = chained_lot.location
    for location in (general_bay, back, general_bay):
        services.move_lot(lot=chained_lot, location=location, actor=warehouse_user)
        seal_custody()
    with CaptureQueriesContext(connection) as many:
        response = api().get("/api/v1/custody-seals/")
    assert response.json()["count"] == 4
    assert len(many) == len(one)
    assert api().get(f"/api/v1/custody-seals/{seal.pk}/").json()["root"] == seal.root


def test_custody_seals_cannot_be_written_through_the_api(api, admin_user, chained_lot):
    seal = seal_custody()
    assert api(admin_user).post("/api/v1/custody-seals/", {}).status_code == 405
    assert api(admin_user).delete(f"/api/v1/custody-seals/{seal.pk}/").status_code == 405
    assert api().get("/api/v1/custody-seals/?page=x").status_code == 404
    assert CustodySeal.objects.get().root == seal.root


def test_ensure_demo_key_writes_a_private_key_once(settings, tmp_path):
    path = tmp_path / "var" / "demo-key.pem"
    settings.CUSTODY_SEAL_KEY = str(path)
    out = io.StringIO()
    ensure_demo_key(stdout=out)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_bytes()
    assert isinstance(serialization.load_pem_private_key(first, None), Ed25519PrivateKey)
    assert f"Demo custody seal key written to {path}." in out.getvalue()
    ensure_demo_key()
    assert Path(path).read_bytes() == first


# --- PostgreSQL: the production roles of the README ------------------------------------------

APP_ROLE_GRANTS = """
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
"""


def refused(sql: str, message: str) -> None:
    """The statement fails with `message`, in a savepoint so the test's transaction goes on."""
    with (
        pytest.raises(DatabaseError, match=message),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_app_role_that_owns_no_table_cannot_get_round_the_triggers(postgresql, chained_lot):
    seal_custody()
    suffix = os.getpid()
    app, owner = f"igt_app_test_{suffix}", f"igt_owner_test_{suffix}"
    tables = ("seizures_custodyevent", "seizures_custodyseal")
    # Lot photos have no row here, so only their TRUNCATE (a statement trigger) is tried.
    owned = (*tables, "seizures_lotphoto")
    # One transaction, rolled back at the end: the roles (cluster-wide) are never committed.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {app} NOLOGIN")
            cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
            cursor.execute(APP_ROLE_GRANTS.format(role=app))
            for table in owned:
                cursor.execute(f"ALTER TABLE {table} OWNER TO {owner}")
            cursor.execute(f"SET LOCAL ROLE {app}")
        for table in tables:
            refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner")
            refused(f"TRUNCATE {table}", "permission denied")
            refused(f"UPDATE {table} SET id = id", "append-only")  # noqa: S608 - fixed names
            refused(f"DELETE FROM {table}", "append-only")  # noqa: S608 - fixed names
        refused("SET session_replication_role = replica", "permission denied")
        # The owner role that runs the migrations (no superuser) cannot truncate either.
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {owner}")
        # CASCADE: lot photos reference the events, and a plain TRUNCATE of the events would
        # stop at that foreign key before any trigger could refuse it.
        for table in owned:
            refused(f"TRUNCATE {table} CASCADE", "is append-only \\(TRUNCATE refused\\)")
        transaction.set_rollback(True)
    assert CustodyEvent.objects.filter(lot=chained_lot).count() == 3
    call_command("verify_custody")


# --- demo ------------------------------------------------------------------------------------


def test_seed_demo_writes_a_key_and_seals_the_demo_chains(settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-1")
    settings.DEBUG = True
    settings.CUSTODY_SEAL_KEY = str(tmp_path / "var" / "custody-seal-demo-key.pem")
    call_command("seed_demo")
    assert Path(settings.CUSTODY_SEAL_KEY).is_file()
    seal = CustodySeal.objects.get()
    assert seal.tree_size == Lot.objects.count() > 0
    assert seal.public_key == public_hex(signing_key().public_key())
    call_command("verify_custody")
    assert "all match the 1 custody seal(s)" in capsys.readouterr().out


def test_the_demo_stays_unsealed_without_a_key(settings):
    settings.CUSTODY_SEAL_KEY = ""
    out = io.StringIO()
    demo.seal(users={}, stdout=out)
    assert "No CUSTODY_SEAL_KEY" in out.getvalue()
    assert not CustodySeal.objects.exists()
