"""One error shape for every API error (issue 14, item 5): `detail` and `errors` in each of 400
(malformed JSON too), 401, 403, 404, 405, 409, 415 and 429, also for paths no operation matches
(with DEBUG on as well); file endpoints serve their own media type when asked for it."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from destruction.certificates.api.views import VerifyThrottle
from destruction.certificates.services import issue_certificate
from destruction.models import OrderStatus
from seizures.models import Lot
from tests.destruction.certificate_factories import executed_order
from tests.destruction.conftest import build_order
from tests.seizures.factories import LotFactory, StorageLocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    return body


def test_representative_errors_of_every_kind_carry_detail_and_errors(
    api, admin_user, warehouse_user, auditor_user
):
    staff, auditor, anonymous = api(warehouse_user), api(auditor_user), api()
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.DRAFT)
    orders = "/api/v1/destruction-orders/"

    malformed = staff.post(orders, data='{"lines": [', content_type="application/json")
    assert_error_shape(malformed, 400)
    assert malformed.json()["errors"]["non_field_errors"][0].startswith("JSON parse error")
    field = assert_error_shape(staff.post(orders, {"lines": []}, format="json"), 400)
    assert "lines" in field["errors"]
    assert_error_shape(staff.get("/api/v1/lots/?detained_on_after=someday"), 400)
    assert_error_shape(anonymous.get("/api/v1/lots/"), 401)
    assert_error_shape(auditor.post(f"{orders}{order.pk}/submit/"), 403)
    assert_error_shape(staff.get(f"{orders}999999/"), 404)
    assert_error_shape(anonymous.get("/api/v1/auth/token/"), 405)
    dispatch = {"total_weight_kg": "10.000"}
    assert_error_shape(staff.post(f"{orders}{order.pk}/dispatch/", dispatch, format="json"), 409)
    unsupported = staff.post(
        "/api/v1/compliance/check/", data="waste_class=x", content_type="text/plain"
    )
    assert assert_error_shape(unsupported, 415)["errors"]["non_field_errors"]


def test_a_throttled_request_is_a_429_in_the_error_shape(api, monkeypatch):
    monkeypatch.setattr(VerifyThrottle, "rate", "1/minute", raising=False)
    client = api()
    client.get("/api/v1/verify/unknown-code/")

    assert_error_shape(client.get("/api/v1/verify/unknown-code/"), 429)


@pytest.mark.parametrize("debug", [False, True], ids=["debug off", "debug on"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/seizures/12/amend/"),
        ("get", "/api/v1/no-such-resource/"),
        ("delete", "/api/v2/lots/"),
        ("get", "/api/"),
    ],
)
def test_an_unmatched_api_path_is_a_json_404(api, warehouse_user, debug, method, path):
    with override_settings(DEBUG=debug):
        response = getattr(api(warehouse_user), method)(path)

    body = assert_error_shape(response, 404)
    assert body == {"detail": "Not found.", "errors": {}}


def test_a_missing_slash_is_still_redirected(api, warehouse_user):
    response = api(warehouse_user).get("/api/v1/lots")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/lots/"


def test_the_certificate_pdf_is_served_to_a_client_asking_for_a_pdf(api, admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    client = api(admin_user)

    pdf = client.get(
        f"/api/v1/certificates/{certificate.number}/pdf/", HTTP_ACCEPT="application/pdf"
    )
    missing = client.get("/api/v1/certificates/CD-2026-99999/pdf/", HTTP_ACCEPT="application/pdf")

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(certificate.pdf)
    assert_error_shape(missing, 404)


def test_labels_and_exports_are_served_for_their_own_media_type(api, admin_user):
    lot = LotFactory()
    location = StorageLocationFactory()
    client = api(admin_user)

    lot_labels = client.post(
        "/api/v1/lots/labels/", {"lots": [lot.pk]}, format="json", HTTP_ACCEPT="application/pdf"
    )
    location_labels = client.post(
        "/api/v1/locations/labels/",
        {"locations": [location.pk]},
        format="json",
        HTTP_ACCEPT="application/pdf",
    )
    export = client.get("/api/v1/lots/export/", HTTP_ACCEPT="text/csv")
    statistics = client.get(
        "/api/v1/statistics/2026/?format=xlsx",
        HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

    assert lot_labels.status_code == 200 and lot_labels["Content-Type"] == "application/pdf"
    assert lot_labels.content.startswith(b"%PDF")
    assert location_labels.status_code == 200, location_labels.content[:200]
    assert location_labels["Content-Type"] == "application/pdf"
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert lot.reference in b"".join(export.streaming_content).decode()
    assert statistics.status_code == 200
    assert statistics["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Lot.objects.count() == 1


def test_the_certificate_states_its_verification_code(api, auditor_user, admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)

    body = api(auditor_user).get(f"/api/v1/certificates/{certificate.number}/").json()

    assert body["verification_code"] == certificate.verification_code
    assert body["snapshot"]["verification_url"].endswith(f"/{certificate.verification_code}/")
