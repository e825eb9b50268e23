"""Two customs offices, each with a right holder, a warehouse and location, a seizure with a lot
in storage, an executed order with its certificate, evidence, a compliance check, a review and a
right holder's answer: what the scoping tests look at from either side."""

from dataclasses import dataclass

from django.contrib.auth.models import Group

from compliance.models import CertificateReview, ComplianceCheck
from destruction.certificates.services import issue_certificate
from destruction.models import Certificate, DestructionOrder, EvidenceFile
from project.roles import RIGHT_HOLDER, WAREHOUSE_STAFF
from seizures import services
from seizures.models import (
    CustodyEvent,
    CustomsOffice,
    Lot,
    RightHolder,
    RightHolderAct,
    Seizure,
    StorageLocation,
    UserAccess,
    Warehouse,
)
from tests.destruction.certificate_factories import executed_order
from tests.factories import UserFactory
from tests.seizures.factories import (
    CustomsOfficeFactory,
    LotFactory,
    RightHolderFactory,
    SeizureFactory,
    StorageLocationFactory,
    WarehouseFactory,
)


@dataclass
class OfficeWorld:
    office: CustomsOffice
    right_holder: RightHolder
    warehouse: Warehouse
    location: StorageLocation
    seizure: Seizure
    lot: Lot
    order: DestructionOrder
    destroyed_lot: Lot
    certificate: Certificate
    evidence: EvidenceFile
    check: ComplianceCheck
    review: CertificateReview
    act: RightHolderAct
    custody_event: CustodyEvent
    staff: object
    right_holder_user: object

    def markers(self) -> list[str]:
        """Strings that name this office's records and nothing of the other's."""
        return [
            self.seizure.reference,
            self.order.seizure_reference,
            self.lot.reference,
            self.destroyed_lot.reference,
            self.order.reference,
            self.certificate.number,
            self.location.code,
            self.warehouse.code,
        ]


def user_in(role: str, username: str, **access):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    offices = access.pop("offices", ())
    UserAccess.objects.create(user=user, **access).offices.set(offices)
    return user


def office_world(code: str, *, issuer, auditor) -> OfficeWorld:
    office = CustomsOfficeFactory(code=code)
    right_holder = RightHolderFactory(name=f"Holder {code} SA")
    warehouse = WarehouseFactory(code=f"WH-{code}", office=office)
    location = StorageLocationFactory(code=f"LOC-{code}", warehouse=warehouse)
    seizure = SeizureFactory(office=office, right_holder=right_holder)
    lot = LotFactory(seizure=seizure, location=location, reference=f"LOT-{code}-1")
    order = executed_order(office=office, reference=f"DO-{code}-0001")
    destroyed_lot = Lot.objects.get(order_lines__order=order)
    destroyed_lot.reference = f"LOT-{code}-D"
    destroyed_lot.save(update_fields=["reference"])
    Seizure.objects.filter(pk=destroyed_lot.seizure_id).update(right_holder=right_holder)
    order.seizure_reference = destroyed_lot.seizure.reference
    certificate = issue_certificate(order=order, actor=issuer)
    check = ComplianceCheck.objects.create(
        stage=ComplianceCheck.Stage.SUBMIT,
        order=order,
        rulebook_version="2026.3",
        verdict="compliant",
        findings=[],
        checked_by=issuer,
    )
    review = CertificateReview.objects.create(
        certificate=certificate, decision=CertificateReview.Decision.APPROVED, reviewer=auditor
    )
    staff = user_in(WAREHOUSE_STAFF, f"staff-{code}", offices=[office])
    holder_user = user_in(RIGHT_HOLDER, f"holder-{code}", right_holder=right_holder)
    act = services.confirm_infringement(seizure=seizure, actor=holder_user, note="Fakes.")
    return OfficeWorld(
        office=office,
        right_holder=right_holder,
        warehouse=warehouse,
        location=location,
        seizure=seizure,
        lot=lot,
        order=order,
        destroyed_lot=destroyed_lot,
        certificate=certificate,
        evidence=EvidenceFile.objects.get(record__order=order),
        check=check,
        review=review,
        act=act,
        custody_event=CustodyEvent.objects.filter(lot=lot).last(),
        staff=staff,
        right_holder_user=holder_user,
    )
