"""Reclassifying a lot after intake: waste class, UN hazard classes and intake flags."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from project.errors import TransitionNotAllowed
from seizures import custody, services
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, Lot, LotStatus, ZoneType
from tests.concurrency import run_together
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import StorageLocationFactory
from tests.seizures.test_custody_chain import tamper

Kind = CustodyEvent.Kind
NO_FLAGS = {
    "controlled_substances": False,
    "cytotoxic": False,
    "contains_asbestos": False,
    "high_risk": False,
}


def toys(**overrides):
    return lot_input(category="9a", description="Plush toys", **overrides)


def reclassify(lot, actor, **overrides):
    arguments = {
        "waste_class": "BAT",
        "hazard_classes": None,
        "reason": "Lithium batteries found inside",
        **NO_FLAGS,
    }
    arguments.update(overrides)
    return services.reclassify_lot(lot=lot, actor=actor, **arguments)


def snapshot(lot) -> tuple[dict, int]:
    """The lot's classification and the length of its chain, to show nothing changed."""
    lot = Lot.objects.get(pk=lot.pk)
    return services.classification_of(lot), lot.custody_events.count()


@pytest.fixture
def battery_bay(warehouse):
    return StorageLocationFactory(
        warehouse=warehouse,
        code="BRU1-FS-B01",
        zone_type=ZoneType.FIRE_SEPARATED,
        accepted_hazard_classes=["9"],
    )


@pytest.fixture
def toy_lot(warehouse_user, office):
    return log_seizure(warehouse_user, office, lots=[toys()]).lots.get()


# --- service ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reclassify_stores_the_new_classes_and_appends_a_chained_event(
    warehouse_user, office, battery_bay
):
    lot = log_seizure(warehouse_user, office, lots=[toys(location=battery_bay)]).lots.get()
    assert (lot.waste_class, lot.hazard_classes) == ("TOY", [])

    lot = reclassify(lot, warehouse_user, high_risk=True)

    stored = Lot.objects.get(pk=lot.pk)
    assert stored.waste_class == "BAT"
    assert stored.hazard_classes == ["9"]  # digest B18 default of BAT
    assert stored.high_risk is True and stored.location == battery_bay
    event = stored.custody_events.order_by("sequence").last()
    assert event.kind == Kind.RECLASSIFIED
    assert event.actor == warehouse_user and event.from_location == battery_bay
    assert event.details == {
        "before": {
            "waste_class": "TOY",
            "hazard_classes": [],
            "ewc_code": "16 03 06",
            "hp_properties": [],
            **NO_FLAGS,
        },
        "after": {
            "waste_class": "BAT",
            "hazard_classes": ["9"],
            "ewc_code": "16 06 05",
            "hp_properties": [],
            **NO_FLAGS,
            "high_risk": True,
        },
        "reason": "Lithium batteries found inside",
    }
    assert (stored.custody_length, stored.custody_head) == (event.sequence, event.hash)
    assert verify_chains([lot.pk]) == []
    assert event.classification_changes() == (
        "waste class TOY → BAT, hazard classes — → 9, ewc code 16 03 06 → 16 06 05, "
        "high risk no → yes"
    )


@pytest.mark.django_db
def test_reclassify_takes_given_hazard_classes_and_flags_of_a_lot_on_hold(
    warehouse_user, admin_user, toy_lot
):
    services.place_hold(seizure=toy_lot.seizure, reason="Court order", actor=admin_user)

    lot = reclassify(
        toy_lot,
        warehouse_user,
        waste_class="CHE",
        hazard_classes=["6.1", "3", "6.1"],
        controlled_substances=True,
    )

    assert lot.status == LotStatus.ON_HOLD
    assert (lot.waste_class, lot.hazard_classes, lot.controlled_substances) == (
        "CHE",
        ["6.1", "3"],
        True,
    )
    assert verify_chains([lot.pk]) == []


@pytest.mark.django_db
def test_the_custody_hash_covers_the_reclassification_details(warehouse_user, toy_lot):
    reclassify(toy_lot, warehouse_user)
    event = toy_lot.custody_events.get(kind=Kind.RECLASSIFIED)

    tamper(
        "UPDATE seizures_custodyevent SET details = %s WHERE id = %s",
        ['{"before": {}, "after": {}, "reason": "nothing happened"}', event.pk],
    )

    [broken] = verify_chains([toy_lot.pk])
    assert broken.sequence == event.sequence and "altered" in broken.reason


