"""Bulk intake for real days: files as Excel writes them (semicolons, Windows-1252, a BOM),
duplicates flagged for confirmation, a repeated submission imported once, and the result page
of each file with its batch actions."""

import codecs
import csv
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from project.roles import WAREHOUSE_STAFF
from seizures import services
from seizures.intake import IntakeDuplicates, IntakeRejected
from seizures.models import CustodyEvent, CustomsOffice, IntakeBatch, Lot, Seizure
from tests.scoping_world import user_in
from tests.seizures.factories import (
    CustomsOfficeFactory,
    SeizureFactory,
    StorageLocationFactory,
    WarehouseFactory,
)
from tests.seizures.test_intake import EXAMPLE, rows_of_example

pytestmark = pytest.mark.django_db

# The example's seven lots, in file order, with their seizures.
EXAMPLE_LOTS = [
    "LGG-2026-00001-01",
    "LGG-2026-00001-02",
    "LGG-2026-00002-01",
    "LGG-2026-00003-01",
    "LGG-2026-00004-01",
    "LGG-2026-00005-01",
    "LGG-2026-00005-02",
]


def as_excel(rows: list[dict], *, delimiter: str = ",", decimal_comma: bool = False) -> str:
    """The rows as a spreadsheet program saves them: its delimiter, its decimal separator."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        if decimal_comma:
            row = {**row, "gross_weight_kg": row["gross_weight_kg"].replace(".", ",")}
            row["retail_value"] = row["retail_value"].replace(".", ",")
        writer.writerow(row)
    return buffer.getvalue()


def upload(content: bytes, name: str = "parcels.csv") -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def imported_example(actor, **options) -> IntakeBatch:
    return services.import_seizures(content=EXAMPLE.read_bytes(), actor=actor, **options)


# --- reading files as they come ---------------------------------------------------------------


def test_a_semicolon_file_with_decimal_commas_imports_like_the_comma_file(
    example_reference_data, warehouse_user
):
    content = as_excel(rows_of_example(), delimiter=";", decimal_comma=True).encode()
    batch = services.import_seizures(content=content, actor=warehouse_user, file_name="be.csv")
    assert (batch.delimiter, batch.encoding, batch.delimiter_name) == (";", "utf-8", "semicolons")
    assert batch.seizures.count() == 5
    handbag = Lot.objects.get(reference="LGG-2026-00001-01")
    assert str(handbag.gross_weight_kg) == "1.200" and str(handbag.retail_value) == "1450.00"


def test_a_windows_1252_file_keeps_its_accents(example_reference_data, warehouse_user):
    content = as_excel(rows_of_example(), delimiter=";").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # the file really is not UTF-8
    batch = services.import_seizures(content=content, actor=warehouse_user)
    assert batch.encoding == "cp1252"
    first = Seizure.objects.get(reference="LGG-2026-00001")
    assert first.place_of_detention == "Liège Airport postal hub"
    assert first.right_holder.name == "Maison Lumière SA"
    assert Lot.objects.get(reference="LGG-2026-00001-01").brand == "Lumière"


def test_a_utf8_file_with_a_byte_order_mark_reads_its_first_column(
    example_reference_data, warehouse_user
):
    content = codecs.BOM_UTF8 + EXAMPLE.read_bytes()
    batch = services.import_seizures(content=content, actor=warehouse_user)
    assert batch.encoding == "utf-8-sig" and batch.seizures.count() == 5
    assert Seizure.objects.get(reference="LGG-2026-00003").place_of_detention.startswith("Liège")


def test_a_tab_separated_utf16_file_from_excel_unicode_text_imports(
    example_reference_data, warehouse_user
):
    content = as_excel(rows_of_example(), delimiter="\t").encode("utf-16")
    batch = services.import_seizures(content=content, actor=warehouse_user)
    assert (batch.encoding, batch.delimiter) == ("utf-16", "\t")
    assert batch.seizures.count() == 5


# --- duplicates -------------------------------------------------------------------------------


def test_the_same_file_twice_is_flagged_and_imported_again_only_when_confirmed(
    example_reference_data, warehouse_user, second_warehouse_user
):
    first = imported_example(warehouse_user, file_name="monday.csv")
    with pytest.raises(IntakeDuplicates) as flagged:
        imported_example(second_warehouse_user, file_name="monday-again.csv")
    rows = [(row.line, row.field) for row in flagged.value.rows]
    assert rows == [
        (1, "file"),
        (2, "consignment_number"),
        (4, "consignment_number"),
        (5, "consignment_number"),
        (6, "consignment_number"),
        (7, "consignment_number"),
    ]
    assert flagged.value.rows[0].message.startswith("This file was already imported on ")
    assert f"by warehouse (intake batch {first.pk})" in flagged.value.rows[0].message
    assert flagged.value.rows[1].message == (
        "Consignment number LX123456789CN is already recorded: seizure LGG-2026-00001."
    )
    assert Seizure.objects.count() == 5 and IntakeBatch.objects.count() == 1

    again = imported_example(second_warehouse_user, confirm_duplicates=True)
    assert again.duplicates_confirmed is True and again.checksum == first.checksum
    assert Seizure.objects.count() == 10 and again.seizures.count() == 5


def test_a_row_whose_consignment_number_exists_is_flagged(example_reference_data, warehouse_user):
    SeizureFactory(
        office=example_reference_data, consignment_number="EX55012934HK", reference="LGG-X"
    )
    with pytest.raises(IntakeDuplicates) as flagged:
        imported_example(warehouse_user)
    assert [error.as_dict() for error in flagged.value.rows] == [
        {
            "line": 4,
            "field": "consignment_number",
            "message": "Consignment number EX55012934HK is already recorded: seizure LGG-X.",
        }
    ]
    assert Seizure.objects.count() == 1 and not IntakeBatch.objects.exists()


def test_two_seizures_of_one_file_with_one_consignment_number_are_flagged(
    example_reference_data, warehouse_user
):
    rows = rows_of_example()
    rows[3]["consignment_number"] = rows[0]["consignment_number"]
    with pytest.raises(IntakeDuplicates) as flagged:
        services.import_seizures(content=as_excel(rows), actor=warehouse_user)
    assert [(e.line, e.message) for e in flagged.value.rows] == [
        (5, "Consignment number LX123456789CN is also on line 2, another seizure of this file.")
    ]


def test_row_errors_come_before_duplicates(example_reference_data, warehouse_user):
    imported_example(warehouse_user)
    rows = rows_of_example()
    rows[0]["articles"] = "many"
    rows[1]["articles"] = "many"
    with pytest.raises(ValidationError) as refused:
        services.import_seizures(content=as_excel(rows), actor=warehouse_user)
    assert not isinstance(refused.value, IntakeDuplicates)
    assert {(e.line, e.field) for e in refused.value.rows} == {(2, "articles"), (3, "articles")}


# --- idempotency ------------------------------------------------------------------------------


def test_a_repeated_submission_with_the_same_key_answers_the_first_batch(
    example_reference_data, warehouse_user, second_warehouse_user
):
    first = imported_example(warehouse_user, idempotency_key="k-1")
    replay = imported_example(warehouse_user, idempotency_key="k-1")
    assert replay.pk == first.pk
    assert Seizure.objects.count() == 5 and CustodyEvent.objects.count() == 7
    # Keys are per user: another user's same key is another submission (here: a duplicate).
    with pytest.raises(IntakeDuplicates):
        imported_example(second_warehouse_user, idempotency_key="k-1")
    other_file = as_excel(rows_of_example()[:1])
    with pytest.raises(ValidationError) as reused:
        services.import_seizures(content=other_file, actor=warehouse_user, idempotency_key="k-1")
    assert "already used for another file" in reused.value.message_dict["idempotency_key"][0]


# --- the page ---------------------------------------------------------------------------------


def test_the_import_page_imports_once_on_a_double_submit_and_shows_the_result(
    client, warehouse_user, example_reference_data
):
    client.force_login(warehouse_user)
    form = client.get("/seizures/import/")
    token = form.context["form"].initial["idempotency_key"]
    assert f'name="idempotency_key" value="{token}"' in form.text
    first = client.post(
        "/seizures/import/", {"file": upload(EXAMPLE.read_bytes()), "idempotency_key": token}
    )
    second = client.post(
        "/seizures/import/", {"file": upload(EXAMPLE.read_bytes()), "idempotency_key": token}
    )
    batch = IntakeBatch.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/seizures/imports/{batch.pk}/"
    assert Seizure.objects.count() == 5

    result = client.get(first.url)
    assert result.status_code == 200
    assert [s.reference for s in result.context["batch"].seizures.all()] == [
        f"LGG-2026-0000{n}" for n in range(1, 6)
    ]
    assert [lot.reference for lot in result.context["lots"]] == EXAMPLE_LOTS
    assert "parcels.csv" in result.text and "separated by commas" in result.text
    assert f"/seizures/imports/{batch.pk}/labels/" in result.text
    # Every lot of the example was placed at intake: nothing to place.
    assert "by proposal" not in result.text


def test_the_import_page_warns_of_duplicates_and_imports_on_confirmation(
    client, warehouse_user, example_reference_data
):
    imported_example(warehouse_user)
    client.force_login(warehouse_user)
    warned = client.post(
        "/seizures/import/", {"file": upload(EXAMPLE.read_bytes()), "idempotency_key": "t-2"}
    )
    assert warned.status_code == 200 and "Possible duplicates in parcels.csv" in warned.text
    assert [(e.line, e.field) for e in warned.context["duplicates"]][:2] == [
        (1, "file"),
        (2, "consignment_number"),
    ]
    assert "Import anyway" in warned.text and Seizure.objects.count() == 5
    # The confirmation does not ask for the file again.
    confirmed = client.post(
        "/seizures/import/", {"idempotency_key": "t-2", "confirm_duplicates": "on"}
    )
    batch = IntakeBatch.objects.latest("pk")
    assert confirmed.status_code == 302 and confirmed.url == batch.get_absolute_url()
    assert batch.duplicates_confirmed and batch.file_name == "parcels.csv"
    assert Seizure.objects.count() == 10
    # Without a file and without a warned-about one, the form asks for the file.
    empty = client.post("/seizures/import/", {"idempotency_key": "t-3"})
    assert empty.status_code == 200 and "Choose the CSV file to import." in empty.text


def test_the_result_page_prints_all_labels_of_the_batch_in_one_pdf(
    client, warehouse_user, auditor_user, example_reference_data
):
    batch = imported_example(warehouse_user)
    client.force_login(warehouse_user)
    response = client.get(f"/seizures/imports/{batch.pk}/labels/")
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="intake-{batch.pk}-labels.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1
    for reference in EXAMPLE_LOTS:
        assert reference in text
    client.force_login(auditor_user)  # may see the batch, not print labels
    assert client.get(batch.get_absolute_url()).status_code == 200
    assert client.get(f"/seizures/imports/{batch.pk}/labels/").status_code == 403


def test_the_result_page_runs_the_same_queries_for_one_seizure_and_for_many(
    client, warehouse_user, example_reference_data
):
    one = services.import_seizures(content=as_excel(rows_of_example()[:1]), actor=warehouse_user)
    rows = rows_of_example()
    for row in rows:
        row["consignment_number"] = ""
    many = services.import_seizures(content=as_excel(rows), actor=warehouse_user)
    client.force_login(warehouse_user)
    client.get(one.get_absolute_url())  # session and permission caches warmed

    def count(batch) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(batch.get_absolute_url()).status_code == 200
        return len(captured)

    assert many.seizures.count() == 5
    assert count(one) == count(many)


# --- the API ----------------------------------------------------------------------------------


def post_import(client, content: bytes, **data):
    headers = {}
    if "key" in data:
        headers["HTTP_IDEMPOTENCY_KEY"] = data.pop("key")
    return client.post(
        "/api/v1/seizures/import/", {"file": upload(content), **data}, format="multipart", **headers
    )


def test_the_api_answers_409_for_duplicates_and_imports_them_when_confirmed(
    api, warehouse_user, example_reference_data
):
    client = api(warehouse_user)
    created = post_import(client, EXAMPLE.read_bytes())
    assert created.status_code == 201
    body = created.json()
    batch = IntakeBatch.objects.get()
    assert body["batch"] == batch.pk and body["url"].endswith(f"/seizures/imports/{batch.pk}/")
    assert (body["seizures"], body["lots"], body["delimiter"]) == (5, 7, ",")

    conflict = post_import(client, EXAMPLE.read_bytes())
    assert conflict.status_code == 409
    assert conflict.json()["detail"].startswith("6 possible duplicate(s): nothing was imported.")
    rows = conflict.json()["errors"]["rows"]
    assert rows[0]["line"] == 1 and rows[0]["field"] == "file"
    assert {row["line"] for row in rows[1:]} == {2, 4, 5, 6, 7}
    assert Seizure.objects.count() == 5

    confirmed = post_import(client, EXAMPLE.read_bytes(), confirm_duplicates="true")
    assert confirmed.status_code == 201 and confirmed.json()["duplicates_confirmed"] is True
    assert Seizure.objects.count() == 10


def test_the_api_replays_a_request_with_the_same_idempotency_key(
    api, warehouse_user, example_reference_data
):
    client = api(warehouse_user)
    first = post_import(client, EXAMPLE.read_bytes(), key="retry-7")
    replay = post_import(client, EXAMPLE.read_bytes(), key="retry-7")
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert IntakeBatch.objects.count() == 1 and Seizure.objects.count() == 5
    other = post_import(client, as_excel(rows_of_example()[:1]).encode(), key="retry-7")
    assert other.status_code == 400 and "idempotency_key" in other.json()["errors"]
    too_long = post_import(client, EXAMPLE.read_bytes(), key="k" * 101)
    assert too_long.status_code == 400 and "idempotency_key" in too_long.json()["errors"]


def test_the_api_serves_the_batch_its_labels_and_places_its_lots(
    api, warehouse_user, auditor_user, example_reference_data
):
    rows = rows_of_example()
    for row in rows:
        row["location"] = ""
    batch = services.import_seizures(content=as_excel(rows), actor=warehouse_user)
    client = api(warehouse_user)
    detail = client.get(f"/api/v1/intake-batches/{batch.pk}/").json()
    assert detail["seizures"] == [f"LGG-2026-0000{n}" for n in range(1, 6)]
    assert detail["lots"] == EXAMPLE_LOTS and detail["created_by"] == "warehouse"

    pdf = client.get(f"/api/v1/intake-batches/{batch.pk}/labels/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert all(reference in text for reference in EXAMPLE_LOTS)

    assert api(auditor_user).post(f"/api/v1/intake-batches/{batch.pk}/place/").status_code == 403
    placed = client.post(f"/api/v1/intake-batches/{batch.pk}/place/")
    assert placed.status_code == 200
    assert {row["lot"]: row["location"] for row in placed.json()} == {
        "LGG-2026-00001-01": "LGG-W1-GEN-B01",
        "LGG-2026-00001-02": "LGG-W1-GEN-B01",
        "LGG-2026-00002-01": "LGG-W1-GEN-B01",
        "LGG-2026-00003-01": "LGG-W1-HZ-FL01",
        "LGG-2026-00004-01": "LGG-W1-FS-B01",
        "LGG-2026-00005-01": "LGG-W1-HZ-TX01",
        "LGG-2026-00005-02": "LGG-W1-HZ-TX01",
    }
    assert client.get("/api/v1/intake-batches/999/").status_code == 404


def test_the_batch_endpoints_run_the_same_queries_for_one_seizure_and_for_many(
    api, warehouse_user, example_reference_data
):
    one = services.import_seizures(content=as_excel(rows_of_example()[:1]), actor=warehouse_user)
    rows = rows_of_example()
    for row in rows:
        row["consignment_number"] = ""
    many = services.import_seizures(content=as_excel(rows), actor=warehouse_user)
    client = api(warehouse_user)
    client.get("/api/v1/intake-batches/")  # authentication and permission caches warmed

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert count(f"/api/v1/intake-batches/{one.pk}/") == count(f"/api/v1/intake-batches/{many.pk}/")
    listed = count("/api/v1/intake-batches/")
    services.import_seizures(content=as_excel(rows), actor=warehouse_user, confirm_duplicates=True)
    assert count("/api/v1/intake-batches/") == listed


# --- offices (seizures.scoping) ---------------------------------------------------------------


@pytest.fixture
def brussels():
    """A second office with its own location, and a member of its staff only."""
    office = CustomsOfficeFactory(code="BRU")
    StorageLocationFactory(code="BRU-W1-GEN-B01", warehouse=WarehouseFactory(office=office))
    return user_in(WAREHOUSE_STAFF, "staff-bru", offices=[office])


def nothing_imported() -> bool:
    return not (Seizure.objects.exists() or Lot.objects.exists() or IntakeBatch.objects.exists())


def test_the_api_refuses_a_file_for_an_office_the_importer_does_not_work_for(
    api, example_reference_data, brussels
):
    refused = post_import(api(brussels), EXAMPLE.read_bytes())
    assert refused.status_code == 400
    rows = refused.json()["errors"]["rows"]
    office_errors = {(row["line"], row["message"]) for row in rows if row["field"] == "office"}
    message = "Customs office LGG is not one of your offices: you cannot log its seizures."
    # The first line of each of the five seizures.
    assert office_errors == {(line, message) for line in (2, 4, 5, 6, 7)}
    # Its locations are LGG's: unknown to a Brussels user, as in the single intake.
    assert {row["message"] for row in rows if row["field"] == "location"} == {
        "Unknown location 'LGG-W1-GEN-B01'.",
        "Unknown location 'LGG-W1-HZ-FL01'.",
        "Unknown location 'LGG-W1-HZ-TX01'.",
        "Unknown location 'LGG-W1-FS-B01'.",
    }
    assert nothing_imported()


def test_one_row_of_another_office_refuses_the_whole_file(example_reference_data, brussels):
    staff = user_in(WAREHOUSE_STAFF, "staff-lgg", offices=[example_reference_data])
    rows = rows_of_example()
    for row in rows[:2]:  # seizure P1, two lines
        row["office"] = "BRU"
    rows[2]["location"] = "BRU-W1-GEN-B01"
    with pytest.raises(IntakeRejected) as refused:
        services.import_seizures(content=as_excel(rows), actor=staff)
    assert [(e.line, e.field, e.message) for e in refused.value.rows] == [
        (
            2,
            "office",
            "Customs office BRU is not one of your offices: you cannot log its seizures.",
        ),
        (4, "location", "Unknown location 'BRU-W1-GEN-B01'."),
    ]
    assert nothing_imported()


def test_the_import_page_refuses_another_office(client, example_reference_data, brussels):
    client.force_login(brussels)
    refused = client.post(
        "/seizures/import/", {"file": upload(EXAMPLE.read_bytes()), "idempotency_key": "t-1"}
    )
    assert refused.status_code == 200
    assert "Customs office LGG is not one of your offices" in refused.text
    assert nothing_imported()


def test_the_import_page_lists_only_batches_the_user_sees(client, example_reference_data, brussels):
    client.force_login(brussels)
    # A batch of theirs holding only another office's cases (their offices changed since) is
    # not listed: its page would answer 404.
    own, foreign = (
        IntakeBatch.objects.create(
            checksum=c * 64, encoding="utf-8", delimiter=",", created_by=brussels
        )
        for c in "ab"
    )
    own.seizures.add(SeizureFactory(office=CustomsOffice.objects.get(code="BRU")))
    foreign.seizures.add(SeizureFactory(office=example_reference_data))
    page = client.get("/seizures/import/")
    assert list(page.context["recent_batches"]) == [own]
    assert client.get(foreign.get_absolute_url()).status_code == 404


def test_duplicates_in_another_office_are_flagged_without_naming_its_records(
    example_reference_data, brussels
):
    bru_case = SeizureFactory(
        office=CustomsOffice.objects.get(code="BRU"),
        consignment_number="EX55012934HK",
        reference="BRU-SECRET",
    )
    earlier = IntakeBatch.objects.create(
        checksum=hashlib.sha256(EXAMPLE.read_bytes()).hexdigest(),
        encoding="utf-8",
        delimiter=",",
        created_by=brussels,
    )
    earlier.seizures.add(bru_case)
    staff = user_in(WAREHOUSE_STAFF, "staff-lgg", offices=[example_reference_data])
    with pytest.raises(IntakeDuplicates) as flagged:
        imported_example(staff)
    messages = [error.message for error in flagged.value.rows]
    assert messages[0].startswith("This file was already imported on ")
    assert messages[0].endswith(" by another office.")
    assert messages[1:] == [
        "Consignment number EX55012934HK is already recorded: a seizure of another office."
    ]
    assert "staff-bru" not in messages[0]
