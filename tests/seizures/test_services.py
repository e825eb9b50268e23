import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from project.compliance import Finding, Severity
from project.errors import TransitionNotAllowed
from seizures import services
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, Holiday, Lot, LotStatus, Seizure
from tests.seizures.conftest import log_seizure, lot_input, seizure_fields
from tests.seizures.factories import CustomsOfficeFactory

pytestmark = pytest.mark.django_db
Kind = CustodyEvent.Kind


def kinds(lot) -> list[str]:
    return list(lot.custody_events.order_by("sequence").values_list("kind", flat=True))


def test_create_seizure_numbers_references_per_office_and_year(warehouse_user, office):
    other = CustomsOfficeFactory(code="ANR")
    first = log_seizure(warehouse_user, office)
    second = log_seizure(warehouse_user, office)
    elsewhere = log_seizure(warehouse_user, other)
    earlier_year = log_seizure(
        warehouse_user, office, detained_on=datetime.date(2025, 12, 30), notified_on=None
    )
    assert [first.reference, second.reference] == ["BRU-2026-00001", "BRU-2026-00002"]
    assert elsewhere.reference == "ANR-2026-00001"
    assert earlier_year.reference == "BRU-2025-00001"
    assert (second.year, second.sequence, second.created_by) == (2026, 2, warehouse_user)


def test_create_seizure_computes_the_deadline_with_the_holiday_calendar(warehouse_user, office):
    Holiday.objects.create(date=datetime.date(2026, 3, 10), name="Local holiday")
    seizure = log_seizure(warehouse_user, office)
    perishable = log_seizure(
        warehouse_user, office, perishable=True, lots=[lot_input(category="1a")]
    )
    assert seizure.deadline == datetime.date(2026, 3, 18)  # 10 working days + 1 holiday
    assert perishable.deadline == datetime.date(2026, 3, 6)  # 3 working days
    assert seizure.declarant_notice_due_on is None


def test_lots_get_line_references_default_classes_and_a_first_custody_event(
    warehouse_user, office, flammables_bay
):
    seizure = log_seizure(
        warehouse_user,
        office,
        lots=[
            lot_input(),
            lot_input(category="2a", description="Perfume", location=flammables_bay),
            lot_input(category="12g", waste_class="CHE", description="Pesticide sachets"),
            lot_input(category="11", hazard_classes=[], description="Vitamins"),
        ],
    )
    lots = list(seizure.lots.order_by("reference"))
    assert [lot.reference for lot in lots] == [f"{seizure.reference}-0{n}" for n in (1, 2, 3, 4)]
    assert [lot.waste_class for lot in lots] == ["APP", "COS", "CHE", "PHA"]
    assert [lot.hazard_classes for lot in lots] == [[], ["3", "2.1"], ["6.1"], []]
    assert lots[0].seized_articles == lots[0].articles == 100
    assert lots[0].location is None and lots[0].stored_since is None
    assert lots[1].location == flammables_bay and lots[1].stored_since is not None
    event = lots[1].custody_events.get()
    assert (event.kind, event.sequence, event.to_location, event.quantity) == (
        Kind.CREATED,
        1,
        flammables_bay,
        100,
    )
    assert event.actor == warehouse_user and event.actor_name == "Wanda " + warehouse_user.last_name
    assert event.hash == event.compute_hash() and event.previous_hash == ""
    assert verify_chains() == []


