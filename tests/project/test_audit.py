"""The audit trail: who changed which record, when, from where, with the values before and after;
sign-ins, tokens and downloads; append-only; the log page, the history tab and the API."""

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from destruction.certificates.services import issue_certificate
from project import audit
from project.models import AuditEvent
from project.roles import ENVIRONMENTAL_AUDITOR
from seizures.models import Holiday, RightHolder
from seizures.services import import_seizures
from tests.destruction.certificate_factories import executed_order
from tests.factories import PASSWORD, UserFactory
from tests.seizures.factories import CustomsOfficeFactory, RightHolderFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def events_of(obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("id")
    )


def test_a_reference_data_edit_through_the_api_is_audited_with_before_after_and_origin(
    api, admin_user
):
    holder = RightHolderFactory(name="Acme", contact_name="Old Contact")

    response = api(admin_user).patch(
        f"/api/v1/right-holders/{holder.pk}/",
        {"contact_name": "New Contact"},
        format="json",
        HTTP_USER_AGENT="pytest-agent/1.0",
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 200
    event = events_of(holder)[-1]
    assert event.action == Action.CHANGED
    assert event.actor == admin_user
    assert event.actor_name == admin_user.username
    assert event.changes == {"contact_name": ["Old Contact", "New Contact"]}
    assert event.ip == "203.0.113.9"
    assert event.user_agent == "pytest-agent/1.0"
    assert event.path == f"/api/v1/right-holders/{holder.pk}/"


def test_creating_and_deleting_a_holiday_through_the_api_is_audited(api, admin_user):
    created = api(admin_user).post(
        "/api/v1/holidays/", {"date": "2026-12-26", "name": "Boxing Day"}, format="json"
    )
    holiday = Holiday.objects.get(pk=created.json()["id"])
    api(admin_user).delete(f"/api/v1/holidays/{holiday.pk}/")

    created_event, deleted_event = events_of(holiday)
    assert created_event.action == Action.CREATED
    assert created_event.changes["date"] == [None, "2026-12-26"]
    assert deleted_event.action == Action.DELETED
    assert deleted_event.changes["name"] == ["Boxing Day", None]
    assert deleted_event.actor == admin_user


def test_a_login_and_a_failed_login_are_audited(client):
    user = UserFactory(username="lena")

    client.post("/login/", {"username": "lena", "password": "wrong"}, REMOTE_ADDR="198.51.100.7")
    client.post("/login/", {"username": "lena", "password": PASSWORD})
    client.post("/logout/")

    failed = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert failed.object_repr == "lena"
    assert failed.ip == "198.51.100.7"
    assert failed.path == "/login/"
    assert "wrong" not in str(failed.changes)
    login = AuditEvent.objects.get(action=Action.LOGIN)
    assert login.actor == user
    assert login.object_id == str(user.pk)
    assert AuditEvent.objects.filter(action=Action.LOGOUT, actor=user).exists()


def test_token_issue_and_revoke_are_audited_without_the_key(api):
    user = UserFactory(username="integration")

    response = api().post(
        "/api/v1/auth/token/", {"username": "integration", "password": PASSWORD}, format="json"
    )
    key = response.json()["token"]
    revoked = api().delete("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {key}")
    assert revoked.status_code == 204

    issued = AuditEvent.objects.get(action=Action.TOKEN_ISSUED)
    assert issued.actor == user
    assert issued.object_id == str(user.pk)
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKED).exists()
    assert not AuditEvent.objects.filter(object_id=key).exists()
    assert all(key not in str(e.changes) for e in AuditEvent.objects.all())


def test_a_users_groups_and_password_changes_are_audited_without_the_password(db):
    user = UserFactory(username="gina")
    group = Group.objects.get(name=ENVIRONMENTAL_AUDITOR)

    user.groups.add(group)
    user.set_password("another-secret-42")
    user.save()

    groups_event, password_event = [e for e in events_of(user) if e.action == Action.CHANGED][-2:]
    assert groups_event.changes == {"groups": [[], [ENVIRONMENTAL_AUDITOR]]}
    before, after = password_event.changes["password"]
    assert before != after
    assert after.startswith("sha256:")
    assert user.password not in str(password_event.changes)


def test_csv_intake_audits_every_seizure_and_lot(admin_user):
    office = CustomsOfficeFactory(code="AUD")
    RightHolderFactory(name="Audit Brands", small_consignment_opt_in=True)
    header = (
        "seizure_key,office,detained_on,transport_mode,provenance_country,ipr_type,"
        "customs_procedure,action_type,legal_route,right_holder,category,description,articles,"
        "gross_weight_kg"
    )
    row = (
        "{key},AUD,2026-01-05,postal,CN,eu_trade_mark,free_circulation,on_application,small_consignment,"
        "Audit Brands,3a,Watch,1,0.3"
    )
    content = "\n".join([header, row.format(key="A"), row.format(key="B")])

    seizures = import_seizures(content=content, actor=admin_user).seizures.all()

    assert office.pk
    for seizure in seizures:
        (event,) = events_of(seizure)
        assert event.action == Action.CREATED
        assert event.actor == admin_user
        assert event.changes["reference"] == [None, seizure.reference]
        (lot_event,) = events_of(seizure.lots.get())
        assert lot_event.action == Action.CREATED


