"""Evidence goes through Django's storage API only (issue 16): with another default storage
(an S3-compatible store in production, Django's in-memory storage here) nothing is written
under MEDIA_ROOT and the download streams the stored bytes back."""

import subprocess
import sys

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from destruction import services
from destruction.models import OrderStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]


@pytest.fixture
def memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return storages["default"]  # Django resets its storages when STORAGES changes


def test_evidence_is_stored_and_served_through_the_configured_storage(
    client, settings, memory_storage, order_in, warehouse_user, auditor_user
):
    order = order_in(OrderStatus.EXECUTED)
    content = b"%PDF-1.4\nminutes signed by the witnesses"

    evidence = services.add_evidence(
        order=order,
        kind="minutes",
        file=SimpleUploadedFile("minutes.pdf", content),
        actor=warehouse_user,
    )
    client.force_login(auditor_user)
    download = client.get(reverse("destruction:evidence-download", args=[evidence.pk]))

    assert memory_storage.exists(evidence.file.name)
    assert b"".join(download.streaming_content) == content
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.pdf"))


def test_storage_s3_bucket_selects_the_s3_storage_with_private_files(tmp_path):
    program = (
        "import django; django.setup();"
        "from django.core.files.storage import storages;"
        "s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.default_acl, s.querystring_auth, s.endpoint_url)"
    )
    environment = {
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "STORAGE_S3_BUCKET": "igt-evidence",
        "STORAGE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "DJANGO_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    shown = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", program], env=environment, capture_output=True, text=True
    )
    if "No module named 'storages'" in shown.stderr or "No module named 'boto3'" in shown.stderr:
        pytest.skip("django-storages[s3] is an optional extra: pip install '.[s3]'")
    assert shown.stdout.split() == [
        "S3Storage", "igt-evidence", "private", "True", "http://127.0.0.1:9000"
    ]  # fmt: skip