def test_create_seizure_reports_field_errors_per_lot_and_creates_nothing(warehouse_user, office):
    with pytest.raises(ValidationError) as error:
        log_seizure(
            warehouse_user,
            office,
            lots=[lot_input(), lot_input(articles=0, category="99", hazard_classes=["7"])],
        )
    assert set(error.value.message_dict) == {
        "lots[1].articles",
        "lots[1].category",
        "lots[1].hazard_classes",
    }
    assert not Seizure.objects.exists() and not Lot.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"detained_on": datetime.date(2099, 1, 1)}, "detained_on", "future"),
        ({"notified_on": datetime.date(2026, 3, 1)}, "notified_on", "before the detention"),
        ({"action_type": "on_application"}, "right_holder", "right holder"),
        ({"provenance_country": "XX"}, "provenance_country", "ISO 3166-1"),
        ({"transport_mode": "teleport"}, "transport_mode", "Unknown value"),
        ({"legal_route": "small_consignment"}, "legal_route", "postal and express"),
    ],
)
def test_case_data_is_validated(warehouse_user, office, overrides, field, words):
    with pytest.raises(ValidationError) as error:
        log_seizure(warehouse_user, office, **overrides)
    assert words in " ".join(error.value.message_dict[field])


def test_small_consignment_rules_of_article_26(warehouse_user, office, right_holder):
    fields = {
        "legal_route": "small_consignment",
        "transport_mode": "postal",
        "right_holder": right_holder,
        "action_type": "on_application",
    }
    ok = log_seizure(
        warehouse_user, office, lots=[lot_input(articles=2, gross_weight_kg=Decimal("3"))], **fields
    )
    assert ok.declarant_notice_due_on == datetime.date(2026, 3, 3)  # 1 working day (Art. 26(3))
    with pytest.raises(ValidationError) as error:
        log_seizure(
            warehouse_user,
            office,
            lots=[lot_input(articles=4, gross_weight_kg=Decimal("2"), category="1a")],
            perishable=True,
            **fields,
        )
    messages = " ".join(error.value.message_dict["legal_route"])
    assert "Perishable" in messages and "at most 3 units" in messages
    right_holder.small_consignment_opt_in = False
    right_holder.save()
    with pytest.raises(ValidationError, match="opted in"):
        log_seizure(warehouse_user, office, lots=[lot_input(articles=1)], **fields)


def test_lots_placed_together_are_checked_together(warehouse_user, office, general_bay):
    with pytest.raises(ValidationError) as error:
        log_seizure(
            warehouse_user,
            office,
            lots=[
                lot_input(gross_weight_kg=Decimal("600"), location=general_bay),
                lot_input(gross_weight_kg=Decimal("600"), location=general_bay),
            ],
        )
    assert list(error.value.message_dict) == ["lots[1].location"]
    assert "ST-CAP" in error.value.message_dict["lots[1].location"][0]
    assert not Lot.objects.exists() and not CustodyEvent.objects.exists()


def test_move_places_then_moves_a_lot_with_custody_events(
    warehouse_user, office, general_bay, warehouse
):
    from tests.seizures.factories import StorageLocationFactory

    seizure = log_seizure(warehouse_user, office)
    lot = seizure.lots.get()
    other_bay = StorageLocationFactory(warehouse=warehouse, code="BRU1-GEN-B02")
    services.move_lot(lot=lot, location=general_bay, actor=warehouse_user)
    lot.refresh_from_db()
    placed_at = lot.stored_since
    assert lot.location == general_bay and placed_at is not None
    services.move_lot(lot=lot, location=other_bay, actor=warehouse_user)
    lot.refresh_from_db()
    assert lot.location == other_bay and lot.stored_since == placed_at
    assert kinds(lot) == [Kind.CREATED, Kind.PLACED, Kind.MOVED]
    moved = lot.custody_events.get(kind=Kind.MOVED)
    assert (moved.from_location, moved.to_location, moved.quantity) == (general_bay, other_bay, 100)
    assert moved.details == {"from": "BRU1-GEN-B01", "to": "BRU1-GEN-B02"}
    assert verify_chains() == []


def test_move_refused_by_a_storage_rule_changes_nothing(warehouse_user, office, general_bay):
    seizure = log_seizure(warehouse_user, office, lots=[lot_input(category="2a")])
    lot = seizure.lots.get()
    with pytest.raises(ValidationError) as error:
        services.move_lot(lot=lot, location=general_bay, actor=warehouse_user)
    assert "X-CC-04" in error.value.message_dict["location"][0]
    lot.refresh_from_db()
    assert lot.location is None and kinds(lot) == [Kind.CREATED]


