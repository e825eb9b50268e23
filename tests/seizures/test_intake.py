import csv
import io
from pathlib import Path

import pytest

from project.compliance import Finding, Severity
from seizures import services
from seizures.intake import IntakeRejected, read_intake
from seizures.models import CustodyEvent, Lot, Seizure

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "seizures" / "examples" / "small_consignments.csv"


def rows_of_example() -> list[dict]:
    return list(csv.DictReader(io.StringIO(EXAMPLE.read_text())))


def to_csv(rows: list[dict], fieldnames=None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames or list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def rejected(content) -> set[tuple[int, str]]:
    """(line, column) of every error the reading finds, refused at once or collected."""
    try:
        errors = read_intake(content).errors
    except IntakeRejected as error:
        errors = error.rows
    assert errors, "the file was accepted"
    return {(e.line, e.field) for e in errors}


def test_the_example_file_reads_into_five_seizures_with_defaults(example_reference_data):
    reading = read_intake(EXAMPLE.read_bytes())
    assert reading.errors == []
    plans = reading.plans
    assert [len(plan.lots) for plan in plans] == [2, 1, 1, 1, 2]
    perfume = plans[2].lots[0].data
    assert (perfume.waste_class, perfume.resolved_hazard_classes) == ("COS", ["3", "2.1"])
    assert plans[4].fields["right_holder"] is None and plans[0].fields["perishable"] is False


def test_missing_and_unknown_columns_are_reported_on_the_header(example_reference_data):
    rows = rows_of_example()
    for row in rows:
        del row["office"]
        row["colour"] = "red"
    assert rejected(to_csv(rows)) == {(1, "office"), (1, "colour")}


def test_rows_of_one_seizure_must_repeat_the_same_seizure_columns(example_reference_data):
    rows = rows_of_example()
    rows[1]["provenance_country"] = "TR"
    assert rejected(to_csv(rows)) == {(3, "provenance_country")}


def test_every_row_and_field_error_is_reported_together(example_reference_data):
    rows = rows_of_example()
    rows[0]["detained_on"] = "02/03/2026"
    rows[1]["detained_on"] = "02/03/2026"
    rows[2]["gross_weight_kg"] = "heavy"
    rows[3]["category"] = "99"
    rows[4]["hazard_classes"] = "9;42"
    rows[5]["right_holder"] = "Nobody Ltd"
    rows[6]["perishable"] = "perhaps"
    assert rejected(to_csv(rows)) == {
        (2, "detained_on"),
        (3, "detained_on"),
        (4, "gross_weight_kg"),
        (5, "category"),
        (6, "hazard_classes"),
        (7, "right_holder"),
        (8, "right_holder"),  # differs from line 7, the first line of the same seizure
        (8, "perishable"),
    }


def test_case_rules_are_reported_on_the_first_line_of_the_seizure(example_reference_data):
    rows = rows_of_example()
    for row in rows[:2]:
        row["transport_mode"] = "sea"  # Art. 26 is for postal and express consignments only
    assert rejected(to_csv(rows)) == {(2, "legal_route")}


def test_a_dash_means_no_hazard_classes_and_empty_files_are_refused(example_reference_data):
    rows = rows_of_example()[:1]
    rows[0]["hazard_classes"] = "-"
    rows[0]["category"] = "2a"
    rows[0]["location"] = ""
    assert read_intake(to_csv(rows)).plans[0].lots[0].data.resolved_hazard_classes == []
    assert rejected(to_csv(rows).splitlines()[0] + "\n") == {(2, "file")}
    # Neither UTF-8 nor Windows-1252 (0x81 is undefined there).
    assert rejected(b"\x81\x8d not text") == {(1, "file")}


def refuse_pharmaceuticals(placements, *, actor):
    """A placement hook that blocks every pharmaceutical lot (as PHA-S1 would)."""
    finding = Finding("PHA-S1", Severity.BLOCKING, "Locked store only")
    return [[finding] if lot.waste_class == "PHA" else [] for lot, _ in placements]


def nothing_imported() -> bool:
    return not (Seizure.objects.exists() or Lot.objects.exists() or CustodyEvent.objects.exists())


def import_errors(content, user) -> list[tuple[int, str, str]]:
    with pytest.raises(IntakeRejected) as error:
        services.import_seizures(content=content, actor=user)
    return [(e.line, e.field, e.message) for e in error.value.rows]


def test_a_placement_hook_refusal_is_reported_on_the_line_of_the_lot(
    example_reference_data, warehouse_user, settings
):
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_intake.refuse_pharmaceuticals"
    errors = import_errors(EXAMPLE.read_bytes(), warehouse_user)
    assert errors == [(7, "location", "PHA-S1: Locked store only")]
    assert nothing_imported()


def test_intake_refuses_a_placement_the_storage_rules_forbid(
    example_reference_data, warehouse_user
):
    rows = rows_of_example()
    rows[3]["location"] = "LGG-W1-GEN-B01"  # perfume (classes 3, 2.1) in a non-hazardous bay
    errors = import_errors(to_csv(rows), warehouse_user)
    assert errors == [
        (
            5,
            "location",
            "X-CC-04: location LGG-W1-GEN-B01 does not accept hazard class 3, 2.1 of lot "
            "LGG-2026-00003-01 (it accepts: none)",
        )
    ]
    assert nothing_imported()


def test_row_case_storage_and_hook_errors_are_reported_together(
    example_reference_data, warehouse_user, settings
):
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_intake.refuse_pharmaceuticals"
    rows = rows_of_example()
    rows[0]["articles"] = "many"  # line 2: field error
    rows[2]["transport_mode"] = "sea"  # line 4: Art. 26 is for postal and express only
    rows[3]["location"] = "LGG-W1-GEN-B01"  # line 5: storage rule X-CC-04
    errors = import_errors(to_csv(rows), warehouse_user)
    assert [(line, name) for line, name, _ in errors] == [
        (2, "articles"),
        (4, "legal_route"),
        (5, "location"),
        (7, "location"),  # the hook still judges the seizures without errors
    ]
    assert "postal and express-courier consignments only" in errors[1][2]
    assert nothing_imported()


def test_a_field_too_large_for_the_csv_reader_is_a_file_error(
    example_reference_data, warehouse_user
):
    rows = rows_of_example()
    rows[1]["description"] = "A" * 200_000
    errors = import_errors(to_csv(rows), warehouse_user)
    assert errors == [
        (3, "file", "Line 3 cannot be read as CSV: field larger than field limit (131072).")
    ]
    assert nothing_imported()


def test_intake_flag_columns_are_stored(example_reference_data, warehouse_user):
    rows = rows_of_example()
    rows[5].update(controlled_substances="yes", high_risk="1")
    rows[6].update(cytotoxic="TRUE", contains_asbestos="0")
    services.import_seizures(content=to_csv(rows), actor=warehouse_user)
    flags = ("controlled_substances", "cytotoxic", "contains_asbestos", "high_risk")
    stored = {
        lot.description: tuple(getattr(lot, name) for name in flags)
        for lot in Lot.objects.filter(seizure__consignment_number="LY443322110IN")
    }
    assert stored == {
        rows[5]["description"]: (True, False, False, True),
        rows[6]["description"]: (False, True, False, False),
    }
    assert not Lot.objects.exclude(seizure__consignment_number="LY443322110IN").filter(
        controlled_substances=True
    )


def test_intake_flag_columns_are_optional(example_reference_data, warehouse_user):
    rows = rows_of_example()
    flags = ["controlled_substances", "cytotoxic", "contains_asbestos", "high_risk"]
    for row in rows:
        for name in flags:
            del row[name]
    services.import_seizures(content=to_csv(rows), actor=warehouse_user)
    assert Lot.objects.count() == 7
    assert not Lot.objects.filter(contains_asbestos=True).exists()


def test_a_bad_intake_flag_is_a_row_error_and_nothing_is_created(
    example_reference_data, warehouse_user
):
    rows = rows_of_example()
    rows[1]["contains_asbestos"] = "maybe"
    rows[4]["controlled_substances"] = "perhaps"
    with pytest.raises(IntakeRejected) as refused:
        services.import_seizures(content=to_csv(rows), actor=warehouse_user)
    assert [(e.line, e.field, e.message) for e in refused.value.rows] == [
        (3, "contains_asbestos", "Use yes or no (true/false, 1/0), not 'maybe'."),
        (6, "controlled_substances", "Use yes or no (true/false, 1/0), not 'perhaps'."),
    ]
    assert not Seizure.objects.exists() and not Lot.objects.exists()
    assert not CustodyEvent.objects.exists()
