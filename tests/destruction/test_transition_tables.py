"""The order and certificate transition tables, pair by pair, through the one guarded-transition
helper (project.transitions): an allowed pair changes the row, any other pair is refused and
leaves it as it was. The lot table has its own walk in tests/seizures/test_lot_rules.py."""

from itertools import product

import pytest
from django.db import transaction

from destruction.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from destruction.models import (
    CERTIFICATE_TRANSITIONS,
    Certificate,
    CertificateStatus,
    DestructionOrder,
    OrderStatus,
)
from destruction.services._shared import _transition
from project.errors import TransitionNotAllowed
from project.transitions import change_status
from seizures.models import CustodyEvent
from tests.destruction.certificate_factories import executed_order
from tests.destruction.factories import DestructionOrderFactory

pytestmark = pytest.mark.django_db

# The tables written out pair by pair: a changed entry in the code fails a case here.
ORDER_ALLOWED = {
    (OrderStatus.DRAFT, OrderStatus.SUBMITTED),
    (OrderStatus.DRAFT, OrderStatus.CANCELLED),
    (OrderStatus.SUBMITTED, OrderStatus.APPROVED),
    (OrderStatus.SUBMITTED, OrderStatus.DRAFT),
    (OrderStatus.SUBMITTED, OrderStatus.CANCELLED),
    (OrderStatus.APPROVED, OrderStatus.DISPATCHED),
    (OrderStatus.APPROVED, OrderStatus.CANCELLED),
    (OrderStatus.DISPATCHED, OrderStatus.EXECUTED),
    (OrderStatus.DISPATCHED, OrderStatus.CANCELLED),
    (OrderStatus.EXECUTED, OrderStatus.CERTIFIED),
}
CERTIFICATE_ALLOWED = {
    (CertificateStatus.VALID, CertificateStatus.REVOKED),
    (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED),
}


def row(model, pk) -> dict:
    return model.objects.values().get(pk=pk)


@pytest.mark.parametrize(("old", "new"), list(product(OrderStatus, OrderStatus)))
def test_every_pair_of_the_order_transition_table(old, new):
    order = DestructionOrderFactory()
    DestructionOrder.objects.filter(pk=order.pk).update(status=old)
    if (old, new) in ORDER_ALLOWED:
        _transition(order, old, new)
        assert DestructionOrder.objects.get(pk=order.pk).status == new
        return
    before = row(DestructionOrder, order.pk)
    with pytest.raises(TransitionNotAllowed, match="cannot become"):
        _transition(order, old, new)
    assert row(DestructionOrder, order.pk) == before


@pytest.mark.parametrize(("old", "new"), list(product(CertificateStatus, CertificateStatus)))
def test_every_pair_of_the_certificate_transition_table(admin_user, old, new):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    Certificate.objects.filter(pk=certificate.pk).update(status=old)
    rows = Certificate.objects.filter(pk=certificate.pk)

    def move() -> None:
        change_status(
            rows,
            table=CERTIFICATE_TRANSITIONS,
            sources={old},
            target=new,
            conflict=lambda: "conflict",
        )

    if (old, new) in CERTIFICATE_ALLOWED:
        move()
        assert Certificate.objects.get(pk=certificate.pk).status == new
        return
    before = row(Certificate, certificate.pk)
    with pytest.raises(TransitionNotAllowed), transaction.atomic():
        move()
    assert row(Certificate, certificate.pk) == before


def test_a_transition_from_the_wrong_state_changes_nothing():
    order = DestructionOrderFactory()  # draft, not submitted
    before = row(DestructionOrder, order.pk)

    with pytest.raises(TransitionNotAllowed, match="is draft, not submitted"):
        _transition(order, OrderStatus.SUBMITTED, OrderStatus.APPROVED)
    assert row(DestructionOrder, order.pk) == before


@pytest.mark.parametrize("status", [CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED])
def test_only_a_valid_certificate_is_revoked(admin_user, status):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    if status == CertificateStatus.SUPERSEDED:
        revoke_certificate(certificate=certificate, reason="Typo", actor=admin_user)
        reissue_certificate(certificate=certificate, actor=admin_user)
    else:
        revoke_certificate(certificate=certificate, reason="Typo", actor=admin_user)
    before = row(Certificate, certificate.pk)
    revocations = CustodyEvent.objects.filter(kind=CustodyEvent.Kind.CERTIFICATE_REVOKED).count()

    with pytest.raises(TransitionNotAllowed, match="Only a valid certificate can be revoked"):
        revoke_certificate(certificate=certificate, reason="Again", actor=admin_user)

    assert row(Certificate, certificate.pk) == before
    assert (
        CustodyEvent.objects.filter(kind=CustodyEvent.Kind.CERTIFICATE_REVOKED).count()
        == revocations
    )