def test_move_refused_when_it_would_exceed_capacity(warehouse_user, office, general_bay):
    log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(gross_weight_kg=Decimal("990"), location=general_bay)],
    )
    lot = log_seizure(warehouse_user, office).lots.get()
    with pytest.raises(
        ValidationError,
        match=r"ST-CAP: location BRU1-GEN-B01 has 10 kg free of 1000 kg; lot \S+ weighs 25 kg",
    ):
        services.move_lot(lot=lot, location=general_bay, actor=warehouse_user)


def test_move_to_the_same_place_or_of_a_released_lot_is_refused(
    warehouse_user, admin_user, office, general_bay, flammables_bay
):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)]).lots.get()
    with pytest.raises(ValidationError, match="already there"):
        services.move_lot(lot=lot, location=general_bay, actor=warehouse_user)
    services.release_lot(lot=lot, reason="Found genuine", actor=admin_user)
    with pytest.raises(TransitionNotAllowed):
        services.move_lot(lot=lot, location=flammables_bay, actor=warehouse_user)


def test_placement_hook_blocking_finding_refuses_the_move(
    warehouse_user, office, general_bay, settings
):
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_services.blocking_check"
    lot = log_seizure(warehouse_user, office).lots.get()
    with pytest.raises(ValidationError, match="APP-S1: Keep dry"):
        services.move_lot(lot=lot, location=general_bay, actor=warehouse_user)
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_services.warning_check"
    services.move_lot(lot=lot, location=general_bay, actor=warehouse_user)
    assert Lot.objects.get(pk=lot.pk).location == general_bay


def blocking_check(placements, *, actor):
    finding = Finding("APP-S1", Severity.BLOCKING, "Keep dry")
    return [[finding] for _ in placements]


def warning_check(placements, *, actor):
    finding = Finding("X-CC-05", Severity.WARNING, "Long stay")
    return [[finding] for _ in placements]


def test_hold_puts_lots_on_hold_and_lifting_returns_them(
    warehouse_user, admin_user, office, general_bay
):
    seizure = log_seizure(warehouse_user, office, lots=[lot_input(), lot_input()])
    first, second = seizure.lots.order_by("reference")
    Lot.objects.filter(pk=second.pk).update(status=LotStatus.ALLOCATED)
    held = services.place_hold(seizure=seizure, reason="Court order 26/123", actor=admin_user)
    assert (held.on_hold, held.hold_reason, held.hold_by) == (
        True,
        "Court order 26/123",
        admin_user,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == LotStatus.ON_HOLD and second.status == LotStatus.ALLOCATED
    assert kinds(first) == [Kind.CREATED, Kind.HELD] and kinds(second) == [Kind.CREATED]
    with pytest.raises(TransitionNotAllowed, match="already on hold"):
        services.place_hold(seizure=seizure, reason="again", actor=admin_user)
    # Goods added to a held seizure are held as well; moves inside the warehouse stay possible.
    added = services.add_lots(seizure=seizure, lots=[lot_input()], actor=warehouse_user)
    assert added[0].status == LotStatus.ON_HOLD
    services.move_lot(lot=first, location=general_bay, actor=warehouse_user)
    lifted = services.lift_hold(seizure=seizure, actor=admin_user, reason="Judgment final")
    assert (lifted.on_hold, lifted.hold_reason, lifted.hold_by) == (False, "", None)
    first.refresh_from_db()
    assert first.status == LotStatus.IN_STORAGE
    assert kinds(first) == [Kind.CREATED, Kind.HELD, Kind.PLACED, Kind.HOLD_LIFTED]
    event = first.custody_events.get(kind=Kind.HOLD_LIFTED)
    assert event.details["hold_reason"] == "Court order 26/123"
    assert event.details["reason"] == "Judgment final"
    with pytest.raises(TransitionNotAllowed):
        services.lift_hold(seizure=seizure, actor=admin_user)
    assert verify_chains() == []


def test_hold_needs_a_reason(admin_user, office, warehouse_user):
    seizure = log_seizure(warehouse_user, office)
    with pytest.raises(ValidationError) as error:
        services.place_hold(seizure=seizure, reason="  ", actor=admin_user)
    assert "reason" in error.value.message_dict


def test_release_is_refused_under_a_legal_hold(warehouse_user, admin_user, office, general_bay):
    seizure = log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)])
    lot = seizure.lots.get()
    services.place_hold(seizure=seizure, reason="Evidence", actor=admin_user)
    with pytest.raises(TransitionNotAllowed, match="legal hold"):
        services.release_lot(lot=lot, reason="Genuine", actor=admin_user)
    services.lift_hold(seizure=seizure, actor=admin_user)
    released = services.release_lot(lot=lot, reason="Genuine", actor=admin_user)
    assert released.status == LotStatus.RELEASED and released.location is None
    event = released.custody_events.get(kind=Kind.RELEASED)
    assert event.from_location == general_bay and event.details == {"reason": "Genuine"}


