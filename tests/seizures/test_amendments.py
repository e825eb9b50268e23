"""Amendments, not edits: legal facts and classification of goods that left storage change only
with a reason, kept before and after, on the custody chain, and certificates come back for
review."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from compliance.reviews.services import review_certificate, review_queue
from destruction.certificates.services import issue_certificate
from seizures.custody import verify_chains
from seizures.models import Amendment, CustodyEvent, Lot, LotStatus, Seizure
from seizures.services import amend_lot, amend_seizure
from tests.destruction.certificate_factories import executed_order
from tests.seizures.factories import LotFactory, SeizureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(admin_user):
    return issue_certificate(order=executed_order(), actor=admin_user)


def posted(initial: dict) -> dict:
    """A form's initial values as a browser posts them (records by id, unticked boxes left out)."""
    return {
        name: getattr(value, "pk", value)
        for name, value in initial.items()
        if value not in (None, False)
    }


def seizure_of(certificate) -> Seizure:
    return Seizure.objects.get(lots__order_lines__order=certificate.order)


def test_patch_of_a_legal_fact_after_disposal_is_a_conflict_naming_the_amendment_endpoint(
    api, warehouse_user, certificate
):
    seizure = seizure_of(certificate)

    response = api(warehouse_user).patch(
        f"/api/v1/seizures/{seizure.pk}/",
        {"legal_route": "court", "court_reference": "X", "provenance_country": "US"},
        format="json",
    )

    assert response.status_code == 409
    assert f"/api/v1/seizures/{seizure.pk}/amend/" in response.json()["detail"]
    seizure.refresh_from_db()
    assert seizure.court_reference == ""
    assert seizure.provenance_country.code != "US"


def test_patch_of_other_case_data_after_disposal_still_works(api, warehouse_user, certificate):
    seizure = seizure_of(certificate)

    response = api(warehouse_user).patch(
        f"/api/v1/seizures/{seizure.pk}/", {"notes": "Shelf photo added"}, format="json"
    )

    assert response.status_code == 200
    seizure.refresh_from_db()
    assert seizure.notes == "Shelf photo added"


def test_patch_of_a_legal_fact_while_goods_are_in_storage_is_an_edit(api, warehouse_user):
    lot = LotFactory()

    response = api(warehouse_user).patch(
        f"/api/v1/seizures/{lot.seizure_id}/", {"court_reference": "TC-7"}, format="json"
    )

    assert response.status_code == 200
    assert Seizure.objects.get(pk=lot.seizure_id).court_reference == "TC-7"


def test_the_edit_page_shows_the_conflict_and_keeps_the_form(client, warehouse_user, certificate):
    seizure = seizure_of(certificate)
    client.force_login(warehouse_user)
    page = client.get(f"/seizures/{seizure.pk}/edit/")
    data = posted(page.context["form"].initial)
    before = Seizure.objects.get(pk=seizure.pk).provenance_country.code
    data["provenance_country"] = "US" if before != "US" else "CN"

    response = client.post(f"/seizures/{seizure.pk}/edit/", data)

    assert response.status_code == 200
    assert response.context["form"].errors, response.context["form"].data
    assert "amend" in str(response.context["form"].errors)
    assert Seizure.objects.get(pk=seizure.pk).provenance_country.code == before


