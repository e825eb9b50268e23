"""Photos of a lot's condition (issue 18 item 2, issue 17 item 3): taken with a recorded
condition or at intake, checked by content, stored through the storage API, their SHA-256 in the
custody event; shown on the lot page, listed by the API, served to the lot's office only (each
serving audited) and enclosed in the notice of detention within a size cap."""

import hashlib
import json
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from project.models import AuditEvent, Notification, NotificationKind
from project.roles import WAREHOUSE_STAFF
from seizures import services
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, Lot, LotPhoto
from seizures.reminders import notify_detentions
from tests.destruction.test_evidence import PNG, png_bytes
from tests.project.test_notifications import IMMEDIATE
from tests.scoping_world import user_in
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import CustomsOfficeFactory, RightHolderFactory
from tests.seizures.test_api import seizure_payload
from tests.seizures.test_pages import seizure_form

pytestmark = pytest.mark.django_db
Kind = CustodyEvent.Kind
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
# A JPEG that is also a web page: refused whatever its first bytes say.
POLYGLOT = b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>"
PDF = b"%PDF-1.4\n%%EOF\n"


def photo(name: str = "leak.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.fixture
def shirts(warehouse_user, office, general_bay):
    return log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)]).lots.get()


@pytest.fixture
def photographed(warehouse_user, shirts):
    services.record_lot_condition(
        lot=shirts,
        damaged=True,
        note="Dye leaking",
        actor=warehouse_user,
        photos=[photo("front.png"), photo("side.jpg", JPEG)],
    )
    return shirts


# --- the service -----------------------------------------------------------------------------


def test_photos_are_stored_with_their_hash_in_the_custody_event(photographed):
    event = photographed.custody_events.get(kind=Kind.CONDITION_RECORDED)
    photos = list(photographed.photos.order_by("pk"))

    assert event.details["photos"] == [
        {"name": "front.png", "size": len(PNG), "sha256": hashlib.sha256(PNG).hexdigest()},
        {"name": "side.jpg", "size": len(JPEG), "sha256": hashlib.sha256(JPEG).hexdigest()},
    ]
    assert [(p.content_type, p.event_id) for p in photos] == [
        ("image/png", event.pk),
        ("image/jpeg", event.pk),
    ]
    with photos[0].file.open("rb") as stored:
        assert stored.read() == PNG
    ref = photographed.reference
    assert photos[1].file.name.startswith(f"lot-photos/{ref}/{ref}-")
    assert photos[1].file.name.endswith("-side.jpg")
    assert verify_chains([photographed.pk]) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", PDF, "report.pdf: not a JPEG, PNG or WebP file."),
        ("leak.jpg", POLYGLOT, "leak.jpg: the file also holds web page markup; it is refused."),
        ("empty.png", b"", "empty.png: the file is empty."),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_changes(
    warehouse_user, shirts, settings, name, content, message
):
    with pytest.raises(ValidationError) as refused:
        services.record_lot_condition(
            lot=shirts,
            damaged=True,
            note="Leaking",
            actor=warehouse_user,
            photos=[photo("ok.png"), SimpleUploadedFile(name, content)],
        )

    assert refused.value.message_dict == {"photos": [message]}
    assert Lot.objects.get(pk=shirts.pk).damaged is False
    assert not shirts.custody_events.filter(kind=Kind.CONDITION_RECORDED).exists()
    assert not LotPhoto.objects.exists() and stored_files(settings) == []


def test_a_refused_condition_leaves_no_photo_on_disk(warehouse_user, shirts, settings):
    """The photos are written inside the transaction: when it rolls back, so do the files."""
    services.record_lot_condition(lot=shirts, damaged=True, note="Leaking", actor=warehouse_user)
    with pytest.raises(ValidationError):
        # Already damaged: refused after the checks, inside the transaction.
        services.record_lot_condition(
            lot=shirts, damaged=True, note="Again", actor=warehouse_user, photos=[photo()]
        )
    assert not LotPhoto.objects.exists() and stored_files(settings) == []


def test_a_store_that_cannot_be_written_is_a_field_error(
    warehouse_user, shirts, settings, monkeypatch
):
    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full_disk)
    with pytest.raises(ValidationError) as refused:
        services.record_lot_condition(
            lot=shirts, damaged=True, note="Leaking", actor=warehouse_user, photos=[photo()]
        )
    assert "cannot be written" in refused.value.message_dict["photos"][0]
    assert Lot.objects.get(pk=shirts.pk).damaged is False


