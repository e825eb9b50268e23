"""Evidence uploads: the whole file is checked (polyglots refused), the stored and downloaded
names carry only the content's extension, and an unwritable evidence folder is a clear 400 with
the user's entries kept, never a 500."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from destruction import services
from destruction.models import EvidenceFile, OrderStatus
from project.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]

POLYGLOT = b"%PDF-1.4\n" + b"x" * 70_000 + b"<hTmL><ScRiPt>alert(document.cookie)</script>"


def test_a_pdf_html_polyglot_is_refused_wherever_the_markup_hides(order_in, warehouse_user):
    order = order_in(OrderStatus.EXECUTED)

    with pytest.raises(ValidationError) as refused:
        services.add_evidence(
            order=order,
            kind="minutes",
            file=SimpleUploadedFile("minutes.pdf", POLYGLOT),
            actor=warehouse_user,
        )

    assert "web page markup" in str(refused.value)
    assert not EvidenceFile.objects.exists()


def test_the_stored_and_downloaded_names_keep_only_the_contents_extension(
    client, order_in, warehouse_user, auditor_user
):
    order = order_in(OrderStatus.EXECUTED)

    evidence = services.add_evidence(
        order=order,
        kind="minutes",
        file=SimpleUploadedFile("invoice.html.pdf", b"%PDF-1.4\nsigned minutes"),
        actor=warehouse_user,
    )
    client.force_login(auditor_user)
    download = client.get(reverse("destruction:evidence-download", args=[evidence.pk]))

    stored = Path(evidence.file.name).name
    assert stored.endswith("-invoice_html.pdf")
    assert stored.count(".") == 1
    assert 'filename="invoice_html.pdf"' in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="downloaded", object_id=str(evidence.pk), actor=auditor_user
    ).exists()


@pytest.fixture
def unwritable_media(settings, tmp_path):
    """An evidence folder that cannot be created (its parent is a file): an OSError on write,
    even for root, which ignores folder permissions."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"


@pytest.mark.usefixtures("unwritable_media")
def test_an_unwritable_evidence_folder_is_a_400_with_a_message(api, order_in, warehouse_user):
    order = order_in(OrderStatus.EXECUTED)

    response = api(warehouse_user).post(
        f"/api/v1/destruction-orders/{order.pk}/evidence/",
        {"kind": "minutes", "file": SimpleUploadedFile("m.pdf", b"%PDF-1.4\nx")},
        format="multipart",
    )

    assert response.status_code == 400
    assert "cannot be written" in response.json()["detail"]
    assert not EvidenceFile.objects.exists()


@pytest.mark.usefixtures("unwritable_media")
def test_the_evidence_page_keeps_the_form_when_the_folder_is_unwritable(
    client, order_in, warehouse_user
):
    order = order_in(OrderStatus.EXECUTED)
    client.force_login(warehouse_user)

    response = client.post(
        reverse("destruction:order-evidence", args=[order.pk]),
        {"kind": "minutes", "file": SimpleUploadedFile("m.pdf", b"%PDF-1.4\nx")},
    )

    assert response.status_code == 400
    assert "cannot be written" in response.content.decode()