def test_amending_a_certified_seizure_keeps_before_after_event_and_flags_the_certificate(
    api, admin_user, auditor_user, certificate
):
    seizure = seizure_of(certificate)
    old_country = seizure.provenance_country.code
    review_certificate(certificate=certificate, decision="approved", actor=auditor_user)
    assert not review_queue().filter(pk=certificate.pk).exists()

    response = api(admin_user).post(
        f"/api/v1/seizures/{seizure.pk}/amend/",
        {
            "changes": {"court_reference": "TC-2026-17", "provenance_country": "US"},
            "reason": "Court order received after destruction",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    amendment = Amendment.objects.get()
    assert amendment.seizure == seizure
    assert amendment.actor == admin_user
    assert amendment.reason == "Court order received after destruction"
    assert amendment.before == {"court_reference": "", "provenance_country": old_country}
    assert amendment.after == {"court_reference": "TC-2026-17", "provenance_country": "US"}
    seizure.refresh_from_db()
    assert seizure.court_reference == "TC-2026-17"
    assert seizure.provenance_country.code == "US"
    lot = seizure.lots.get()
    event = lot.custody_events.order_by("-sequence").first()
    assert event.kind == CustodyEvent.Kind.AMENDED
    assert event.details["amendment"] == amendment.pk
    assert event.details["reason"] == "Court order received after destruction"
    assert event.details["after"]["court_reference"] == "TC-2026-17"
    assert verify_chains([lot.pk]) == []
    queued = review_queue().get(pk=certificate.pk)
    assert queued.amendment_reason == "Court order received after destruction"
    assert queued.amended_at == event.occurred_at


def test_an_amended_certificate_is_reviewed_again_then_leaves_the_queue(
    admin_user, auditor_user, certificate
):
    review_certificate(certificate=certificate, decision="approved", actor=auditor_user)
    amend_seizure(
        seizure=seizure_of(certificate),
        actor=admin_user,
        changes={"court_reference": "TC-1"},
        reason="Court reference was missing",
    )

    review_certificate(certificate=certificate, decision="approved", actor=auditor_user)

    assert not review_queue().filter(pk=certificate.pk).exists()
    assert certificate.reviews.count() == 2


def test_an_amendment_needs_a_reason_and_a_real_change(admin_user, certificate):
    seizure = seizure_of(certificate)

    with pytest.raises(Exception, match="reason") as no_reason:
        amend_seizure(
            seizure=seizure, actor=admin_user, changes={"court_reference": "X"}, reason=" "
        )
    with pytest.raises(Exception, match="Nothing to change"):
        amend_seizure(
            seizure=seizure, actor=admin_user, changes={"court_reference": ""}, reason="typo"
        )

    assert "reason" in no_reason.value.message_dict
    assert not Amendment.objects.exists()


def test_amend_endpoint_refuses_fields_that_are_not_legal_facts(api, admin_user, certificate):
    seizure = seizure_of(certificate)

    response = api(admin_user).post(
        f"/api/v1/seizures/{seizure.pk}/amend/",
        {"changes": {"notes": "x"}, "reason": "because"},
        format="json",
    )

    assert response.status_code == 400
    assert "changes" in response.json()["errors"]


def test_warehouse_staff_may_not_amend(api, warehouse_user, certificate):
    seizure = seizure_of(certificate)

    response = api(warehouse_user).post(
        f"/api/v1/seizures/{seizure.pk}/amend/",
        {"changes": {"court_reference": "X"}, "reason": "because"},
        format="json",
    )

    assert response.status_code == 403
    assert not Amendment.objects.exists()


def test_reclassifying_a_destroyed_lot_names_the_lot_amendment_endpoint(
    api, warehouse_user, certificate
):
    lot = Lot.objects.get(order_lines__order=certificate.order)

    response = api(warehouse_user).post(
        f"/api/v1/lots/{lot.pk}/reclassify/",
        {"waste_class": "BAT", "reason": "batteries found"},
        format="json",
    )

    assert response.status_code == 409
    assert f"/api/v1/lots/{lot.pk}/amend/" in response.json()["detail"]


def test_amending_a_destroyed_lot_records_the_classification_change(api, admin_user, certificate):
    lot = Lot.objects.get(order_lines__order=certificate.order)
    old_waste_class = lot.waste_class

    response = api(admin_user).post(
        f"/api/v1/lots/{lot.pk}/amend/",
        {"changes": {"waste_class": "BAT", "hazard_classes": ["9"]}, "reason": "Lab report"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    lot.refresh_from_db()
    assert lot.waste_class == "BAT"
    assert lot.hazard_classes == ["9"]
    amendment = Amendment.objects.get()
    assert amendment.lot == lot
    assert amendment.before["waste_class"] == old_waste_class
    assert amendment.after == {"waste_class": "BAT", "hazard_classes": ["9"]}
    assert lot.custody_events.order_by("-sequence").first().kind == CustodyEvent.Kind.AMENDED
    assert review_queue().filter(pk=certificate.pk).exists()


def test_a_lot_in_storage_is_reclassified_not_amended(admin_user):
    lot = LotFactory(status=LotStatus.IN_STORAGE)

    with pytest.raises(Exception, match="reclassify"):
        amend_lot(lot=lot, actor=admin_user, changes={"high_risk": True}, reason="x")


def test_the_public_page_says_amended_after_issue(client, admin_user, certificate):
    before = client.get(f"/verify/{certificate.verification_code}/")
    amend_seizure(
        seizure=seizure_of(certificate),
        actor=admin_user,
        changes={"court_reference": "TC-9"},
        reason="Court reference added",
    )

    after = client.get(f"/verify/{certificate.verification_code}/")

    assert "amended after issue" not in before.content.decode()
    text = after.content.decode()
    assert "amended after issue" in text
    assert "Court reference added" not in text


def test_the_amendment_page_form_for_administrators(client, admin_user, certificate):
    seizure = seizure_of(certificate)
    client.force_login(admin_user)
    page = client.get(f"/seizures/{seizure.pk}/amend/")
    data = posted(page.context["form"].initial)

    response = client.post(
        f"/seizures/{seizure.pk}/amend/",
        {**data, "court_reference": "TC-44", "reason": "Judgment of 3 March"},
    )

    assert response.status_code == 302
    assert Amendment.objects.get().after == {"court_reference": "TC-44"}
    assert "Judgment of 3 March" in client.get(f"/seizures/{seizure.pk}/").content.decode()


@pytest.mark.parametrize(
    ("detained_on", "accepted"),
    [
        (datetime.date(1989, 12, 31), False),
        (datetime.date(1990, 1, 1), True),
        (datetime.date(1, 1, 1), False),
    ],
)
def test_detention_dates_outside_the_plausible_range_are_refused(
    api, warehouse_user, detained_on, accepted
):
    seizure = SeizureFactory(detained_on=datetime.date(2026, 1, 5))

    response = api(warehouse_user).patch(
        f"/api/v1/seizures/{seizure.pk}/", {"detained_on": detained_on.isoformat()}, format="json"
    )

    assert response.status_code == (200 if accepted else 400)
    if not accepted:
        assert "detained_on" in response.json()["errors"]


@pytest.mark.parametrize(("days_ahead", "accepted"), [(365, True), (366, False)])
def test_agreement_dates_more_than_a_year_ahead_are_refused(
    api, warehouse_user, days_ahead, accepted
):
    seizure = SeizureFactory()
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)

    response = api(warehouse_user).patch(
        f"/api/v1/seizures/{seizure.pk}/",
        {"right_holder_agreement_on": day.isoformat()},
        format="json",
    )

    assert response.status_code == (200 if accepted else 400)


def test_seizure_notes_are_capped(api, warehouse_user):
    seizure = SeizureFactory()

    response = api(warehouse_user).patch(
        f"/api/v1/seizures/{seizure.pk}/", {"notes": "x" * 200_000}, format="json"
    )

    assert response.status_code == 400
    assert "notes" in response.json()["errors"]


def test_amendments_are_append_only_in_the_database(admin_user, certificate):
    amend_seizure(
        seizure=seizure_of(certificate),
        actor=admin_user,
        changes={"court_reference": "TC-1"},
        reason="r",
    )
    amendment = Amendment.objects.get()

    with pytest.raises(PermissionError):
        amendment.save()
    with pytest.raises(PermissionError):
        Amendment.objects.all().delete()
    assert Amendment.objects.get().reason == "r"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_trigger_refuses_raw_update_and_delete_of_amendments(postgresql, admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    amend_seizure(
        seizure=seizure_of(certificate),
        actor=admin_user,
        changes={"court_reference": "TC-1"},
        reason="r",
    )
    for sql in (
        "UPDATE seizures_amendment SET reason = 'rewritten'",
        "DELETE FROM seizures_amendment",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert Amendment.objects.get().reason == "r"


def test_the_lot_page_amends_the_classification_of_a_destroyed_lot(client, admin_user, certificate):
    lot = Lot.objects.get(order_lines__order=certificate.order)
    client.force_login(admin_user)
    assert 'data-testid="amend"' in client.get(f"/lots/{lot.pk}/").content.decode()

    response = client.post(
        f"/lots/{lot.pk}/amend/",
        {
            "waste_class": lot.waste_class,
            "hazard_classes": lot.hazard_classes,
            "high_risk": "on",
            "reason": "Flagged high-risk by the lab after destruction",
        },
    )

    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.lot == lot
    assert amendment.before == {"high_risk": False}
    assert amendment.after == {"high_risk": True}


def test_warehouse_staff_see_no_amendment_form(client, warehouse_user, certificate):
    lot = Lot.objects.get(order_lines__order=certificate.order)
    client.force_login(warehouse_user)

    assert 'data-testid="amend"' not in client.get(f"/lots/{lot.pk}/").content.decode()
    assert client.post(f"/lots/{lot.pk}/amend/", {"reason": "x"}).status_code == 403


def test_the_court_page_refuses_a_legal_fact_edit_after_disposal_as_a_form_error(
    client, warehouse_user, certificate
):
    seizure = seizure_of(certificate)
    client.force_login(warehouse_user)
    page = client.get(f"/seizures/{seizure.pk}/court/")
    data = posted(page.context["form"].initial)
    data["court_reference"] = "Court 12"

    response = client.post(f"/seizures/{seizure.pk}/court/", data)

    assert response.status_code == 200
    assert "amend" in str(response.context["form"].non_field_errors())
    assert Seizure.objects.get(pk=seizure.pk).court_reference == ""
