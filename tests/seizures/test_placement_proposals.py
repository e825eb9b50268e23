"""Placement by proposal: the first location that accepts a lot by the storage rules (best fit
first, the lots proposed before it counted), all lots of an intake placed in one step, and the
Place/Move form that offers only accepting locations, the lot's own warehouse first, and asks
before a move to another warehouse."""

from decimal import Decimal

import pytest

from project.compliance import Severity
from seizures import services
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, Lot
from seizures.storage import LocationFacts, LotFacts, Presence, propose_placements
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import (
    CustomsOfficeFactory,
    StorageLocationFactory,
    WarehouseFactory,
)
from tests.seizures.test_intake import EXAMPLE
from tests.seizures.test_intake_batches import as_excel, rows_of_example

pytestmark = pytest.mark.django_db

GENERAL = LocationFacts("A-GEN", frozenset(), Decimal("100"))
FLAMMABLES = LocationFacts("A-FL", frozenset({"3", "2.1"}), Decimal("100"))
EVERYTHING = LocationFacts("A-ALL", frozenset({"3", "2.1", "5.1", "8", "9"}), Decimal("100"))


def lot(reference: str, kg: str, *classes: str, waste_class: str = "TEX") -> LotFacts:
    return LotFacts(reference, waste_class, classes, Decimal(kg))


# --- the pure proposal ------------------------------------------------------------------------


def test_ordinary_goods_are_proposed_the_general_bay_before_a_hazardous_one():
    proposals = propose_placements(
        [(lot("L1", "10"), [EVERYTHING, FLAMMABLES, GENERAL])], present={}
    )
    assert proposals == [GENERAL]


def test_a_hazardous_lot_takes_the_location_accepting_the_fewest_other_classes():
    proposals = propose_placements(
        [(lot("L1", "10", "3"), [EVERYTHING, GENERAL, FLAMMABLES])], present={}
    )
    assert proposals == [FLAMMABLES]


def test_lots_proposed_earlier_count_toward_capacity_and_segregation():
    candidates = [GENERAL, FLAMMABLES, EVERYTHING]
    proposals = propose_placements(
        [
            (lot("L1", "60"), candidates),
            (lot("L2", "60"), candidates),  # 120 kg > GENERAL's 100: the next one
            (lot("L3", "10", "5.1"), [EVERYTHING]),  # oxidiser
            (lot("L4", "10", "3"), [EVERYTHING]),  # flammable: not beside the oxidiser
        ],
        present={},
    )
    assert proposals == [GENERAL, FLAMMABLES, EVERYTHING, None]


def test_what_a_location_holds_already_counts_and_only_blocking_rules_refuse():
    food = lot("F1", "10", waste_class="FOOD")
    toxic = Presence("CHE", ("6.1",), Decimal("5"), 1, "T1")
    held = {"A-GEN": [toxic]}
    assert propose_placements([(food, [GENERAL])], held) == [None]
    # FOOD-S2 as a warning in the rulebook: the placement goes ahead.
    warning = {"FOOD-S2": Severity.WARNING}
    assert propose_placements([(food, [GENERAL])], held, warning) == [GENERAL]


# --- place all lots of an intake --------------------------------------------------------------


def unplaced_example(warehouse_user, rows=None):
    rows = rows or rows_of_example()
    for row in rows:
        row["location"] = ""
    return services.import_seizures(content=as_excel(rows), actor=warehouse_user)


def test_placing_all_lots_of_an_intake_places_each_by_proposal_with_its_custody_event(
    client, warehouse_user, example_reference_data
):
    batch = unplaced_example(warehouse_user)
    client.force_login(warehouse_user)
    page = client.get(batch.get_absolute_url()).text
    assert "Place all 7 unplaced lots by proposal" in page
    response = client.post(f"/seizures/imports/{batch.pk}/place/", follow=True)
    assert "7 lots placed: LGG-2026-00001-01 at LGG-W1-GEN-B01" in response.text
    placed = dict(Lot.objects.values_list("reference", "location__code"))
    assert placed["LGG-2026-00003-01"] == "LGG-W1-HZ-FL01"  # perfume, classes 3 and 2.1
    assert placed["LGG-2026-00004-01"] == "LGG-W1-FS-B01"  # power bank, class 9
    assert set(placed.values()) == {
        "LGG-W1-GEN-B01",
        "LGG-W1-HZ-FL01",
        "LGG-W1-FS-B01",
        "LGG-W1-HZ-TX01",
    }
    events = CustodyEvent.objects.filter(kind=CustodyEvent.Kind.PLACED)
    assert events.count() == 7
    assert events.get(lot__reference="LGG-2026-00004-01").to_location.code == "LGG-W1-FS-B01"
    again = client.post(f"/seizures/imports/{batch.pk}/place/", follow=True)
    assert "Every lot of this file is already placed." in again.text
    assert "by proposal" not in again.text


