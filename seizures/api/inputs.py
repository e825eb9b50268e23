"""Input serializers (plain Serializers: HTTP -> service arguments), with the outputs of the
actions that take them (amendments, right holders' answers, intake batches, placement options)."""

import re
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from project.api import json_object_part
from seizures.api.serializers import (
    VisibleRelatedField,
    WasteCodeField,
    hp_properties_field,
)
from seizures.categories import HazardClass, ProductCategory, WasteClass
from seizures.deadlines import MAX_PROCEEDINGS_EXTENSION_DAYS
from seizures.models import (
    CLASSIFICATION_FIELDS,
    LOT_INTAKE_FLAGS,
    ActionType,
    Amendment,
    CustomsOffice,
    CustomsProcedure,
    IntakeBatch,
    IPRType,
    JudgmentOutcome,
    LegalRoute,
    Lot,
    RightHolder,
    RightHolderAct,
    SamplePurpose,
    StorageLocation,
    TrafficType,
    TransportMode,
)
from seizures.services.amendments import LEGAL_FACTS
from seizures.services.right_holders import MAX_SAMPLE_ARTICLES
from seizures.validation import MAX_TEXT, LotInput


class LotInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ProductCategory.choices)
    waste_class = serializers.ChoiceField(
        choices=WasteClass.choices,
        required=False,
        help_text="Defaults from the category (digest D2); override e.g. pesticides -> CHE.",
    )
    description = serializers.CharField(max_length=300)
    brand = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    articles = serializers.IntegerField(min_value=1, max_value=2_000_000_000)
    gross_weight_kg = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0.001")
    )
    net_weight_kg = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
        help_text="Weight without packaging, if weighed.",
    )
    volume_l = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
        help_text="Liquid volume in litres (liquids only).",
    )
    retail_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False
    )
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="EUR")
    hazard_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=HazardClass.choices),
        required=False,
        help_text="UN classes; omit for the waste class defaults (digest B18).",
    )
    location = VisibleRelatedField(
        queryset=StorageLocation.objects.all(), required=False, allow_null=True
    )
    controlled_substances = serializers.BooleanField(
        required=False, default=False, help_text="Controlled drugs (PHA-S2, X-WE-02)."
    )
    cytotoxic = serializers.BooleanField(
        required=False, default=False, help_text="Antineoplastic/cytotoxic drugs (PHA-M1)."
    )
    contains_asbestos = serializers.BooleanField(
        required=False, default=False, help_text="Suspected asbestos (AUT-S2, AUT-M3)."
    )
    high_risk = serializers.BooleanField(
        required=False, default=False, help_text="Flagged high-risk (X-WE-02)."
    )
    damaged = serializers.BooleanField(
        required=False, default=False, help_text="Damaged or leaking: quarantine (X-CC-04)."
    )
    ewc_code = WasteCodeField(
        required=False,
        allow_blank=True,
        help_text="List of Waste code; omit for the default of the goods (then no reason).",
    )
    ewc_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the code differs from the default (required when it does).",
    )
    hp_properties = hp_properties_field(required=False, default=list)

    def to_lot_input(self, data: dict) -> LotInput:
        return LotInput(
            category=data["category"],
            description=data["description"],
            articles=data["articles"],
            gross_weight_kg=data["gross_weight_kg"],
            net_weight_kg=data.get("net_weight_kg"),
            volume_l=data.get("volume_l"),
            brand=data.get("brand", ""),
            waste_class=data.get("waste_class"),
            retail_value=data.get("retail_value", Decimal("0")),
            currency=data.get("currency", "EUR"),
            hazard_classes=data.get("hazard_classes"),
            location=data.get("location"),
            ewc_code=data.get("ewc_code") or None,
            ewc_reason=data["ewc_reason"],
            hp_properties=data["hp_properties"],
            **{name: data[name] for name in LOT_INTAKE_FLAGS},
        )


class SeizureCaseFieldsSerializer(serializers.Serializer):
    detained_on = serializers.DateField()
    place_of_detention = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    transport_mode = serializers.ChoiceField(choices=TransportMode.choices)
    traffic_type = serializers.ChoiceField(
        choices=TrafficType.choices, required=False, default=TrafficType.FREIGHT
    )
    provenance_country = serializers.ChoiceField(choices=list(countries))
    ipr_type = serializers.ChoiceField(choices=IPRType.choices)
    customs_procedure = serializers.ChoiceField(choices=CustomsProcedure.choices)
    action_type = serializers.ChoiceField(choices=ActionType.choices)
    right_holder = serializers.PrimaryKeyRelatedField(
        queryset=RightHolder.objects.all(), required=False, allow_null=True, default=None
    )
    declarant_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    consignment_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    notified_on = serializers.DateField(required=False, allow_null=True, default=None)
    legal_route = serializers.ChoiceField(choices=LegalRoute.choices)
    perishable = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class SeizureCreateSerializer(SeizureCaseFieldsSerializer):
    office = VisibleRelatedField(queryset=CustomsOffice.objects.all())
    lots = LotInputSerializer(many=True, allow_empty=False)


