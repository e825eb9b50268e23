"""Two customs offices, each with a right holder, a warehouse and location, a seizure with a lot
in storage, an executed order with its certificate, evidence, a compliance check, a review and a
right holder's answer: what the scoping tests look at from either side."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compliance.models import CertificateReview, ComplianceCheck
from destruction.certificates.services import issue_certificate
from destruction.costs.models import Basis, CostEntry, CostKind, Payer, Statement, Tariff
from destruction.costs.services import count_unbilled, issue_statement
from destruction.models import Certificate, DestructionOrder, EvidenceFile
from project.models import Notification
from project.roles import RIGHT_HOLDER, WAREHOUSE_STAFF
from seizures import services
from seizures.models import (
    CustodyEvent,
    CustomsOffice,
    IntakeBatch,
    Lot,
    LotPhoto,
    RightHolder,
    RightHolderAct,
    Seizure,
    StorageLocation,
    UserAccess,
    Warehouse,
)
from seizures.models.stocktakes import Stocktake
from seizures.reminders import notify_detentions
from seizures.stocktakes.services import open_stocktake
from tests.destruction.certificate_factories import executed_order
from tests.destruction.test_evidence import PNG
from tests.factories import UserFactory
from tests.seizures.factories import (
    CustomsOfficeFactory,
    LotFactory,
    RightHolderFactory,
    SeizureFactory,
    StorageLocationFactory,
    WarehouseFactory,
)

YEAR_START = datetime.date(2026, 1, 1)


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
    photo: LotPhoto
    check: ComplianceCheck
    review: CertificateReview
    act: RightHolderAct
    statement: Statement
    batch: IntakeBatch
    stocktake: Stocktake
    custody_event: CustodyEvent
    letter: Notification
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
            self.statement.number,
            self.letter.addressee,
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
    seizure = SeizureFactory(
        office=office, right_holder=right_holder, declarant_name=f"Declarant {code} BV"
    )
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
    tariff, _ = Tariff.objects.get_or_create(
        kind=CostKind.STORAGE, basis=Basis.PER_DAY, amount="1.50", valid_from=YEAR_START
    )
    entry = CostEntry.objects.create(
        lot=destroyed_lot,
        order=order,
        kind=CostKind.STORAGE,
        quantity=10,
        unit="day",
        tariff=tariff,
        amount="15.00",
        currency="EUR",
        payer=Payer.RIGHT_HOLDER,
        rule="10 days x 1.50",
        incurred_on=datetime.date(2026, 4, 15),
    )
    # Written past the services, so counted into the office's unbilled total as they would.
    count_unbilled(CostEntry.objects.filter(pk=entry.pk), sign=1)
    batch = IntakeBatch.objects.create(
        checksum=code * 16, encoding="utf-8", delimiter=",", created_by=issuer
    )
    batch.seizures.add(seizure)
    services.record_lot_condition(
        lot=lot,
        damaged=True,
        note="Torn boxes.",
        actor=issuer,
        photos=[SimpleUploadedFile(f"box-{code}.png", PNG)],
    )
    stocktake = open_stocktake(actor=issuer, warehouse=warehouse)
    statement = issue_statement(
        right_holder=right_holder,
        period_from=YEAR_START,
        period_to=timezone.localdate(),
        actor=issuer,
    )
    notify_detentions([seizure])
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
        photo=LotPhoto.objects.get(lot=lot),
        check=check,
        review=review,
        act=act,
        statement=statement,
        batch=batch,
        stocktake=stocktake,
        custody_event=CustodyEvent.objects.filter(lot=lot).last(),
        letter=Notification.objects.get(addressee=f"Declarant {code} BV"),
        staff=staff,
        right_holder_user=holder_user,
    )
