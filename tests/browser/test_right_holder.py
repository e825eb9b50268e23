import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from destruction.certificates.services import issue_certificate
from destruction.costs.models import Statement
from project.roles import RIGHT_HOLDER
from seizures.models import Lot, Seizure
from tests.destruction.certificate_factories import executed_order
from tests.factories import PASSWORD
from tests.scoping_world import user_in
from tests.seizures.factories import LotFactory, RightHolderFactory, SeizureFactory

pytestmark = pytest.mark.browser


def test_rightholder_sees_its_case_agrees_to_destruction_and_downloads_the_certificate(
    page, live_server, admin_user
):
    holder = RightHolderFactory(name="Stride Athletics AG")
    order = executed_order()
    certificate = issue_certificate(order=order, actor=admin_user)
    destroyed = Seizure.objects.get(lots__order_lines__order=order)
    Seizure.objects.filter(pk=destroyed.pk).update(right_holder=holder)
    seizure = SeizureFactory(right_holder=holder, right_holder_agreement_on=None)
    waiting = LotFactory(seizure=seizure, reference="LOT-WAITING", description="Running shoes")
    user_in(RIGHT_HOLDER, "rightholder", right_holder=holder)
    statement = Statement.objects.create(
        number="CS-2026-0001-001",
        right_holder=holder,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 11, 30),
        currency="EUR",
        total=Decimal("462.00"),
        issued_at=timezone.now(),
        issued_by=admin_user,
        due_on=datetime.date(2026, 12, 31),
    )

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("rightholder")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/right-holder/")  # the dashboard sends it to its cases
    expect(page.get_by_role("heading", name="Cases of Stride Athletics AG")).to_be_visible()
    page.get_by_role("link", name=seizure.reference).click()
    expect(page.get_by_role("heading", name=f"Case {seizure.reference}")).to_be_visible()
    expect(page.get_by_role("cell", name=waiting.reference)).to_be_visible()
    expect(page.get_by_test_id("agreement")).to_have_text("not given")

    agreement = page.get_by_role("form", name="Agree to destruction")
    agreement.get_by_label("Agreement dated").fill("2026-03-10")
    agreement.get_by_role("button", name="Agree to destruction").click()
    expect(
        page.get_by_text(f"{seizure.reference}: Agreement to destruction recorded.")
    ).to_be_visible()
    expect(page.get_by_test_id("agreement")).to_have_text("10 Mar 2026")
    seizure.refresh_from_db()
    assert str(seizure.right_holder_agreement_on) == "2026-03-10"
    assert waiting.custody_events.filter(kind="right_holder_act").count() == 1

    page.get_by_role("link", name="All cases of Stride Athletics AG").click()
    page.get_by_role("link", name=destroyed.reference).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download certificate {certificate.number} (PDF)").click()
    content = download_info.value.path().read_bytes()
    assert certificate.number in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert Lot.objects.get(pk=waiting.pk).status == "in_storage"

    page.get_by_role("link", name="All cases of Stride Athletics AG").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download statement {statement.number} (PDF)").click()
    text = PdfReader(io.BytesIO(download_info.value.path().read_bytes())).pages[0].extract_text()
    assert statement.number in text and "Stride Athletics AG" in text and "462.00" in text
