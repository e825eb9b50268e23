"""Evidence uploads (digest X-WE-03): which files are accepted, recognised by their content
(magic bytes), not by the name or the type the browser claims, and how they are named on disk.

Files are stored under MEDIA_ROOT, outside the web root, and served only through
permission-checked views; the stored SHA-256 lets an auditor prove a file is unaltered.
"""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.text import get_valid_filename

from destruction.models import EvidenceFile
from project import audit

Kind = EvidenceFile.Kind


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    family: str  # image, video or document


JPEG = FileType("image/jpeg", "jpg", "image")
PNG = FileType("image/png", "png", "image")
WEBP = FileType("image/webp", "webp", "image")
PDF = FileType("application/pdf", "pdf", "document")
MP4 = FileType("video/mp4", "mp4", "video")
QUICKTIME = FileType("video/quicktime", "mov", "video")

# Which families each kind of evidence may be.
KIND_FAMILIES: dict[str, frozenset[str]] = {
    Kind.PHOTO: frozenset({"image"}),
    Kind.VIDEO: frozenset({"video"}),
    Kind.WEIGHBRIDGE_TICKET: frozenset({"image", "document"}),
    Kind.MINUTES: frozenset({"image", "document"}),
    Kind.OTHER: frozenset({"image", "video", "document"}),
}
ACCEPTED = "JPEG, PNG, WebP, PDF, MP4 or QuickTime"
# ISO base media files share the `ftyp` box; its major brand tells a video from a HEIC photo, an
# M4A recording or other members of the family, which are not accepted.
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "}
)
QUICKTIME_BRAND = b"qt  "
# Markup a browser would render: a file that carries it besides its own type (a PDF/HTML or
# JPEG/HTML polyglot) is refused whatever its first bytes say.
ACTIVE_CONTENT = (b"<html", b"<!doctype", b"<script", b"<iframe", b"<svg", b"<body", b"<object")
OVERLAP = max(len(marker) for marker in ACTIVE_CONTENT)


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first bytes, or None if it is not an accepted type."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return video_brand(head[8:12])
    return None


def video_brand(brand: bytes) -> FileType | None:
    if brand == QUICKTIME_BRAND:
        return QUICKTIME
    return MP4 if brand in MP4_BRANDS else None


def safe_filename(name: str) -> str:
    """Django's sanitising (spaces to underscores, only letters, digits, dash, underscore and
    dot), falling back to "file" when nothing usable is left."""
    try:
        return get_valid_filename(name)
    except SuspiciousFileOperation:
        return "file"


def single_stem(name: str) -> str:
    """The name without any extension, inner dots made underscores: "scan.html.pdf" ->
    "scan_html", so that the stored or downloaded name has only the extension of the content."""
    stem = PurePath(name).stem.replace(".", "_")
    return safe_filename(stem)[:80]


def download_name(evidence: EvidenceFile) -> str:
    """The name a download is saved under: the uploader's name with the content's extension."""
    extension = PurePath(evidence.file.name).suffix
    return f"{single_stem(evidence.original_name)}{extension}"


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    kind: str
    file_type: FileType
    original_name: str
    stored_name: str
    size: int
    sha256: str


def check_upload(upload: UploadedFile, kind: str, *, field: str = "evidence") -> CheckedUpload:
    """Accept an upload or raise ValidationError naming the file and what is wrong."""
    raw_name = PurePath(str(upload.name or "file").replace("\\", "/")).name
    label = raw_name[:100] or "file"
    if kind not in Kind.values:
        raise ValidationError({field: [f"{label}: choose one of {', '.join(Kind.values)}."]})
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: [f"{label}: the file is empty."]})
    if size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES / (1024 * 1024)
        raise ValidationError({field: [f"{label}: the file is larger than {limit:g} MB."]})
    upload.seek(0)
    file_type = sniff(upload.read(16))
    if file_type is None:
        raise ValidationError({field: [f"{label}: not a {ACCEPTED} file."]})
    if file_type.family not in KIND_FAMILIES[kind]:
        raise ValidationError(
            {field: [f"{label}: a {Kind(kind).label.lower()} cannot be a {file_type.family}."]}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks():
        digest.update(chunk)
        # The whole file is read: markup may hide anywhere, across a chunk boundary too.
        window = (tail + chunk).lower()
        if any(marker in window for marker in ACTIVE_CONTENT):
            raise ValidationError(
                {field: [f"{label}: the file also holds web page markup; it is refused."]}
            )
        tail = window[-OVERLAP:]
    upload.seek(0)
    original = safe_filename(raw_name)[:150]
    stem = single_stem(original)
    return CheckedUpload(
        upload=upload,
        kind=kind,
        file_type=file_type,
        original_name=original,
        # The stored extension follows the content, so a file is never served as another type.
        stored_name=f"{stem}.{file_type.extension}",
        size=size,
        sha256=digest.hexdigest(),
    )


def file_response(evidence: EvidenceFile) -> FileResponse:
    """The stored file as a download with the type recorded at upload; the browser is told not
    to guess another type nor run anything in it. Every download is in the audit trail."""
    audit.record_download(evidence, what=evidence.original_name)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=download_name(evidence),
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