def test_an_order_transition_by_guarded_update_is_audited(admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)

    event = [e for e in events_of(certificate.order) if e.action == Action.CHANGED][-1]

    assert event.changes["status"] == ["executed", "certified"]


def test_certificate_and_evidence_downloads_are_audited(client, admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    client.force_login(admin_user)

    response = client.get(f"/certificates/{certificate.number}/pdf/")

    assert response.status_code == 200
    download = AuditEvent.objects.get(action=Action.DOWNLOADED)
    assert download.object_type == "destruction.certificate"
    assert download.actor == admin_user
    assert download.changes == {"file": [None, f"{certificate.number}.pdf"]}


def test_audit_events_are_append_only(db):
    event = audit.record(Action.LOGIN_FAILED, object_repr="someone")

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(actor_name="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().object_repr == "someone"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_trigger_refuses_raw_update_and_delete_of_audit_events(postgresql):
    audit.record(Action.LOGIN_FAILED, object_repr="someone")
    for sql in (
        "UPDATE project_auditevent SET actor_name = 'rewritten'",
        "DELETE FROM project_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get(object_repr="someone").actor_name == ""
    assert not AuditEvent.objects.filter(actor_name="rewritten").exists()


def test_the_api_filters_by_actor_type_id_and_dates(api, admin_user, auditor_user):
    holder = RightHolderFactory(name="Filtered")
    api(admin_user).patch(
        f"/api/v1/right-holders/{holder.pk}/", {"phone": "+32 2 000"}, format="json"
    )
    today = timezone.localdate().isoformat()

    response = api(auditor_user).get(
        "/api/v1/audit-events/",
        {
            "actor": admin_user.username,
            "object_type": "seizures.rightholder",
            "object_id": holder.pk,
            "occurred_after": today,
            "occurred_before": today,
        },
    )

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["changes"] == {"phone": ["", "+32 2 000"]}
    assert row["actor_name"] == admin_user.username


def test_the_api_refuses_bad_filters_and_warehouse_staff(api, auditor_user, warehouse_user):
    assert (
        api(auditor_user).get("/api/v1/audit-events/?occurred_after=yesterday").status_code == 400
    )
    assert api(auditor_user).get("/api/v1/audit-events/?object_type=nope").status_code == 400
    assert api(warehouse_user).get("/api/v1/audit-events/").status_code == 403
    assert api(auditor_user).post("/api/v1/audit-events/", {}).status_code in (403, 405)


def test_the_audit_api_and_page_run_constant_queries(api, client, auditor_user):
    def count(fetch) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert fetch().status_code == 200
        return len(captured)

    client.force_login(auditor_user)
    audit.record(Action.LOGIN_FAILED, object_repr="one")
    # The first requests load the session, permissions and content types.
    client.get("/audit/")
    api(auditor_user).get("/api/v1/audit-events/")
    one_api = count(lambda: api(auditor_user).get("/api/v1/audit-events/"))
    one_page = count(lambda: client.get("/audit/"))
    for n in range(30):
        RightHolder.objects.create(name=f"Holder {n}")

    assert count(lambda: api(auditor_user).get("/api/v1/audit-events/")) == one_api
    assert count(lambda: client.get("/audit/")) == one_page


def test_the_history_tab_of_a_seizure_lists_its_changes(client, api, admin_user, auditor_user):
    holder = RightHolderFactory(name="History Brands")
    api(admin_user).patch(
        f"/api/v1/right-holders/{holder.pk}/", {"contact_name": "Harriet"}, format="json"
    )
    client.force_login(auditor_user)

    page = client.get(f"/audit/seizures.rightholder/{holder.pk}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Harriet" in text
    assert admin_user.username in text


def test_the_audit_log_page_is_for_administrators_and_auditors(
    client, admin_user, auditor_user, warehouse_user
):
    for user, expected in ((admin_user, 200), (auditor_user, 200), (warehouse_user, 403)):
        client.force_login(user)
        assert client.get("/audit/").status_code == expected
    client.force_login(auditor_user)
    assert client.get("/audit/?occurred_after=not-a-date").status_code == 200


def test_record_pages_link_their_history_tab(client, admin_user, auditor_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    order = certificate.order
    lot = order.lines.get().lot
    client.force_login(auditor_user)

    for url, object_type, pk in (
        (f"/seizures/{lot.seizure_id}/", "seizures.seizure", lot.seizure_id),
        (f"/lots/{lot.pk}/", "seizures.lot", lot.pk),
        (f"/orders/{order.pk}/", "destruction.destructionorder", order.pk),
        (f"/certificates/{certificate.number}/", "destruction.certificate", certificate.pk),
        (f"/facilities/{order.facility_id}/", "destruction.facility", order.facility_id),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert f"/audit/{object_type}/{pk}/" in page.content.decode(), url
    history = client.get(f"/audit/destruction.destructionorder/{order.pk}/")
    assert "certified" in history.content.decode()