def test_a_lot_no_location_accepts_stays_unplaced_with_the_reason(
    client, warehouse_user, example_reference_data
):
    rows = rows_of_example()
    rows[2]["gross_weight_kg"] = "600"  # shoes heavier than any 500 kg location
    batch = unplaced_example(warehouse_user, rows)
    client.force_login(warehouse_user)
    response = client.post(f"/seizures/imports/{batch.pk}/place/", follow=True)
    assert "6 lots placed" in response.text
    assert (
        "LGG-2026-00002-01 not placed: None of the 4 locations of office LGG&#x27;s warehouses "
        "accepts it now (hazard classes accepted, segregation or capacity)." in response.text
    )
    assert Lot.objects.get(reference="LGG-2026-00002-01").location is None
    assert Lot.objects.filter(location__isnull=False).count() == 6


def test_a_proposal_the_placement_hook_blocks_is_refused_and_the_others_placed(
    warehouse_user, example_reference_data, settings
):
    batch = unplaced_example(warehouse_user)
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_intake.refuse_pharmaceuticals"
    results = services.place_lots_by_proposal(
        lots=Lot.objects.filter(seizure__intake_batches=batch), actor=warehouse_user
    )
    refused = {r.lot.reference: r.refusals for r in results if r.location is None}
    assert refused == {"LGG-2026-00005-01": ["PHA-S1: Locked store only"]}
    assert Lot.objects.filter(location__isnull=True).get().reference == "LGG-2026-00005-01"
    # The refused round was undone: one placement event per placed lot, chains intact.
    assert CustodyEvent.objects.filter(kind=CustodyEvent.Kind.PLACED).count() == 6
    assert verify_chains() == []


def test_lots_are_only_proposed_locations_of_their_own_office(warehouse_user, office, warehouse):
    other_office = CustomsOfficeFactory(code="ANR")
    StorageLocationFactory(warehouse=WarehouseFactory(office=other_office), code="ANR-B01")
    seizure = log_seizure(warehouse_user, office)
    (result,) = services.place_lots_by_proposal(lots=seizure.lots.all(), actor=warehouse_user)
    assert result.location is None
    assert result.refusals == ["Office BRU has no warehouse location in use."]
    own = StorageLocationFactory(warehouse=warehouse, code="BRU1-GEN-B09")
    (result,) = services.place_lots_by_proposal(lots=seizure.lots.all(), actor=warehouse_user)
    assert result.location == own


# --- Place/Move on the lot page ---------------------------------------------------------------


@pytest.fixture
def two_warehouses(office, warehouse, general_bay, flammables_bay):
    """BRU1 (the lot's office) with a general and a flammables bay, and BRU2 of another
    office with a general bay and a full one."""
    elsewhere = WarehouseFactory(code="ANR1", office=CustomsOfficeFactory(code="ANR"))
    return {
        "other_bay": StorageLocationFactory(warehouse=elsewhere, code="ANR1-GEN-B01"),
        "tiny_bay": StorageLocationFactory(
            warehouse=elsewhere, code="ANR1-GEN-B02", capacity_kg=Decimal("5")
        ),
        "closed_bay": StorageLocationFactory(
            warehouse=warehouse, code="BRU1-GEN-B02", active=False
        ),
    }


def move_choices(page) -> list[tuple[str, list[str]]]:
    field = page.context["move_form"]["location"].field
    return [
        (group, [label.split(" · ")[0] for _, label in options])
        for group, options in field.widget.choices
        if isinstance(options, list)
    ]


def test_place_offers_only_accepting_locations_the_lots_own_warehouse_first(
    client, warehouse_user, office, two_warehouses
):
    shirts = log_seizure(warehouse_user, office).lots.get()  # 25 kg, no hazard class
    perfume = log_seizure(
        warehouse_user, office, lots=[lot_input(category="2a", hazard_classes=["3"])]
    ).lots.get()
    client.force_login(warehouse_user)
    assert move_choices(client.get(f"/lots/{shirts.pk}/")) == [
        (
            f"BRU1 {office.warehouses.get().name} (this lot's warehouse)",
            ["BRU1-GEN-B01", "BRU1-HZ-B01"],
        ),
        (f"ANR1 {two_warehouses['other_bay'].warehouse.name}", ["ANR1-GEN-B01"]),
    ]
    # Class 3 only where class 3 is accepted; the full and the closed bays are never offered.
    assert move_choices(client.get(f"/lots/{perfume.pk}/")) == [
        (f"BRU1 {office.warehouses.get().name} (this lot's warehouse)", ["BRU1-HZ-B01"]),
    ]


