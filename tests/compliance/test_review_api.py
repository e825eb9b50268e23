import pytest

from compliance.models import CertificateReview
from destruction.certificates.services import issue_certificate
from destruction.models import DestructionOrder
from project.roles import ADMINISTRATOR
from tests.conftest import user_in_role
from tests.destruction.certificate_factories import (
    executed_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(admin_user):
    return issue_certificate(order=executed_order(), actor=admin_user)


def review_url(certificate) -> str:
    return f"/api/v1/certificates/{certificate.number}/review/"


def test_an_auditor_flags_a_certificate_through_the_api(api, auditor_user, certificate):
    response = api(auditor_user).post(
        review_url(certificate),
        {
            "decision": "flagged",
            "findings": [
                {"rule": "X-CE-03", "severity": "blocking", "message": "Permit lacks R3"},
                {"severity": "warning", "message": "Photo of the shredder is blurred"},
            ],
            "comment": "Revoke and re-issue with the right facility.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["certificate"] == certificate.number
    assert body["decision"] == "flagged"
    assert body["reviewer"] == auditor_user.get_full_name()
    review = CertificateReview.objects.get()
    assert review.reviewer == auditor_user
    assert [f["severity"] for f in review.findings] == ["blocking", "warning"]
    assert review.findings[1] == {
        "rule": "",
        "severity": "warning",
        "message": "Photo of the shredder is blurred",
    }


@pytest.mark.parametrize("role", ["warehouse_user", "roleless_user"])
def test_only_auditors_and_administrators_review(request, api, certificate, role):
    response = api(request.getfixturevalue(role)).post(
        review_url(certificate), {"decision": "approved"}, format="json"
    )

    assert response.status_code == 403
    assert not CertificateReview.objects.exists()


def test_the_issuer_is_refused_by_separation_of_duties(api, admin_user, certificate):
    response = api(admin_user).post(
        review_url(certificate), {"decision": "approved"}, format="json"
    )

    assert response.status_code == 403
    assert "separation of duties" in response.json()["detail"]
    assert not CertificateReview.objects.exists()


def test_an_administrator_who_took_no_part_may_review(api, certificate, admin_user):
    other_admin = user_in_role(ADMINISTRATOR, username="admin2")
    response = api(other_admin).post(
        review_url(certificate), {"decision": "approved"}, format="json"
    )

    assert response.status_code == 201


def test_the_preparer_of_the_order_is_refused(api, auditor_user, certificate):
    DestructionOrder.objects.filter(pk=certificate.order_id).update(prepared_by=auditor_user)

    response = api(auditor_user).post(
        review_url(certificate), {"decision": "approved"}, format="json"
    )

    assert response.status_code == 403


def test_malformed_reviews_give_400_with_field_errors(api, auditor_user, certificate):
    client = api(auditor_user)

    bad_decision = client.post(review_url(certificate), {"decision": "ok"}, format="json")
    bad_finding = client.post(
        review_url(certificate),
        {"decision": "flagged", "findings": [{"rule": "X-CE-01", "severity": "fatal"}]},
        format="json",
    )
    no_finding = client.post(review_url(certificate), {"decision": "flagged"}, format="json")
    empty_finding = client.post(
        review_url(certificate),
        {"decision": "flagged", "findings": [{"severity": "info"}]},
        format="json",
    )

    assert bad_decision.status_code == 400
    assert "decision" in bad_decision.json()["errors"]
    assert bad_finding.status_code == 400
    assert "findings" in bad_finding.json()["errors"]
    assert no_finding.status_code == 400
    assert "findings" in no_finding.json()["errors"]
    assert empty_finding.status_code == 400
    assert "findings" in empty_finding.json()["errors"]
    assert not CertificateReview.objects.exists()


def test_a_second_review_gives_409(api, auditor_user, certificate):
    client = api(auditor_user)
    client.post(review_url(certificate), {"decision": "approved"}, format="json")

    again = client.post(review_url(certificate), {"decision": "approved"}, format="json")

    assert again.status_code == 409
    assert CertificateReview.objects.count() == 1


def test_reviewing_an_unknown_certificate_is_404(api, auditor_user):
    response = api(auditor_user).post(
        "/api/v1/certificates/CD-2026-99999/review/", {"decision": "approved"}, format="json"
    )

    assert response.status_code == 404


def test_the_review_queue_through_the_api_is_the_list_filtered_by_review(
    api, auditor_user, admin_user, certificate
):
    other = issue_certificate(order=executed_order(), actor=admin_user)
    api(auditor_user).post(review_url(other), {"decision": "approved"}, format="json")

    response = api(auditor_user).get("/api/v1/certificates/?status=valid&review=none")

    assert [row["number"] for row in response.json()["results"]] == [certificate.number]
