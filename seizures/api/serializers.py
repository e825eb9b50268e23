"""Input serializers (plain Serializers: HTTP -> service arguments) and output serializers."""

from decimal import Decimal

from django_countries import countries
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from seizures.categories import HazardClass, ProductCategory, WasteClass
from seizures.deadlines import MAX_PROCEEDINGS_EXTENSION_DAYS
from seizures.models import (
    CLASSIFICATION_FIELDS,
    LOT_INTAKE_FLAGS,
    ActionType,
    Amendment,
    CustodyEvent,
    CustodySeal,
    CustomsOffice,
    CustomsProcedure,
    Holiday,
    IntakeBatch,
    IPRType,
    JudgmentOutcome,
    LegalRoute,
    Lot,
    RightHolder,
    RightHolderAct,
    SamplePurpose,
    Seizure,
    StorageLocation,
    TrafficType,
    TransportMode,
    Warehouse,
)
from seizures.seals import message_of
from seizures.services.amendments import LEGAL_FACTS
from seizures.services.right_holders import MAX_SAMPLE_ARTICLES
from seizures.validation import MAX_TEXT, LotInput
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


# --- input -------------------------------------------------------------------------------


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