def test_a_move_to_another_warehouse_is_asked_about_first(
    client, warehouse_user, office, general_bay, two_warehouses
):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)]).lots.get()
    other_bay = two_warehouses["other_bay"]
    client.force_login(warehouse_user)
    asked = client.post(f"/lots/{lot.pk}/move/", {"location": other_bay.pk})
    assert asked.status_code == 302
    assert asked.url == f"/lots/{lot.pk}/?move_to={other_bay.pk}#move-heading"
    lot.refresh_from_db()
    assert lot.location == general_bay
    question = client.get(asked.url).text
    assert "ANR1-GEN-B01</strong> is in warehouse ANR1" in question
    assert "not in BRU1, where this lot is" in question
    confirmed = client.post(
        f"/lots/{lot.pk}/move/", {"location": other_bay.pk, "confirm_transfer": "on"}
    )
    assert confirmed.url == f"/lots/{lot.pk}/"
    lot.refresh_from_db()
    assert lot.location == other_bay
    assert lot.custody_events.latest("sequence").details == {
        "to": "ANR1-GEN-B01",
        "from": "BRU1-GEN-B01",
    }


def test_a_move_inside_the_warehouse_needs_no_confirmation(
    client, warehouse_user, office, general_bay, flammables_bay
):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)]).lots.get()
    client.force_login(warehouse_user)
    moved = client.post(f"/lots/{lot.pk}/move/", {"location": flammables_bay.pk})
    assert moved.url == f"/lots/{lot.pk}/"
    lot.refresh_from_db()
    assert lot.location == flammables_bay
    # A location of the lot's own warehouse in move_to asks nothing.
    page = client.get(f"/lots/{lot.pk}/?move_to={general_bay.pk}").text
    assert 'data-testid="transfer-question"' not in page
    assert client.get(f"/lots/{lot.pk}/?move_to=x").status_code == 200


def test_a_lot_is_offered_the_other_locations_that_accept_it_and_never_its_own(
    example_reference_data, warehouse_user
):
    services.import_seizures(content=EXAMPLE.read_bytes(), actor=warehouse_user)
    lots = Lot.objects.with_related()
    handbag = lots.get(reference="LGG-2026-00001-01")  # in LGG-W1-GEN-B01, no hazard class
    (option,) = services.placement_options(handbag)
    assert option.own and option.warehouse.code == "LGG-W1"
    # Not beside the power bank (BAT-S1); the hazardous bays take ordinary goods too.
    assert [loc.code for loc in option.locations] == ["LGG-W1-HZ-FL01", "LGG-W1-HZ-TX01"]
    power_bank = lots.get(reference="LGG-2026-00004-01")  # class 9, only LGG-W1-FS-B01 takes it
    assert services.placement_options(power_bank) == []


def test_a_refused_move_shows_every_reason_and_keeps_the_choice(
    client, warehouse_user, office, general_bay, flammables_bay, settings
):
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_intake.refuse_pharmaceuticals"
    lot = log_seizure(warehouse_user, office, lots=[lot_input(category="11")]).lots.get()
    client.force_login(warehouse_user)
    refused = client.post(f"/lots/{lot.pk}/move/", {"location": general_bay.pk})
    assert refused.url == f"/lots/{lot.pk}/?location={general_bay.pk}#move-heading"
    page = client.get(refused.url)
    assert "PHA-S1: Locked store only" in page.text
    assert page.context["move_form"]["location"].value() == general_bay.pk
    assert f'<option value="{general_bay.pk}" selected>' in page.text


def test_the_api_lists_the_placement_options_of_a_lot(
    api, warehouse_user, auditor_user, office, general_bay, flammables_bay, two_warehouses
):
    perfume = log_seizure(
        warehouse_user, office, lots=[lot_input(category="2a", hazard_classes=["3"])]
    ).lots.get()
    shirts = log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)]).lots.get()
    url = "/api/v1/lots/{}/placement-options/"
    response = api(warehouse_user).get(url.format(perfume.pk))
    assert response.status_code == 200
    assert response.json() == [
        {
            "warehouse": "BRU1",
            "own": True,
            "locations": [
                {"id": flammables_bay.pk, "code": "BRU1-HZ-B01", "name": "Bay BRU1-HZ-B01"}
            ],
        }
    ]
    options = api(warehouse_user).get(url.format(shirts.pk)).json()
    assert [
        (o["warehouse"], o["own"], [loc["code"] for loc in o["locations"]]) for o in options
    ] == [
        ("BRU1", True, ["BRU1-HZ-B01"]),
        ("ANR1", False, ["ANR1-GEN-B01"]),
    ]
    assert api(auditor_user).get(url.format(shirts.pk)).status_code == 403
