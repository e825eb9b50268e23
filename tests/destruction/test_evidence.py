import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from destruction import services
from destruction.models import EvidenceFile, OrderStatus
from project.errors import TransitionNotAllowed
from project.uploads import sniff
from tests.destruction.conftest import record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A small valid PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = png_bytes()
# ISO base media files that are not video: an iPhone photo and an audio recording.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A isommp42" + b"\x00" * 64


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (PNG[:16], "image/png"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        (b"\x00\x00\x00\x20ftypisom", "video/mp4"),
        (b"\x00\x00\x00\x1cftypM4V ", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "video/quicktime"),
        (HEIC[:16], None),
        (M4A[:16], None),
        (b"MZ\x90\x00", None),
        (b"<svg xmlns=", None),
    ],
)
def test_file_types_are_recognised_by_their_content(head, content_type):
    found = sniff(head)
    assert (found.content_type if found else None) == content_type


def test_evidence_uploaded_with_the_record_is_stored_privately_with_its_hash(
    order_in, warehouse_user
):
    order = order_in(OrderStatus.DISPATCHED)
    upload = SimpleUploadedFile("../../shredder photo (1).PNG", PNG, content_type="text/html")

    saved = record(
        order, warehouse_user, evidence=[services.EvidenceInput(kind="photo", file=upload)]
    )

    evidence = saved.evidence.get()
    assert evidence.original_name == "shredder_photo_1.PNG"
    assert evidence.content_type == "image/png"  # from the content, not what the client said
    assert evidence.size == len(PNG)
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest()
    assert evidence.uploaded_by == warehouse_user
    path = Path(evidence.file.path)
    assert path.read_bytes() == PNG
    assert path.is_relative_to(Path(django_settings.MEDIA_ROOT))
    assert evidence.file.name.startswith(f"evidence/{order.reference}/{evidence.sha256[:16]}-")
    assert evidence.file.name.endswith("shredder_photo_1.png")


@pytest.mark.parametrize(
    ("name", "content", "kind", "message"),
    [
        ("photo.png", b"<html><script>alert(1)</script>", "photo", "photo.png: not a JPEG, PNG"),
        ("ticket.pdf", b"", "weighbridge_ticket", "ticket.pdf: the file is empty."),
        ("clip.png", PNG, "video", "clip.png: a video cannot be a image."),
        ("x.png", PNG, "selfie", "x.png: choose one of"),
        ("IMG_0042.heic", HEIC, "photo", "IMG_0042.heic: not a JPEG, PNG, WebP, PDF, MP4"),
        ("voice.m4a", M4A, "video", "voice.m4a: not a JPEG, PNG, WebP, PDF, MP4"),
    ],
)
def test_refused_uploads_leave_no_record_and_no_file(
    order_in, warehouse_user, name, content, kind, message
):
    order = order_in(OrderStatus.DISPATCHED)

    with pytest.raises(ValidationError) as refused:
        record(
            order,
            warehouse_user,
            evidence=[services.EvidenceInput(kind=kind, file=SimpleUploadedFile(name, content))],
        )

    assert refused.value.message_dict["evidence"][0].startswith(message)
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED
    assert not EvidenceFile.objects.exists()


def test_files_over_the_size_limit_are_refused(settings, order_in, warehouse_user):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    order = order_in(OrderStatus.EXECUTED)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024))

    with pytest.raises(ValidationError) as refused:
        services.add_evidence(order=order, kind="photo", file=big, actor=warehouse_user)

    assert refused.value.message_dict == {"file": ["big.png: the file is larger than 1 MB."]}
    assert not EvidenceFile.objects.exists()


def test_a_failed_record_removes_the_files_it_wrote(settings, order_in, warehouse_user):
    order = order_in(OrderStatus.DISPATCHED)
    settings.DESTRUCTION_COMPLIANCE_CHECK = "tests.destruction.test_evidence.broken_check"

    with pytest.raises(RuntimeError):
        record(
            order,
            warehouse_user,
            evidence=[services.EvidenceInput("photo", SimpleUploadedFile("a.png", PNG))],
        )

    media = Path(django_settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert not EvidenceFile.objects.exists()


def broken_check(order, *, stage, actor):
    raise RuntimeError("compliance engine down")


def test_evidence_is_added_to_executed_orders_only(order_in, warehouse_user):
    executed = order_in(OrderStatus.EXECUTED)
    dispatched = order_in(OrderStatus.DISPATCHED)

    added = services.add_evidence(
        order=executed,
        kind="minutes",
        file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\nminutes signed"),
        actor=warehouse_user,
    )
    with pytest.raises(TransitionNotAllowed) as refused:
        services.add_evidence(
            order=dispatched,
            kind="photo",
            file=SimpleUploadedFile("a.png", PNG),
            actor=warehouse_user,
        )

    assert (added.content_type, added.record.order) == ("application/pdf", executed)
    assert refused.value.message == (
        f"Order {dispatched.reference} is dispatched; evidence is added to executed orders "
        "before certification."
    )
