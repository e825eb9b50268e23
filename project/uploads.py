"""Uploaded files every app keeps (destruction evidence, lot photos): which files are accepted,
recognised by their content (magic bytes), not by the name or the type the browser claims; how
they are named, stored and served.

Files go through Django's storage API (MEDIA_ROOT outside the web root, or S3 by settings) and
are served only through permission-checked views; the stored SHA-256 lets an auditor prove a
file is unaltered.
"""

import hashlib
import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.text import get_valid_filename

from project import audit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    family: str  # image, video or document
    name: str


JPEG = FileType("image/jpeg", "jpg", "image", "JPEG")
PNG = FileType("image/png", "png", "image", "PNG")
WEBP = FileType("image/webp", "webp", "image", "WebP")
PDF = FileType("application/pdf", "pdf", "document", "PDF")
MP4 = FileType("video/mp4", "mp4", "video", "MP4")
QUICKTIME = FileType("video/quicktime", "mov", "video", "QuickTime")
EVERY_TYPE = (JPEG, PNG, WEBP, PDF, MP4, QUICKTIME)
IMAGES = (JPEG, PNG, WEBP)

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
    """The type of a file from its first bytes, or None if it is not a known type."""
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


def type_names(accepted: Collection[FileType]) -> str:
    """ "JPEG, PNG or WebP": the accepted types as a message names them."""
    *first, last = [file_type.name for file_type in accepted]
    return f"{', '.join(first)} or {last}" if first else last


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


def download_name(original_name: str, stored: FieldFile) -> str:
    """The name a download is saved under: the uploader's name with the content's extension."""
    return f"{single_stem(original_name)}{PurePath(stored.name).suffix}"


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    file_type: FileType
    original_name: str
    stored_name: str
    size: int
    sha256: str


def upload_label(upload: UploadedFile) -> str:
    """The uploader's file name (without any folder) as messages name the file."""
    return PurePath(str(upload.name or "file").replace("\\", "/")).name[:100] or "file"


def check_file(
    upload: UploadedFile, *, field: str, accepted: Collection[FileType] = EVERY_TYPE
) -> CheckedUpload:
    """Accept an upload of one of the `accepted` types or raise ValidationError (on `field`)
    naming the file and what is wrong: empty, over settings.EVIDENCE_MAX_BYTES, another type by
    its content, or web page markup hidden in it."""
    label = upload_label(upload)
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: [f"{label}: the file is empty."]})
    if size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES / (1024 * 1024)
        raise ValidationError({field: [f"{label}: the file is larger than {limit:g} MB."]})
    upload.seek(0)
    file_type = sniff(upload.read(16))
    if file_type not in accepted:
        raise ValidationError({field: [f"{label}: not a {type_names(accepted)} file."]})
    digest = sha256_refusing_markup(upload, label=label, field=field)
    original = safe_filename(label)[:150]
    return CheckedUpload(
        upload=upload,
        file_type=file_type,
        original_name=original,
        # The stored extension follows the content, so a file is never served as another type.
        stored_name=f"{single_stem(original)}.{file_type.extension}",
        size=size,
        sha256=digest,
    )


def sha256_refusing_markup(upload: UploadedFile, *, label: str, field: str) -> str:
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
    return digest.hexdigest()


def check_files(
    uploads: Collection[UploadedFile], *, field: str, accepted: Collection[FileType]
) -> list[CheckedUpload]:
    """Check every upload; all their refusals together on `field`."""
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_file(upload, field=field, accepted=accepted))
        except ValidationError as error:
            errors += error.message_dict[field]
    if errors:
        raise ValidationError({field: errors})
    return checked


@contextmanager
def discarded_on_failure() -> Iterator[list[FieldFile]]:
    """The files stored (appended to the list) inside the block are removed again when it
    fails: the transaction that was to record them rolled back."""
    stored: list[FieldFile] = []
    try:
        yield stored
    except BaseException:
        for file in stored:
            file.delete(save=False)
        raise


def store(file: FieldFile, item: CheckedUpload, *, field: str, stored: list[FieldFile]) -> None:
    """Write the checked upload through the storage API into `file` (the record is saved by the
    caller) and note it in `stored` (discarded_on_failure)."""
    item.upload.seek(0)
    try:
        file.save(item.stored_name, item.upload, save=False)
    except OSError as error:
        # A full disk or a folder the server may not write to: the transaction rolls back and
        # the user keeps what they typed, with a message instead of a server error.
        logger.error("Storing %s failed: %s", item.original_name, error)
        raise ValidationError(
            {
                field: [
                    f"{item.original_name}: the file store cannot be written to right now; "
                    "nothing was saved. Try again later or ask an administrator to check the "
                    "file store."
                ]
            }
        ) from error
    stored.append(file)


def file_response(
    record: models.Model,
    file: FieldFile,
    *,
    original_name: str,
    content_type: str,
    inline: bool = False,
) -> FileResponse:
    """The stored file with the type recorded at upload (inline: shown in the page, as an image
    is; else a download); the browser is told not to guess another type nor run anything in it.
    Every serving is in the audit trail."""
    audit.record_download(record, what=original_name)
    response = FileResponse(
        file.open("rb"),
        as_attachment=not inline,
        filename=download_name(original_name, file),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
