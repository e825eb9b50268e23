"""Output serializers and the fields the inputs share (scoped related fields, waste codes);
the input serializers are in `inputs.py`."""

from decimal import Decimal

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from seizures.categories import HazardClass
from seizures.models import (
    LOT_INTAKE_FLAGS,
    CustodyEvent,
    CustodySeal,
    CustomsOffice,
    Holiday,
    Lot,
    LotPhoto,
    RightHolder,
    Seizure,
    StorageLocation,
    Warehouse,
)
from seizures.seals import message_of
from seizures.waste_codes import HP_PROPERTIES, lookup


class VisibleQuerysetMixin:
    """A related record looked up among those the requesting user may see (seizures.scoping):
    one of another office "does not exist", as its detail answers 404. The serializer needs
    the view's context (its request)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            raise RuntimeError(f"{type(self.root).__name__} needs the request in its context.")
        return super().get_queryset().visible_to(request.user)


class VisibleRelatedField(VisibleQuerysetMixin, serializers.PrimaryKeyRelatedField):
    """A record by id, among those the user may see."""


class VisibleSlugRelatedField(VisibleQuerysetMixin, serializers.SlugRelatedField):
    """A record by a unique field (a reference), among those the user may see."""


class WasteCodeField(serializers.CharField):
    """A List of Waste code in any spelling ("160305", "16 03 05*"), read as the list writes it;
    a code the list does not know is a field error."""

    default_error_messages = {
        "unknown": "{value!r} is not a code of the EU List of Waste (e.g. 16 03 05*).",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        text = super().to_internal_value(data)
        if not text:
            return text
        entry = lookup(text)
        if entry is None:
            self.fail("unknown", value=text)
        return entry.code


def hp_properties_field(**kwargs) -> serializers.ListField:
    kwargs.setdefault(
        "help_text",
        "Hazardous properties HP1-HP15 (WFD Annex III); any makes the waste hazardous.",
    )
    return serializers.ListField(child=serializers.ChoiceField(choices=HP_PROPERTIES), **kwargs)


# --- output ----------------------------------------------------------------------------------


class LotSerializer(serializers.ModelSerializer):
    seizure_reference = serializers.CharField(source="seizure.reference", read_only=True)
    parent_reference = serializers.CharField(
        source="parent.reference", read_only=True, default=None
    )
    location_code = serializers.CharField(source="location.code", read_only=True, default=None)
    deadline = serializers.DateField(source="seizure.deadline", read_only=True)
    days_in_storage = serializers.IntegerField(read_only=True, allow_null=True)
    hazard_classes = serializers.ListField(child=serializers.CharField(), read_only=True)
    hp_properties = serializers.ListField(child=serializers.CharField(), read_only=True)
    ewc_description = serializers.CharField(
        source="waste_code.description", read_only=True, default=None
    )
    ewc_chapter = serializers.CharField(source="waste_code.chapter", read_only=True, default=None)
    hazardous_waste = serializers.BooleanField(read_only=True)

    class Meta:
        model = Lot
        fields = (
            "id",
            "reference",
            "seizure",
            "seizure_reference",
            "parent",
            "parent_reference",
            "sample_purpose",
            "sample_holder",
            "category",
            "waste_class",
            "description",
            "brand",
            "seized_articles",
            "articles",
            "gross_weight_kg",
            "net_weight_kg",
            "volume_l",
            "retail_value",
            "currency",
            "hazard_classes",
            "ewc_code",
            "ewc_description",
            "ewc_chapter",
            "ewc_reason",
            "hp_properties",
            "hazardous_waste",
            *LOT_INTAKE_FLAGS,
            "status",
            "location",
            "location_code",
            "stored_since",
            "days_in_storage",
            "deadline",
        )
        read_only_fields = fields


class LotPhotoSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="Permission-checked download URL.")

    class Meta:
        model = LotPhoto
        fields = (
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "event",
            "uploaded_at",
            "download",
        )
        read_only_fields = fields

    def get_download(self, photo) -> str:
        return f"/api/v1/lots/{photo.lot_id}/photos/{photo.pk}/"


class LotDetailSerializer(LotSerializer):
    """A lot with the photos of its condition (the list leaves them out)."""

    photos = LotPhotoSerializer(many=True, read_only=True)

    class Meta(LotSerializer.Meta):
        fields = (*LotSerializer.Meta.fields, "photos")
        read_only_fields = fields


class SeizureSerializer(serializers.ModelSerializer):
    office_code = serializers.CharField(source="office.code", read_only=True)
    right_holder_name = serializers.CharField(
        source="right_holder.name", read_only=True, default=None
    )
    lot_count = serializers.IntegerField(read_only=True)
    provenance_country = CountryField()

    class Meta:
        model = Seizure
        fields = (
            "id",
            "reference",
            "office",
            "office_code",
            "detained_on",
            "place_of_detention",
            "transport_mode",
            "traffic_type",
            "provenance_country",
            "ipr_type",
            "customs_procedure",
            "action_type",
            "right_holder",
            "right_holder_name",
            "declarant_name",
            "consignment_number",
            "notified_on",
            "legal_route",
            "perishable",
            "deadline",
            "declarant_notice_due_on",
            "right_holder_agreement_on",
            "declarant_agreement_on",
            "declarant_objected",
            "court_name",
            "court_reference",
            "proceedings_started_on",
            "proceedings_extension_days",
            "proceedings_extension_reason",
            "proceedings_due_on",
            "judgment_on",
            "judgment_outcome",
            "judgment_final_since",
            "appeal_until",
            "on_hold",
            "hold_reason",
            "hold_by",
            "hold_at",
            "notes",
            "lot_count",
            "created_at",
        )
        read_only_fields = fields


class SeizureDetailSerializer(SeizureSerializer):
    lots = LotSerializer(many=True, read_only=True)

    class Meta(SeizureSerializer.Meta):
        fields = (*SeizureSerializer.Meta.fields, "lots")
        read_only_fields = fields


class CustodyEventSerializer(serializers.ModelSerializer):
    lot_reference = serializers.CharField(source="lot.reference", read_only=True)
    from_location_code = serializers.CharField(
        source="from_location.code", read_only=True, default=None
    )
    to_location_code = serializers.CharField(
        source="to_location.code", read_only=True, default=None
    )

    class Meta:
        model = CustodyEvent
        fields = (
            "id",
            "lot",
            "lot_reference",
            "sequence",
            "kind",
            "occurred_at",
            "actor",
            "actor_name",
            "from_location",
            "from_location_code",
            "to_location",
            "to_location_code",
            "quantity",
            "details",
            "previous_hash",
            "hash",
        )
        read_only_fields = fields


# --- reference data (validated again by the model's clean() in the service) -------------------


class CustodySealSerializer(serializers.ModelSerializer):
    """A custody seal as anyone may check it: `signed_message` is the exact text the Ed25519
    signature covers (verify it with `public_key`, raw and hex)."""

    signed_message = serializers.SerializerMethodField()

    class Meta:
        model = CustodySeal
        fields = (
            "id",
            "created_at",
            "tree_size",
            "root",
            "signature",
            "public_key",
            "key_fingerprint",
            "previous",
            "signed_message",
        )

    def get_signed_message(self, seal: CustodySeal) -> str:
        return message_of(seal, seal.previous).decode()


class CustomsOfficeSerializer(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = CustomsOffice
        fields = ("id", "code", "name", "country", "address", "certificate_language")


class WarehouseSerializer(serializers.ModelSerializer):
    office_code = serializers.CharField(source="office.code", read_only=True)
    location_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Warehouse
        fields = ("id", "code", "name", "office", "office_code", "address", "location_count")


class StorageLocationSerializer(serializers.ModelSerializer):
    accepted_hazard_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=HazardClass.choices), required=False
    )
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)
    used_kg = serializers.DecimalField(
        max_digits=14, decimal_places=3, read_only=True, default=Decimal("0")
    )
    lot_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = StorageLocation
        fields = (
            "id",
            "code",
            "name",
            "warehouse",
            "warehouse_code",
            "parent",
            "parent_code",
            "kind",
            "zone_type",
            "accepted_hazard_classes",
            "capacity_kg",
            "active",
            "last_stocktake_on",
            "used_kg",
            "lot_count",
        )


class RightHolderSerializer(serializers.ModelSerializer):
    class Meta:
        model = RightHolder
        fields = (
            "id",
            "name",
            "contact_name",
            "email",
            "phone",
            "address",
            "application_reference",
            "application_valid_from",
            "application_valid_until",
            "small_consignment_opt_in",
        )


class HolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Holiday
        fields = ("id", "date", "name")