# --- refusals: nothing changes ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", [LotStatus.IN_TRANSIT, LotStatus.DESTROYED, LotStatus.RELEASED])
def test_reclassify_refuses_lots_out_of_the_warehouse(warehouse_user, toy_lot, status):
    Lot.objects.filter(pk=toy_lot.pk).update(status=status)
    before = snapshot(toy_lot)

    with pytest.raises(TransitionNotAllowed, match="only lots in storage or on hold"):
        reclassify(toy_lot, warehouse_user)

    assert snapshot(toy_lot) == before


@pytest.mark.django_db
def test_reclassify_refuses_an_allocated_lot_naming_its_order(warehouse_user, toy_lot):
    with transaction.atomic():
        Lot.objects.filter(pk=toy_lot.pk).update(status=LotStatus.ALLOCATED)
        custody.append_event(
            toy_lot, Kind.ALLOCATED, actor=warehouse_user, details={"order": "DO-BRU-2026-0007"}
        )
    before = snapshot(toy_lot)

    with pytest.raises(TransitionNotAllowed, match="remove it from DO-BRU-2026-0007 first"):
        reclassify(toy_lot, warehouse_user)

    assert snapshot(toy_lot) == before


@pytest.mark.django_db
def test_reclassify_refuses_classes_the_location_does_not_accept(
    warehouse_user, office, general_bay
):
    lot = log_seizure(warehouse_user, office, lots=[toys(location=general_bay)]).lots.get()
    before = snapshot(lot)

    with pytest.raises(ValidationError) as refused:
        reclassify(lot, warehouse_user)

    [message] = refused.value.message_dict["location"]
    assert message.startswith("X-CC-04: location BRU1-GEN-B01 does not accept hazard class 9")
    assert snapshot(lot) == before


@pytest.mark.django_db
def test_reclassify_refuses_classes_segregated_from_a_co_located_lot(
    warehouse_user, office, flammables_bay
):
    perfume, lot = log_seizure(
        warehouse_user,
        office,
        lots=[
            lot_input(category="2a", description="Perfume", location=flammables_bay),
            toys(location=flammables_bay),
        ],
    ).lots.order_by("reference")
    before = snapshot(lot)

    with pytest.raises(ValidationError, match="X-CC-04: flammable liquids must be kept apart"):
        reclassify(lot, warehouse_user, waste_class="CHE", hazard_classes=["5.1"])

    assert snapshot(lot) == before


@pytest.mark.django_db
def test_reclassify_refuses_batteries_mixed_with_other_goods(warehouse_user, office, general_bay):
    shirts, lot = log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(location=general_bay), toys(location=general_bay)],
    ).lots.order_by("reference")
    before = snapshot(lot)

    with pytest.raises(ValidationError, match="BAT-S1: batteries are not stored mixed"):
        reclassify(lot, warehouse_user, hazard_classes=[])

    assert snapshot(lot) == before


@pytest.mark.django_db
def test_reclassify_refused_by_the_placement_hook_changes_nothing(
    warehouse_user, office, battery_bay, settings
):
    lot = log_seizure(warehouse_user, office, lots=[toys(location=battery_bay)]).lots.get()
    before = snapshot(lot)
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_services.blocking_check"

    with pytest.raises(ValidationError, match="APP-S1: Keep dry"):
        reclassify(lot, warehouse_user)

    assert snapshot(lot) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"waste_class": "XYZ"}, "waste_class", "Unknown waste class 'XYZ'."),
        ({"waste_class": ""}, "waste_class", "Choose the waste class."),
        ({"hazard_classes": ["9", "99"]}, "hazard_classes", "Unknown UN hazard class: 99."),
        ({"reason": "  "}, "reason", "Give the reason for the reclassification."),
    ],
)
def test_reclassify_refuses_bad_input(warehouse_user, toy_lot, overrides, field, message):
    before = snapshot(toy_lot)

    with pytest.raises(ValidationError) as refused:
        reclassify(toy_lot, warehouse_user, **overrides)

    assert refused.value.message_dict[field] == [message]
    assert snapshot(toy_lot) == before


