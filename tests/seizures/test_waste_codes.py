"""The EU List of Waste shipped as data, the default code of a lot, and the code carried by intake
(page, API, CSV), reclassification, filters and the lot's page and API."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from seizures import services, waste_codes
from seizures.intake import IntakeRejected
from seizures.models import Lot, Seizure
from seizures.waste_codes import (
    DEFAULT_CODES,
    canonical_code,
    default_code,
    is_hazardous_waste,
    lookup,
)
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import LotFactory
from tests.seizures.test_api import seizure_payload
from tests.seizures.test_intake import rows_of_example, to_csv

# --- the list -------------------------------------------------------------------------------


def test_the_list_of_waste_is_complete():
    entries = waste_codes.waste_codes()
    assert len(entries) == 842
    assert sum(entry.hazardous for entry in entries.values()) == 408
    assert all(entry.hazardous == code.endswith("*") for code, entry in entries.items())
    assert entries["16 03 05*"].description == "Organic wastes containing hazardous substances"
    assert entries["16 03 05*"].entry_type == "mirror" and entries["16 03 05*"].chapter == "16"
    assert len(waste_codes.chapters()) == 20


def test_the_list_is_read_from_its_file_once(monkeypatch):
    waste_codes.waste_codes.cache_clear()
    opened = []
    original = type(waste_codes.LIST_OF_WASTE).open

    def counting_open(path, *args, **kwargs):
        opened.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(type(waste_codes.LIST_OF_WASTE), "open", counting_open)
    for _ in range(3):
        assert lookup("160305").code == "16 03 05*"
        waste_codes.waste_codes()
    assert opened == [waste_codes.LIST_OF_WASTE]


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("16 03 05*", "16 03 05*"),
        ("160305", "16 03 05*"),
        ("16 03 05", "16 03 05*"),
        (" 16-03-05* ", "16 03 05*"),
        ("16.03.06", "16 03 06"),
        ("200111", "20 01 11"),
    ],
)
def test_a_code_is_read_in_any_spelling_as_the_list_writes_it(typed, canonical):
    assert canonical_code(typed) == canonical


@pytest.mark.parametrize("typed", ["16 03 06*", "99 99 99", "1603", "", "16 03 05**x"])
def test_unknown_codes_and_a_false_asterisk_are_refused(typed):
    assert lookup(typed) is None
    with pytest.raises(ValueError, match="not a code of the EU List of Waste"):
        canonical_code(typed)


def test_hazardous_waste_is_the_asterisk_or_an_hp_property():
    assert is_hazardous_waste("16 06 01*")
    assert not is_hazardous_waste("16 06 05")
    assert is_hazardous_waste("16 06 05", ["HP14"])


# --- the default code: one case per row of the table -----------------------------------------

NONE: tuple[str, ...] = ()
# (category, waste class, UN hazard classes, flags, expected code), in DEFAULT_CODES order.
DEFAULT_CASES = [
    ("11", "PHA", ("6.1",), {"cytotoxic": True}, "20 01 31*"),
    ("11", "PHA", ("6.1",), {}, "20 01 32"),
    ("12b", "AUT", NONE, {"contains_asbestos": True}, "16 01 11*"),
    ("12b", "AUT", ("9",), {}, "16 01 10*"),
    ("12b", "AUT", NONE, {}, "16 01 22"),
    ("12g", "BAT", ("8",), {}, "16 06 01*"),
    ("12g", "BAT", ("9",), {}, "16 06 05"),
    ("2a", "COS", ("3", "2.1"), {}, "16 05 04*"),
    ("12g", "OTH", ("2.2",), {}, "16 05 05"),
    ("6a", "ELE", ("9",), {}, "16 02 13*"),
    ("7e", "ELE", NONE, {}, "16 02 14"),
    ("5c", "WJ", ("9",), {}, "16 02 13*"),
    ("5c", "WJ", NONE, {}, "16 02 14"),
    ("3a", "APP", NONE, {}, "20 01 11"),
    ("12c", "PRT", NONE, {}, "20 01 01"),
    ("5d", "WJ", ("9",), {}, "16 03 03*"),
    ("5d", "WJ", NONE, {}, "16 03 04"),
    ("1b", "ALC", ("3",), {}, "16 03 05*"),
    ("4a", "FTW", NONE, {}, "16 03 06"),
]


def test_every_row_of_the_default_table_has_a_case():
    assert [case[-1] for case in DEFAULT_CASES] == [row.code for row in DEFAULT_CODES]
    assert all(lookup(row.code) is not None for row in DEFAULT_CODES)


@pytest.mark.parametrize(
    ("category", "waste_class", "hazards", "flags", "expected"),
    DEFAULT_CASES,
    ids=[f"{case[1]}-{case[-1]}" for case in DEFAULT_CASES],
)
def test_default_code_per_row(category, waste_class, hazards, flags, expected):
    assert (
        default_code(category=category, waste_class=waste_class, hazard_classes=hazards, **flags)
        == expected
    )


# --- intake ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_intake_stores_the_default_code_without_a_reason(warehouse_user, office):
    seizure = log_seizure(
        warehouse_user, office, lots=[lot_input(), lot_input(category="11", cytotoxic=True)]
    )
    stored = {lot.category: (lot.ewc_code, lot.ewc_reason) for lot in seizure.lots.all()}
    assert stored == {"3a": ("20 01 11", ""), "11": ("20 01 31*", "")}


@pytest.mark.django_db
def test_a_chosen_code_needs_a_reason_and_keeps_it(warehouse_user, office):
    with pytest.raises(ValidationError) as refused:
        log_seizure(warehouse_user, office, lots=[lot_input(ewc_code="160306")])
    assert "20 01 11" in refused.value.message_dict["lots[0].ewc_reason"][0]
    assert not Seizure.objects.exists()

    seizure = log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(ewc_code="160306", ewc_reason="Synthetic fibres, not textiles")],
    )
    lot = seizure.lots.get()
    assert (lot.ewc_code, lot.ewc_reason) == ("16 03 06", "Synthetic fibres, not textiles")


@pytest.mark.django_db
def test_intake_refuses_an_unknown_code_and_hp_property(warehouse_user, office):
    with pytest.raises(ValidationError) as refused:
        log_seizure(
            warehouse_user,
            office,
            lots=[lot_input(ewc_code="99 99 99", hp_properties=["HP16"], ewc_reason="x")],
        )
    errors = refused.value.message_dict
    assert "'99 99 99' is not a code" in errors["lots[0].ewc_code"][0]
    assert "HP16" in errors["lots[0].hp_properties"][0]


@pytest.mark.django_db
def test_an_hp_property_makes_a_non_hazardous_code_hazardous_waste(warehouse_user, office):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(hp_properties=["HP14", "HP3"])])
    lot = lot.lots.get()
    assert lot.hp_properties == ["HP3", "HP14"] and lot.ewc_code == "20 01 11"
    assert lot.hazardous_waste is True


@pytest.mark.django_db
def test_csv_intake_defaults_the_code_and_reads_a_given_one(example_reference_data, warehouse_user):
    rows = rows_of_example()
    for row in rows:
        row.update(ewc_code="", ewc_reason="", hp_properties="")
    rows[0].update(ewc_code="160304", ewc_reason="Metal parts", hp_properties="hp14")
    services.import_seizures(content=to_csv(rows), actor=warehouse_user)
    lots = list(Lot.objects.order_by("pk"))
    assert (lots[0].ewc_code, lots[0].ewc_reason, lots[0].hp_properties) == (
        "16 03 04",
        "Metal parts",
        ["HP14"],
    )
    for lot in lots[1:]:
        assert lot.ewc_code == default_code(
            category=lot.category,
            waste_class=lot.waste_class,
            hazard_classes=lot.hazard_classes,
            cytotoxic=lot.cytotoxic,
            contains_asbestos=lot.contains_asbestos,
        )
        assert lot.ewc_reason == ""


@pytest.mark.django_db
def test_csv_intake_reports_an_unknown_code_on_its_row(example_reference_data, warehouse_user):
    rows = rows_of_example()
    for row in rows:
        row.update(ewc_code="", ewc_reason="")
    rows[2]["ewc_code"] = "12 34 56"
    rows[3].update(ewc_code="16 03 04")
    with pytest.raises(IntakeRejected) as refused:
        services.import_seizures(content=to_csv(rows), actor=warehouse_user)
    assert [(e.line, e.field) for e in refused.value.rows] == [(4, "ewc_code"), (5, "ewc_reason")]
    assert "'12 34 56' is not a code of the EU List of Waste" in refused.value.rows[0].message
    assert not Lot.objects.exists()


# --- API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_intake_refuses_an_unknown_code_with_a_field_error(api, warehouse_user, office):
    payload = seizure_payload(office)
    payload["lots"][0]["ewc_code"] = "99 99 99"
    response = api(warehouse_user).post("/api/v1/seizures/", payload, format="json")
    assert response.status_code == 400
    assert (
        "is not a code of the EU List of Waste"
        in (response.json()["errors"]["lots"]["0"]["ewc_code"][0])
    )
    assert not Seizure.objects.exists()


@pytest.mark.django_db
def test_api_intake_writes_and_the_lot_api_reads_code_description_and_hazard(
    api, warehouse_user, office
):
    payload = seizure_payload(office)
    payload["lots"][0].update(ewc_code="160305", ewc_reason="Dyed with azo dyes")
    response = api(warehouse_user).post("/api/v1/seizures/", payload, format="json")
    assert response.status_code == 201, response.json()
    shirts, perfume = response.json()["lots"]
    assert shirts["ewc_code"] == "16 03 05*" and shirts["ewc_reason"] == "Dyed with azo dyes"
    assert shirts["hazardous_waste"] is True
    assert perfume["ewc_code"] == "16 05 04*" and perfume["ewc_chapter"] == "16"
    detail = api(warehouse_user).get(f"/api/v1/lots/{shirts['id']}/").json()
    assert detail["ewc_description"] == "Organic wastes containing hazardous substances"
    assert Lot.objects.get(pk=shirts["id"]).ewc_code == "16 03 05*"


@pytest.mark.django_db
def test_lot_filters_by_code_chapter_and_hazardous_waste(api, auditor_user):
    shirts = LotFactory(category="3a")
    battery = LotFactory(category="12g", waste_class="BAT", hazard_classes=["8"])
    flagged = LotFactory(category="4a", hp_properties=["HP6"])
    client = api(auditor_user)

    def found(query: str) -> set[int]:
        response = client.get(f"/api/v1/lots/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert (shirts.ewc_code, battery.ewc_code, flagged.ewc_code) == (
        "20 01 11",
        "16 06 01*",
        "16 03 06",
    )
    assert found("ewc_code=160601") == {battery.pk}
    assert found("ewc_code=20%2001%2011") == {shirts.pk}
    assert found("ewc_chapter=16") == {battery.pk, flagged.pk}
    assert found("hazardous_waste=true") == {battery.pk, flagged.pk}
    assert found("hazardous_waste=false") == {shirts.pk}
    assert client.get("/api/v1/lots/?ewc_code=99").status_code == 400
    assert client.get("/api/v1/lots/?ewc_chapter=99").status_code == 400


@pytest.mark.django_db
def test_lot_page_shows_code_description_and_hazard(client, warehouse_user):
    lot = LotFactory(category="12g", waste_class="BAT", hazard_classes=["8"])
    client.force_login(warehouse_user)
    page = client.get(f"/lots/{lot.pk}/").content.decode()
    assert "16 06 01* Lead batteries" in page and "hazardous waste" in page
    listed = client.get("/lots/?hazardous_waste=true").content.decode()
    assert lot.reference in listed


# --- reclassification --------------------------------------------------------------------------


@pytest.mark.django_db
def test_reclassify_takes_an_ewc_code_with_its_reason(warehouse_user, office):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(category="9a")]).lots.get()
    assert lot.ewc_code == "16 03 06"
    lot = services.reclassify_lot(
        lot=lot,
        actor=warehouse_user,
        waste_class="TOY",
        hazard_classes=[],
        ewc_code="160604",
        reason="Alkaline button cells only",
    )
    stored = Lot.objects.get(pk=lot.pk)
    assert (stored.ewc_code, stored.ewc_reason) == ("16 06 04", "Alkaline button cells only")
    event = stored.custody_events.order_by("sequence").last()
    assert event.details["before"]["ewc_code"] == "16 03 06"
    assert event.details["after"]["ewc_code"] == "16 06 04"

    with pytest.raises(ValidationError) as refused:
        services.reclassify_lot(
            lot=lot, actor=warehouse_user, waste_class="TOY", hazard_classes=[],
            ewc_code="00 00 00", reason="typo",
        )  # fmt: skip
    assert "ewc_code" in refused.value.message_dict


@pytest.mark.django_db
def test_reclassify_without_a_code_takes_the_default_of_the_new_classification(
    warehouse_user, office
):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(category="9a")]).lots.get()
    lot = services.reclassify_lot(
        lot=lot, actor=warehouse_user, waste_class="BAT", hazard_classes=["8"], reason="Lead-acid"
    )
    assert (lot.ewc_code, lot.ewc_reason) == ("16 06 01*", "")


@pytest.mark.django_db
def test_api_reclassify_refuses_an_unknown_code(api, warehouse_user):
    lot = LotFactory()
    response = api(warehouse_user).post(
        f"/api/v1/lots/{lot.pk}/reclassify/",
        {"waste_class": "APP", "ewc_code": "12 12 12", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "ewc_code" in response.json()["errors"]


@pytest.mark.django_db
def test_samples_keep_the_code_of_their_lot(warehouse_user, office):
    lot = log_seizure(
        warehouse_user, office, lots=[lot_input(ewc_code="160306", ewc_reason="Synthetic")]
    ).lots.get()
    sample = services.take_sample(
        lot=lot, articles=1, purpose="analysis", holder="Lab", actor=warehouse_user
    )
    assert (sample.ewc_code, sample.ewc_reason) == ("16 03 06", "Synthetic")


# --- the data migration ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_gives_existing_lots_their_default_code():
    medicines = LotFactory(category="11", cytotoxic=True, gross_weight_kg=Decimal("3"))
    shirts = LotFactory(category="3a")
    Lot.objects.update(ewc_code="")
    migration = importlib.import_module("seizures.migrations.0010_lot_ewc_code")
    migration.default_codes(django_apps, None)
    assert Lot.objects.get(pk=medicines.pk).ewc_code == "20 01 31*"
    assert Lot.objects.get(pk=shirts.pk).ewc_code == "20 01 11"


@pytest.mark.django_db
def test_the_lot_forms_propose_the_default_codes(client, warehouse_user):
    lot = LotFactory(category="3a")
    client.force_login(warehouse_user)
    intake = client.get("/seizures/new/").content.decode()
    assert '<datalist id="ewc-defaults">' in intake
    assert '<option value="16 06 01*">Lead batteries</option>' in intake
    assert 'list="ewc-defaults"' in intake
    page = client.get(f"/lots/{lot.pk}/").content.decode()
    assert "Default EWC code for this lot as classified now: 20 01 11." in page


@pytest.mark.django_db
def test_the_reclassify_page_stores_a_chosen_code(client, warehouse_user):
    lot = LotFactory(category="3a")
    client.force_login(warehouse_user)
    response = client.post(
        f"/lots/{lot.pk}/reclassify/",
        {
            "waste_class": "APP",
            "default_hazard_classes": "on",
            "ewc_code": "160306",
            "hp_properties": ["HP14"],
            "reason": "Synthetic fibres treated with biocides",
        },
        follow=True,
    )
    assert response.status_code == 200
    stored = Lot.objects.get(pk=lot.pk)
    assert (stored.ewc_code, stored.hp_properties) == ("16 03 06", ["HP14"])
    assert stored.ewc_reason == "Synthetic fibres treated with biocides"
    refused = client.post(
        f"/lots/{lot.pk}/reclassify/",
        {"waste_class": "APP", "ewc_code": "99", "reason": "typo"},
    )
    assert "is not a code of the EU List of Waste" in refused.content.decode()


def test_a_percent_sign_in_the_ewc_code_filter_is_a_400(api, auditor_user):
    response = api(auditor_user).get("/api/v1/lots/", {"ewc_code": "%"})
    assert response.status_code == 400 and "ewc_code" in response.json()["errors"]
