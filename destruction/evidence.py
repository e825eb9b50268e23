"""Evidence uploads (digest X-WE-03): which kinds of file each kind of evidence may be. The
checks of every upload (type by content, size, name, SHA-256, markup) are project.uploads'."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from destruction.models import EvidenceFile
from project import uploads

Kind = EvidenceFile.Kind

# Which families each kind of evidence may be.
KIND_FAMILIES: dict[str, frozenset[str]] = {
    Kind.PHOTO: frozenset({"image"}),
    Kind.VIDEO: frozenset({"video"}),
    Kind.WEIGHBRIDGE_TICKET: frozenset({"image", "document"}),
    Kind.MINUTES: frozenset({"image", "document"}),
    Kind.OTHER: frozenset({"image", "video", "document"}),
}


@dataclass(frozen=True)
class CheckedEvidence:
    kind: str
    file: uploads.CheckedUpload


def check_upload(upload: UploadedFile, kind: str, *, field: str = "evidence") -> CheckedEvidence:
    """Accept an upload as evidence of `kind` or raise ValidationError naming the file and what
    is wrong."""
    if kind not in Kind.values:
        label = uploads.upload_label(upload)
        raise ValidationError({field: [f"{label}: choose one of {', '.join(Kind.values)}."]})
    checked = uploads.check_file(upload, field=field)
    if checked.file_type.family not in KIND_FAMILIES[kind]:
        raise ValidationError(
            {
                field: [
                    f"{uploads.upload_label(upload)}: a {Kind(kind).label.lower()} cannot be "
                    f"a {checked.file_type.family}."
                ]
            }
        )
    return CheckedEvidence(kind=kind, file=checked)


def file_response(evidence: EvidenceFile) -> FileResponse:
    """The evidence file as a download (audited)."""
    return uploads.file_response(
        evidence,
        evidence.file,
        original_name=evidence.original_name,
        content_type=evidence.content_type,
    )
