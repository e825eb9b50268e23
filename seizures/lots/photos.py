"""Serving a lot's photos: only through the permission-checked page and API views, scoped to the
user's offices, each serving in the audit trail (project.uploads)."""

from django.http import FileResponse

from project import uploads
from seizures.models import LotPhoto


def photo_response(photo: LotPhoto, *, inline: bool = False) -> FileResponse:
    """The photo as stored: shown in the page (inline, a thumbnail) or as a download."""
    return uploads.file_response(
        photo,
        photo.file,
        original_name=photo.original_name,
        content_type=photo.content_type,
        inline=inline,
    )