LOT_PHOTOS_PART = re.compile(r"^lots\[(\d{1,3})\]\.photos$")


class SeizureWithPhotosSerializer(serializers.Serializer):
    """The seizure as multipart/form-data: the body of a JSON request in the part `seizure`,
    and each lot's photos in parts named `lots[N].photos` (N counts the lots from 0, as their
    error keys do; JPEG, PNG or WebP, any number of parts each)."""

    seizure = serializers.CharField(
        help_text="The seizure as in a JSON request (office, detained_on, ..., lots), as JSON."
    )

    def validate_seizure(self, value: str) -> dict:
        return json_object_part(value, what="the seizure")


def lot_photos(files: MultiValueDict, lot_count: int) -> list[list[UploadedFile]]:
    """The photos of each lot from the parts `lots[N].photos`; a file in any other part, or
    for a lot not sent, is refused rather than silently dropped."""
    photos: list[list[UploadedFile]] = [[] for _ in range(lot_count)]
    errors = {}
    for part in files:
        match = LOT_PHOTOS_PART.match(part)
        if match and int(match.group(1)) < lot_count:
            photos[int(match.group(1))] = files.getlist(part)
        else:
            errors[part] = [f"Name photo parts lots[N].photos, N from 0 to {lot_count - 1}."]
    if errors:
        raise serializers.ValidationError(errors)
    return photos


class SeizureUpdateSerializer(SeizureCaseFieldsSerializer):
    """PATCH: any subset of the case fields, plus what completes the legal route: the dates of
    the agreements, and on the court route the proceedings and the judgment (Art. 23(3)-(5))."""

    right_holder_agreement_on = serializers.DateField(required=False, allow_null=True)
    declarant_agreement_on = serializers.DateField(required=False, allow_null=True)
    declarant_objected = serializers.BooleanField(required=False)
    court_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    court_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    proceedings_started_on = serializers.DateField(required=False, allow_null=True)
    proceedings_extension_days = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_PROCEEDINGS_EXTENSION_DAYS
    )
    proceedings_extension_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True
    )
    judgment_on = serializers.DateField(required=False, allow_null=True)
    judgment_outcome = serializers.ChoiceField(
        choices=JudgmentOutcome.choices, required=False, allow_blank=True
    )
    judgment_final_since = serializers.DateField(required=False, allow_null=True)
    appeal_until = serializers.DateField(required=False, allow_null=True)


class AddLotsSerializer(serializers.Serializer):
    lots = LotInputSerializer(many=True, allow_empty=False)


class MoveSerializer(serializers.Serializer):
    location = VisibleRelatedField(queryset=StorageLocation.objects.all())


class ReclassifySerializer(serializers.Serializer):
    """A lot's corrected classification. An omitted flag keeps the lot's value."""

    waste_class = serializers.ChoiceField(choices=WasteClass.choices)
    hazard_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=HazardClass.choices),
        required=False,
        help_text="UN classes; omit for the defaults of the new waste class (digest B18).",
    )
    controlled_substances = serializers.BooleanField(
        required=False, help_text="Controlled drugs (PHA-S2, X-WE-02)."
    )
    cytotoxic = serializers.BooleanField(
        required=False, help_text="Antineoplastic/cytotoxic drugs (PHA-M1)."
    )
    contains_asbestos = serializers.BooleanField(
        required=False, help_text="Suspected asbestos (AUT-S2, AUT-M3)."
    )
    high_risk = serializers.BooleanField(required=False, help_text="Flagged high-risk (X-WE-02).")
    ewc_code = WasteCodeField(
        required=False,
        allow_blank=True,
        help_text="List of Waste code; omit for the default of the new classification.",
    )
    hp_properties = hp_properties_field(
        required=False, help_text="Hazardous properties HP1-HP15; omit to keep the lot's."
    )
    reason = serializers.CharField(max_length=2000)


class ConditionSerializer(serializers.Serializer):
    """What was found of a lot's condition (X-CC-04, BAT-S2)."""

    damaged = serializers.BooleanField(help_text="Damaged, swollen or leaking.")
    note = serializers.CharField(max_length=2000, help_text="What was found.")
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="JPEG, PNG or WebP photos as evidence (multipart/form-data, one part each).",
    )


class AmendSerializer(serializers.Serializer):
    """An amendment: the values to change (by field name) and why. `changes` is read by the
    subclass's `fields_class`, so an amended value is parsed like the same value edited."""

    changes = serializers.DictField(help_text="Field name -> new value.")
    reason = serializers.CharField(max_length=MAX_TEXT)
    amendable: tuple[str, ...]
    fields_class: type[serializers.Serializer]

    def validate_changes(self, changes: dict) -> dict:
        unknown = sorted(set(changes) - set(self.amendable))
        if unknown:
            raise serializers.ValidationError(
                f"Only these can be amended: {', '.join(self.amendable)} "
                f"(not {', '.join(unknown)})."
            )
        inner = self.fields_class(data=changes, partial=True)
        if not inner.is_valid():
            raise serializers.ValidationError(inner.errors)
        return {name: inner.validated_data[name] for name in changes}