def test_samples_move_articles_to_child_lots_and_reconcile(warehouse_user, office, flammables_bay):
    seizure = log_seizure(
        warehouse_user,
        office,
        lots=[
            lot_input(
                category="2a",
                articles=240,
                gross_weight_kg=Decimal("48"),
                retail_value=Decimal("24000"),
                location=flammables_bay,
            )
        ],
    )
    parent = seizure.lots.get()
    first = services.take_sample(
        lot=parent,
        articles=6,
        purpose="analysis",
        holder="Customs lab Leuven",
        actor=warehouse_user,
    )
    second = services.take_sample(
        lot=parent,
        articles=10,
        purpose="evidence",
        holder="Court of Brussels",
        gross_weight_kg=Decimal("2.5"),
        actor=warehouse_user,
    )
    parent.refresh_from_db()
    assert (first.reference, second.reference) == (
        f"{parent.reference}-S1",
        f"{parent.reference}-S2",
    )
    assert first.gross_weight_kg == Decimal("1.200") and first.retail_value == Decimal("600.00")
    assert parent.articles == 224 and parent.gross_weight_kg == Decimal("44.300")
    assert parent.seized_articles == 240
    samples = parent.samples.all()
    assert parent.articles + sum(s.seized_articles for s in samples) == parent.seized_articles
    assert parent.retail_value + sum(s.retail_value for s in samples) == Decimal("24000")
    assert first.location == flammables_bay and first.hazard_classes == ["3", "2.1"]
    assert kinds(parent) == [Kind.CREATED, Kind.SAMPLED, Kind.SAMPLED]
    assert kinds(first) == [Kind.SAMPLE_CREATED]
    sampled = parent.custody_events.get(sequence=2)
    assert sampled.quantity == 6 and sampled.details["sample"] == first.reference
    assert sampled.details["articles_left"] == 234
    assert first.custody_events.get().details["parent"] == parent.reference
    assert verify_chains() == []


def test_sampling_more_than_the_lot_holds_or_from_a_sample_is_refused(warehouse_user, office):
    parent = log_seizure(warehouse_user, office, lots=[lot_input(articles=5)]).lots.get()
    with pytest.raises(ValidationError) as error:
        services.take_sample(
            lot=parent, articles=6, purpose="analysis", holder="Lab", actor=warehouse_user
        )
    assert "only 5 articles" in error.value.message_dict["articles"][0]
    with pytest.raises(ValidationError) as error:
        services.take_sample(lot=parent, articles=0, purpose="fun", holder="", actor=warehouse_user)
    assert set(error.value.message_dict) == {"articles", "purpose", "holder"}
    sample = services.take_sample(
        lot=parent, articles=1, purpose="analysis", holder="Lab", actor=warehouse_user
    )
    with pytest.raises(ValidationError, match="not from a sample"):
        services.take_sample(
            lot=sample, articles=1, purpose="analysis", holder="Lab", actor=warehouse_user
        )