@pytest.mark.django_db
def test_reclassify_refuses_a_change_that_changes_nothing(warehouse_user, office):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(category="2a")]).lots.get()
    assert lot.hazard_classes == ["3", "2.1"]
    before = snapshot(lot)

    with pytest.raises(ValidationError, match="Nothing to change"):
        # The same classes in another order are the same classification.
        reclassify(lot, warehouse_user, waste_class="COS", hazard_classes=["2.1", "3"])

    assert snapshot(lot) == before


# --- API -----------------------------------------------------------------------------------


def url(lot) -> str:
    return f"/api/v1/lots/{lot.pk}/reclassify/"


@pytest.mark.django_db
def test_api_reclassify_answers_the_updated_lot(api, warehouse_user, toy_lot):
    Lot.objects.filter(pk=toy_lot.pk).update(cytotoxic=True)

    response = api(warehouse_user).post(
        url(toy_lot),
        {"waste_class": "BAT", "high_risk": True, "reason": "Power banks inside"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["waste_class"], body["hazard_classes"]) == ("BAT", ["9"])
    # An omitted flag keeps the lot's value.
    assert (body["high_risk"], body["cytotoxic"]) == (True, True)
    stored = Lot.objects.get(pk=toy_lot.pk)
    assert (stored.waste_class, stored.hazard_classes, stored.high_risk) == ("BAT", ["9"], True)
    assert stored.custody_events.filter(kind=Kind.RECLASSIFIED).count() == 1


@pytest.mark.django_db
def test_api_reclassify_gives_field_errors_for_bad_input(api, warehouse_user, toy_lot):
    before = snapshot(toy_lot)

    response = api(warehouse_user).post(
        url(toy_lot), {"waste_class": "XYZ", "hazard_classes": ["99"]}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"waste_class", "hazard_classes", "reason"}
    assert snapshot(toy_lot) == before


@pytest.mark.django_db
def test_api_reclassify_names_the_storage_rule(api, warehouse_user, office, general_bay):
    lot = log_seizure(warehouse_user, office, lots=[toys(location=general_bay)]).lots.get()

    response = api(warehouse_user).post(
        url(lot), {"waste_class": "BAT", "reason": "Batteries"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["location"][0].startswith("X-CC-04:")
    assert Lot.objects.get(pk=lot.pk).waste_class == "TOY"


@pytest.mark.django_db
def test_api_reclassify_is_refused_to_auditors(api, auditor_user, toy_lot):
    before = snapshot(toy_lot)

    response = api(auditor_user).post(
        url(toy_lot), {"waste_class": "BAT", "reason": "Batteries"}, format="json"
    )

    assert response.status_code == 403
    assert snapshot(toy_lot) == before


@pytest.mark.django_db
def test_api_reclassify_conflicts_with_a_released_lot(api, warehouse_user, admin_user, toy_lot):
    services.release_lot(lot=toy_lot, reason="Found genuine", actor=admin_user)
    before = snapshot(toy_lot)

    response = api(admin_user).post(
        url(toy_lot), {"waste_class": "BAT", "reason": "Batteries"}, format="json"
    )

    assert response.status_code == 409
    assert "only lots in storage or on hold" in response.json()["detail"]
    assert snapshot(toy_lot) == before


@pytest.mark.django_db
def test_schema_documents_the_reclassify_action(api, warehouse_user):
    paths = api(warehouse_user).get("/api/schema/?format=json").json()["paths"]
    operation = paths["/api/v1/lots/{id}/reclassify/"]["post"]
    assert {"200", "400", "403", "409"} <= set(operation["responses"])
    assert "requestBody" in operation


# --- page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lot_page_reclassifies_and_shows_the_event(client, warehouse_user, toy_lot):
    client.force_login(warehouse_user)
    page = client.get(f"/lots/{toy_lot.pk}/").content.decode()
    assert "<summary>Reclassify</summary>" in page

    response = client.post(
        f"/lots/{toy_lot.pk}/reclassify/",
        {
            "waste_class": "BAT",
            "default_hazard_classes": "on",
            "high_risk": "on",
            "reason": "Lithium batteries found inside",
        },
        follow=True,
    )

    page = response.content.decode()
    assert f"Lot {toy_lot.reference} reclassified." in page
    assert (
        "Reclassified: waste class TOY → BAT, hazard classes — → 9, ewc code 16 03 06 → "
        "16 06 05, high risk no → yes; reason: Lithium batteries found inside"
    ) in page
    stored = Lot.objects.get(pk=toy_lot.pk)
    assert (stored.waste_class, stored.hazard_classes, stored.high_risk) == ("BAT", ["9"], True)


@pytest.mark.django_db
def test_lot_page_shows_a_refusal_on_the_reclassify_form(
    client, warehouse_user, office, general_bay
):
    lot = log_seizure(warehouse_user, office, lots=[toys(location=general_bay)]).lots.get()
    client.force_login(warehouse_user)

    response = client.post(
        f"/lots/{lot.pk}/reclassify/",
        {"waste_class": "BAT", "default_hazard_classes": "on", "reason": "Batteries"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<details data-testid="reclassify" open>' in page
    assert 'class="form-errors"' in page and "X-CC-04: location BRU1-GEN-B01" in page
    assert Lot.objects.get(pk=lot.pk).waste_class == "TOY"


@pytest.mark.django_db
def test_lot_page_shows_a_missing_reason_on_its_field(client, warehouse_user, toy_lot):
    client.force_login(warehouse_user)

    response = client.post(f"/lots/{toy_lot.pk}/reclassify/", {"waste_class": "BAT"})

    assert 'class="field-error" role="alert">This field is required.' in response.content.decode()
    assert snapshot(toy_lot) == (services.classification_of(toy_lot), 1)


@pytest.mark.django_db
def test_lot_page_hides_reclassify_from_auditors_and_refuses_their_post(
    client, auditor_user, toy_lot
):
    client.force_login(auditor_user)
    assert "Reclassify" not in client.get(f"/lots/{toy_lot.pk}/").content.decode()

    response = client.post(
        f"/lots/{toy_lot.pk}/reclassify/", {"waste_class": "BAT", "reason": "Batteries"}
    )

    assert response.status_code == 403
    assert Lot.objects.get(pk=toy_lot.pk).waste_class == "TOY"


@pytest.mark.django_db
def test_lot_page_hides_reclassify_for_a_released_lot(client, warehouse_user, admin_user, toy_lot):
    services.release_lot(lot=toy_lot, reason="Found genuine", actor=admin_user)
    client.force_login(warehouse_user)
    assert (
        "<summary>Reclassify</summary>" not in client.get(f"/lots/{toy_lot.pk}/").content.decode()
    )


# --- concurrency (PostgreSQL) --------------------------------------------------------------

rendezvous = threading.Barrier(2, timeout=10)


def wait_for_the_other_thread(placements, *, actor):
    """The move has checked the lot as it read it, the reclassification has written the lot;
    now both go on."""
    rendezvous.wait()
    return [[] for _ in placements]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reclassification_racing_a_move_never_moves_the_lot_past_the_rules(
    postgresql, settings, warehouse_user, second_warehouse_user, office, warehouse, battery_bay
):
    shirts_bay = StorageLocationFactory(warehouse=warehouse, code="RACE-SHIRTS")
    log_seizure(warehouse_user, office, lots=[lot_input(location=shirts_bay)])
    lot = log_seizure(warehouse_user, office, lots=[toys(location=battery_bay)]).lots.get()
    rendezvous.reset()
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_reclassify.wait_for_the_other_thread"

    results, errors = run_together(
        # Toys may join the shirts; batteries may not (BAT-S1, X-CC-04).
        lambda: services.move_lot(lot=lot, location=shirts_bay, actor=warehouse_user),
        lambda: reclassify(lot, second_warehouse_user),
    )

    assert results[1] is not None and errors[1] is None
    assert isinstance(errors[0], TransitionNotAllowed)
    stored = Lot.objects.get(pk=lot.pk)
    assert (stored.location, stored.waste_class) == (battery_bay, "BAT")
    kinds = list(stored.custody_events.order_by("sequence").values_list("kind", flat=True))
    assert kinds == [Kind.CREATED, Kind.RECLASSIFIED]
    assert verify_chains() == []