class SeizureAmendSerializer(AmendSerializer):
    amendable = LEGAL_FACTS
    fields_class = SeizureUpdateSerializer


class LotClassificationSerializer(serializers.Serializer):
    waste_class = serializers.ChoiceField(choices=WasteClass.choices)
    hazard_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=HazardClass.choices)
    )
    controlled_substances = serializers.BooleanField()
    cytotoxic = serializers.BooleanField()
    contains_asbestos = serializers.BooleanField()
    high_risk = serializers.BooleanField()


class LotAmendSerializer(AmendSerializer):
    amendable = CLASSIFICATION_FIELDS
    fields_class = LotClassificationSerializer


class AmendmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Amendment
        fields = ["id", "seizure", "lot", "occurred_at", "actor_name", "reason", "before", "after"]


class RightHolderActSerializer(serializers.ModelSerializer):
    seizure_reference = serializers.CharField(source="seizure.reference", read_only=True)

    class Meta:
        model = RightHolderAct
        fields = [
            "id",
            "seizure",
            "seizure_reference",
            "right_holder",
            "kind",
            "effective_on",
            "reason",
            "articles_requested",
            "extension_days_requested",
            "actor_name",
            "recorded_at",
        ]


class ConfirmInfringementSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class AgreementSerializer(serializers.Serializer):
    agreed_on = serializers.DateField(help_text="Date of the right holder's agreement.")


class RefusalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class SampleRequestSerializer(serializers.Serializer):
    articles = serializers.IntegerField(min_value=1, max_value=MAX_SAMPLE_ARTICLES)
    reason = serializers.CharField(max_length=MAX_TEXT, help_text="What the samples are for.")


class ExtensionRequestSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PROCEEDINGS_EXTENSION_DAYS,
        help_text="Working days asked for (Art. 23(4)).",
    )
    reason = serializers.CharField(max_length=MAX_TEXT)


class SampleSerializer(serializers.Serializer):
    articles = serializers.IntegerField(min_value=1)
    purpose = serializers.ChoiceField(choices=SamplePurpose.choices)
    holder = serializers.CharField(max_length=200)
    gross_weight_kg = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0"), required=False
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class LotLabelsSerializer(serializers.Serializer):
    lots = VisibleRelatedField(queryset=Lot.objects.all(), many=True, allow_empty=False)

    def validate_lots(self, value):
        if len(value) > 500:
            raise serializers.ValidationError("Print at most 500 labels at a time.")
        return value


class LocationLabelsSerializer(serializers.Serializer):
    locations = VisibleRelatedField(
        queryset=StorageLocation.objects.all(), many=True, allow_empty=False
    )

    def validate_locations(self, value):
        if len(value) > 500:
            raise serializers.ValidationError("Print at most 500 labels at a time.")
        return value


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV file, columns in seizures/examples/README.md; separated by commas, "
        "semicolons or tabs; UTF-8 (with or without BOM) or Windows-1252."
    )
    confirm_duplicates = serializers.BooleanField(
        default=False,
        help_text="Import even if the file was imported before (same SHA-256) or names "
        "consignment numbers already recorded; without it such a file answers 409.",
    )


class ImportResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField(help_text="Id of the intake batch (/intake-batches/{id}/).")
    url = serializers.CharField(help_text="The batch's result page.")
    seizures = serializers.IntegerField()
    lots = serializers.IntegerField()
    references = serializers.ListField(child=serializers.CharField())
    checksum = serializers.CharField(help_text="SHA-256 of the file.")
    encoding = serializers.CharField(help_text="How the file was decoded.")
    delimiter = serializers.CharField(help_text="The column separator found.")
    duplicates_confirmed = serializers.BooleanField()


class IntakeBatchSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    seizures = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)
    lots = serializers.SerializerMethodField()

    class Meta:
        model = IntakeBatch
        fields = [
            "id",
            "file_name",
            "checksum",
            "encoding",
            "delimiter",
            "duplicates_confirmed",
            "created_by",
            "created_at",
            "seizures",
            "lots",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_lots(self, batch) -> list[str]:
        return [lot.reference for seizure in batch.seizures.all() for lot in seizure.lots.all()]


class PlacementOptionLocationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PlacementOptionSerializer(serializers.Serializer):
    warehouse = serializers.CharField(source="warehouse.code")
    own = serializers.BooleanField(help_text="The lot's own warehouse (listed first).")
    locations = PlacementOptionLocationSerializer(many=True)


class ProposedPlacementSerializer(serializers.Serializer):
    lot = serializers.CharField(source="lot.reference")
    location = serializers.CharField(source="location.code", allow_null=True, default=None)
    refusals = serializers.ListField(child=serializers.CharField())


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()
