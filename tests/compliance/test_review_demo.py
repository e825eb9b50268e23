import io

import pytest

from compliance import demo
from compliance.models import CertificateReview
from destruction.models import Certificate
from tests.destruction.certificate_factories import (
    executed_order,
)

pytestmark = pytest.mark.django_db


def test_the_demo_certifies_reviews_revokes_and_reissues(warehouse_user, auditor_user, admin_user):
    for _ in range(3):
        executed_order(prepared_by=warehouse_user)
    out = io.StringIO()

    demo.load(
        users={"warehouse": warehouse_user, "auditor": auditor_user, "admin": admin_user},
        stdout=out,
    )

    assert Certificate.objects.count() == 4
    statuses = sorted(Certificate.objects.values_list("status", flat=True))
    assert statuses == ["superseded", "valid", "valid", "valid"]
    assert sorted(CertificateReview.objects.values_list("decision", flat=True)) == [
        "approved",
        "flagged",
    ]
    superseded = Certificate.objects.get(status="superseded")
    assert superseded.reviews.get().decision == "flagged"
    assert superseded.superseded_by.status == "valid"
    assert "superseded by" in out.getvalue()


def test_the_demo_without_executed_orders_issues_nothing(warehouse_user, auditor_user, admin_user):
    out = io.StringIO()

    demo.load(
        users={"warehouse": warehouse_user, "auditor": auditor_user, "admin": admin_user},
        stdout=out,
    )

    assert not Certificate.objects.exists()
    assert "too few executed demo orders" in out.getvalue()
