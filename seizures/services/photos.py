"""Photos of a lot's condition, taken with a custody event (at intake, or with a recorded
condition): checked before the transaction, written through the storage API inside it, and named
by their SHA-256 in the event's details so the hash chain covers them. Building blocks of the
intake and condition services, run inside their transaction."""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile

from project import uploads
from seizures.models import CustodyEvent, Lot, LotPhoto

# At most this many photos per event: enough to show a damaged lot from every side.
MAX_PHOTOS = 10


def check_photos(files: Sequence[UploadedFile], *, field: str) -> list[uploads.CheckedUpload]:
    """Accept JPEG, PNG or WebP images (by content) or raise ValidationError on `field`."""
    if len(files) > MAX_PHOTOS:
        raise ValidationError({field: [f"At most {MAX_PHOTOS} photos at a time."]})
    return uploads.check_files(files, field=field, accepted=uploads.IMAGES)


def photo_details(photos: Sequence[uploads.CheckedUpload]) -> dict:
    """What the custody event says of its photos (merged into its details): name, size and
    SHA-256 of each, so the chain's hash covers the files."""
    if not photos:
        return {}
    return {
        "photos": [
            {"name": photo.original_name, "size": photo.size, "sha256": photo.sha256}
            for photo in photos
        ]
    }


def store_photos(
    lot: Lot,
    event: CustodyEvent,
    photos: Sequence[uploads.CheckedUpload],
    *,
    actor: User,
    stored: list[FieldFile],
) -> list[LotPhoto]:
    """Write the photos of `event` (inside uploads.discarded_on_failure, so a rolled-back
    transaction leaves no file behind)."""
    saved = []
    for item in photos:
        photo = LotPhoto(
            lot=lot,
            event=event,
            original_name=item.original_name,
            content_type=item.file_type.content_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by=actor,
        )
        uploads.store(photo.file, item, field="photos", stored=stored)
        photo.save()
        saved.append(photo)
    return saved