def test_add_lots_continues_the_line_numbers(warehouse_user, office):
    seizure = log_seizure(warehouse_user, office, lots=[lot_input(), lot_input()])
    added = services.add_lots(
        seizure=seizure, lots=[lot_input(category="4a")], actor=warehouse_user
    )
    assert added[0].reference == f"{seizure.reference}-03"
    assert kinds(added[0]) == [Kind.CREATED]
    with pytest.raises(ValidationError) as error:
        services.add_lots(seizure=seizure, lots=[lot_input(articles=-1)], actor=warehouse_user)
    assert "lots[3].articles" in error.value.message_dict


def test_update_seizure_recomputes_the_deadline(warehouse_user, office):
    seizure = log_seizure(warehouse_user, office, notified_on=None)
    assert seizure.deadline is None
    updated = services.update_seizure(
        seizure=seizure, actor=warehouse_user, notified_on=datetime.date(2026, 3, 3)
    )
    assert updated.deadline == datetime.date(2026, 3, 17)
    with pytest.raises(ValidationError) as error:
        services.update_seizure(seizure=seizure, actor=warehouse_user, office=office)
    assert "office" in error.value.message_dict


def test_location_changes_keep_room_and_classes_for_stored_lots(
    warehouse_user, admin_user, office, flammables_bay
):
    log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(category="2a", gross_weight_kg=Decimal("300"), location=flammables_bay)],
    )
    flammables_bay.capacity_kg = Decimal("200")
    flammables_bay.accepted_hazard_classes = ["3"]
    with pytest.raises(ValidationError) as error:
        services.save_reference_record(flammables_bay, actor=admin_user)
    assert set(error.value.message_dict) == {"capacity_kg", "accepted_hazard_classes"}
    with pytest.raises(TransitionNotAllowed, match="cannot be deleted"):
        services.delete_reference_record(office, actor=admin_user)


def test_services_refuse_to_nest_inside_another_transaction(warehouse_user, office):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        log_seizure(warehouse_user, office)


def test_seizure_fields_helper_matches_the_service_signature(office):
    assert set(seizure_fields(office)) <= set(services.create_seizure.__kwdefaults__ or {}) | {
        "office",
        "detained_on",
        "transport_mode",
        "provenance_country",
        "ipr_type",
        "customs_procedure",
        "action_type",
        "legal_route",
    }


# --- intake classification (digest PHA-S2, AUT-S2, X-WE-02) --------------------------------


def test_intake_flags_are_stored_on_create_and_add_lots_and_inherited_by_samples(
    warehouse_user, office
):
    seizure = log_seizure(
        warehouse_user,
        office,
        lots=[
            lot_input(category="11", description="Tramadol", controlled_substances=True),
            lot_input(category="11", description="Methotrexate", cytotoxic=True, high_risk=True),
        ],
    )
    (brake_pads,) = services.add_lots(
        seizure=seizure,
        lots=[lot_input(category="12b", description="Brake pads", contains_asbestos=True)],
        actor=warehouse_user,
    )
    flags = ("controlled_substances", "cytotoxic", "contains_asbestos", "high_risk")
    stored = {
        lot.description: tuple(getattr(lot, name) for name in flags)
        for lot in Lot.objects.filter(seizure=seizure)
    }
    assert stored == {
        "Tramadol": (True, False, False, False),
        "Methotrexate": (False, True, False, True),
        "Brake pads": (False, False, True, False),
    }
    methotrexate = Lot.objects.get(description="Methotrexate")
    sample = services.take_sample(
        lot=methotrexate, articles=5, purpose="analysis", holder="Lab", actor=warehouse_user
    )
    sample.refresh_from_db()
    assert (sample.cytotoxic, sample.high_risk, sample.controlled_substances) == (
        True,
        True,
        False,
    )
    assert brake_pads.intake_flag_labels() == ["Contains asbestos"]


def test_lots_default_to_no_intake_flags(warehouse_user, office):
    lot = log_seizure(warehouse_user, office).lots.get()
    assert lot.intake_flag_labels() == []