def test_photos_are_append_only(photographed):
    stored = photographed.photos.first()
    with pytest.raises(PermissionError):
        stored.save()
    with pytest.raises(PermissionError):
        stored.delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_trigger_refuses_raw_update_and_delete_of_photos(postgresql, photographed):
    for sql in (
        "UPDATE seizures_lotphoto SET sha256 = 'rewritten'",
        "DELETE FROM seizures_lotphoto",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert LotPhoto.objects.count() == 2


# --- the API ---------------------------------------------------------------------------------


def test_api_records_the_condition_with_photos_and_lists_them(api, warehouse_user, shirts):
    client = api(warehouse_user)
    response = client.post(
        f"/api/v1/lots/{shirts.pk}/condition/",
        {"damaged": "true", "note": "Swollen cells", "photos": [photo("a.png"), photo("b.png")]},
        format="multipart",
    )

    assert response.status_code == 200, response.json()
    listed = response.json()["photos"]
    assert [(p["original_name"], p["sha256"]) for p in listed] == [
        ("a.png", hashlib.sha256(PNG).hexdigest()),
        ("b.png", hashlib.sha256(PNG).hexdigest()),
    ]
    detail = client.get(f"/api/v1/lots/{shirts.pk}/").json()
    assert detail["photos"] == listed
    download = client.get(listed[0]["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG
    downloads = AuditEvent.objects.filter(
        action=AuditEvent.Action.DOWNLOADED, object_type="seizures.lotphoto"
    )
    assert list(downloads.values_list("object_id", "changes")) == [
        (str(listed[0]["id"]), {"file": [None, "a.png"]})
    ]


def test_api_condition_without_photos_still_takes_json(api, warehouse_user, shirts):
    response = api(warehouse_user).post(
        f"/api/v1/lots/{shirts.pk}/condition/", {"damaged": True, "note": "Wet"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["photos"] == []


def test_api_refuses_a_bad_photo_with_400_and_stores_nothing(api, warehouse_user, shirts, settings):
    response = api(warehouse_user).post(
        f"/api/v1/lots/{shirts.pk}/condition/",
        {"damaged": "true", "note": "Wet", "photos": [photo("x.png", PDF)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"photos": ["x.png: not a JPEG, PNG or WebP file."]}
    assert Lot.objects.get(pk=shirts.pk).damaged is False
    assert stored_files(settings) == []


def test_api_intake_takes_photos_per_lot_and_the_notice_encloses_them(
    api, warehouse_user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    holder = RightHolderFactory(name="Brand Owner SA", email="legal@brand.example")
    payload = seizure_payload(CustomsOfficeFactory(code="BRU"), right_holder=holder.pk)
    payload["lots"][1]["damaged"] = True
    second = png_bytes(3, 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(warehouse_user).post(
            "/api/v1/seizures/",
            {"seizure": json.dumps(payload), "lots[1].photos": [photo("bottles.png", second)]},
            format="multipart",
        )

    assert response.status_code == 201, response.json()
    lot = Lot.objects.get(reference=f"{response.json()['reference']}-02")
    created = lot.custody_events.get()
    assert created.details["photos"][0]["sha256"] == hashlib.sha256(second).hexdigest()
    assert lot.photos.get().event == created and lot.damaged is True
    [sent] = mail.outbox
    [(name, content, mimetype)] = sent.attachments
    assert name.startswith(lot.reference) and name.endswith("-bottles.png")
    assert (content, mimetype) == (second, "image/png")
    assert "Photos of the goods enclosed: 1" in sent.body


def test_api_intake_refuses_photos_for_a_lot_not_sent(api, warehouse_user):
    payload = seizure_payload(CustomsOfficeFactory(code="BRU"))
    response = api(warehouse_user).post(
        "/api/v1/seizures/",
        {"seizure": json.dumps(payload), "lots[5].photos": [photo()]},
        format="multipart",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"lots[5].photos"}
    assert not Lot.objects.exists()


def test_api_intake_names_the_lot_of_a_bad_photo(api, warehouse_user, settings):
    payload = seizure_payload(CustomsOfficeFactory(code="BRU"))
    response = api(warehouse_user).post(
        "/api/v1/seizures/",
        {"seizure": json.dumps(payload), "lots[0].photos": [photo("x.jpg", POLYGLOT)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lots[0].photos"]
    assert not Lot.objects.exists() and stored_files(settings) == []


def test_the_notice_leaves_out_photos_past_the_size_cap(warehouse_user, office, settings):
    settings.NOTIFICATION_ATTACHMENTS_MAX_BYTES = len(PNG) + 10
    seizure = log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(photos=[photo("one.png"), photo("two.png")])],
        right_holder=RightHolderFactory(email="legal@brand.example"),
    )
    notice = Notification.objects.get(kind=NotificationKind.DETENTION_NOTICE, email__gt="")

    [attached] = notice.attachments
    assert attached.endswith("-one.png")
    assert "Photos of the goods enclosed: 1" in notice.body
    assert "Further photos kept with the case (too large to send together): 1" in notice.body
    assert seizure.lots.get().photos.count() == 2


def test_notices_read_the_photos_of_any_number_of_cases_in_constant_queries(warehouse_user, office):
    def cases(count: int) -> list:
        return [
            # Addressees on both sides, so every notice is rendered (office, right holder).
            log_seizure(
                warehouse_user,
                office,
                lots=[lot_input(photos=[photo(), photo()])],
                right_holder=RightHolderFactory(email="legal@brand.example"),
                declarant_name="Declarant BV",
            )
            for _ in range(count)
        ]

    one, three = cases(1), cases(3)
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as few:
        notify_detentions(one)
    with CaptureQueriesContext(connection) as many:
        notify_detentions(three)
    assert len(few) == len(many)


# --- the pages -------------------------------------------------------------------------------


def test_lot_page_records_photos_and_shows_them(client, warehouse_user, shirts):
    client.force_login(warehouse_user)
    response = client.post(
        f"/lots/{shirts.pk}/condition/",
        {"damaged": "True", "note": "Leaking bottles", "photos": [photo("wet.png")]},
    )

    assert response.status_code == 302
    stored = shirts.photos.get()
    page = client.get(f"/lots/{shirts.pk}/").text
    assert f'<img src="/lots/{shirts.pk}/photos/{stored.pk}/"' in page
    # The custody history names the photo by its hash.
    assert f"photos: wet.png (SHA-256 {stored.sha256})" in page
    shown = client.get(f"/lots/{shirts.pk}/photos/{stored.pk}/")
    assert shown["Content-Disposition"].startswith("inline")
    assert b"".join(shown.streaming_content) == PNG
    downloaded = client.get(f"/lots/{shirts.pk}/photos/{stored.pk}/?download=1")
    assert downloaded["Content-Disposition"] == 'attachment; filename="wet.png"'
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.DOWNLOADED, object_id=str(stored.pk)
        ).count()
        == 2
    )


def test_lot_page_shows_a_bad_photo_on_its_field(client, warehouse_user, shirts, settings):
    client.force_login(warehouse_user)
    response = client.post(
        f"/lots/{shirts.pk}/condition/",
        {"damaged": "True", "note": "Leaking", "photos": [photo("scan.pdf", PDF)]},
    )

    assert response.status_code == 200
    assert response.context["condition_form"].errors["photos"] == [
        "scan.pdf: not a JPEG, PNG or WebP file."
    ]
    assert Lot.objects.get(pk=shirts.pk).damaged is False and stored_files(settings) == []


def test_intake_page_takes_photos_of_a_lot(client, warehouse_user, office):
    client.force_login(warehouse_user)
    data = seizure_form(office, **{"lots-1-damaged": "on", "lots-1-photos": [photo("wet.png")]})
    response = client.post("/seizures/new/", data)

    assert response.status_code == 302, response.context["formset"].errors
    perfume = Lot.objects.get(description="Perfume")
    assert perfume.photos.get().original_name == "wet.png"
    assert "photos" in perfume.custody_events.get().details


def test_intake_page_shows_a_bad_photo_on_its_lot(client, warehouse_user, office):
    client.force_login(warehouse_user)
    data = seizure_form(office, **{"lots-1-photos": [photo("x.png", PDF)]})
    response = client.post("/seizures/new/", data)

    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["photos"] == [
        "x.png: not a JPEG, PNG or WebP file."
    ]
    assert not Lot.objects.exists()


def test_another_offices_photo_answers_404(client, api, warehouse_user, photographed, office):
    stranger = user_in(WAREHOUSE_STAFF, "stranger", offices=[CustomsOfficeFactory(code="ANR")])
    stored = photographed.photos.first()
    client.force_login(stranger)
    assert client.get(f"/lots/{photographed.pk}/photos/{stored.pk}/").status_code == 404
    assert (
        api(stranger).get(f"/api/v1/lots/{photographed.pk}/photos/{stored.pk}/").status_code == 404
    )
    # Nor through another lot's id.
    assert client.get(f"/lots/{photographed.pk + 1}/photos/{stored.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOADED).exists()


def test_lot_page_and_api_detail_read_photos_in_constant_queries(
    client, api, warehouse_user, office, general_bay
):
    one, four = log_seizure(
        warehouse_user,
        office,
        lots=[
            lot_input(location=general_bay, photos=[photo()]),
            lot_input(location=general_bay, photos=[photo()] * 4),
        ],
    ).lots.order_by("reference")
    client.force_login(warehouse_user)
    reader = api(warehouse_user)
    # The session and the permissions, read once.
    client.get(f"/lots/{one.pk}/")
    reader.get(f"/api/v1/lots/{one.pk}/")

    def queries(lot: Lot) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/lots/{lot.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as detail:
            assert len(reader.get(f"/api/v1/lots/{lot.pk}/").json()["photos"]) > 0
        return len(page), len(detail)

    assert queries(one) == queries(four)
