"""Input and output serializers of the certificate endpoints and the public verification."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from destruction.certificates.services import MAX_UPLOAD_BYTES, UploadMatch
from destruction.models import Certificate, DestructionOrder
from project.users import display_name
from seizures.api.serializers import VisibleSlugRelatedField


class TotalsSerializer(serializers.Serializer):
    lots = serializers.IntegerField()
    articles = serializers.IntegerField()
    weight_kg = serializers.CharField()
    methods = serializers.ListField(child=serializers.CharField())


class CertificateListSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.reference")
    office = serializers.CharField(source="office.code")
    facility = serializers.CharField(source="order.facility.name")
    issued_by = serializers.SerializerMethodField()
    verdict = serializers.CharField(
        help_text="Compliance verdict frozen in the certificate; empty: no check recorded."
    )
    totals = TotalsSerializer()
    review = serializers.CharField(
        source="review_decision", allow_null=True, help_text="approved, flagged or null."
    )
    reviewed_at = serializers.DateTimeField(allow_null=True)
    supersedes = serializers.CharField(source="supersedes_number", allow_null=True)
    superseded_by = serializers.CharField(source="superseded_by_number", allow_null=True)

    class Meta:
        model = Certificate
        fields = [
            "number",
            "status",
            "order",
            "office",
            "facility",
            "issued_at",
            "issued_by",
            "sha256",
            "verdict",
            "totals",
            "review",
            "reviewed_at",
            "supersedes",
            "superseded_by",
            "revoked_at",
            "revocation_reason",
        ]

    def get_issued_by(self, certificate) -> str:
        return display_name(certificate.issued_by)


class SnapshotSerializer(serializers.Serializer):
    """The parts of a certificate's snapshot (schema names its version). Snapshots are stored as
    issued, so an older one may lack a part a newer schema added."""

    schema = serializers.IntegerField(required=False, help_text="Version of the snapshot layout.")
    number = serializers.CharField(required=False)
    issued_at = serializers.CharField(required=False)
    issue_date = serializers.CharField(required=False)
    issued_by = serializers.CharField(required=False)
    verification_url = serializers.CharField(required=False)
    supersedes = serializers.DictField(required=False, allow_null=True)
    office = serializers.DictField(required=False)
    order = serializers.DictField(required=False)
    legal_bases = serializers.ListField(child=serializers.DictField(), required=False)
    right_holders = serializers.ListField(child=serializers.DictField(), required=False)
    seizures = serializers.ListField(child=serializers.DictField(), required=False)
    lots = serializers.ListField(child=serializers.DictField(), required=False)
    samples = serializers.ListField(child=serializers.DictField(), required=False)
    methods = serializers.ListField(child=serializers.DictField(), required=False)
    facility = serializers.DictField(required=False)
    transport = serializers.DictField(required=False)
    execution = serializers.DictField(required=False)
    mass_balance = serializers.DictField(required=False)
    witnesses = serializers.ListField(child=serializers.DictField(), required=False)
    evidence = serializers.ListField(child=serializers.DictField(), required=False)
    compliance = serializers.DictField(required=False)
    justifications = serializers.ListField(child=serializers.DictField(), required=False)
    totals = TotalsSerializer(required=False)


@extend_schema_field(SnapshotSerializer)
class SnapshotField(serializers.JSONField):
    """The stored snapshot, served byte for byte as issued; typed in the schema."""


class CertificateDetailSerializer(CertificateListSerializer):
    snapshot = SnapshotField(help_text="Everything the certificate states, as issued.")
    verification_code = serializers.CharField(
        help_text="The code of the public verification page (the end of "
        "snapshot.verification_url), for a right holder or an authority to check the "
        "certificate with."
    )

    class Meta(CertificateListSerializer.Meta):
        fields = [*CertificateListSerializer.Meta.fields, "verification_code", "snapshot"]


class IssueCertificateInput(serializers.Serializer):
    order = VisibleSlugRelatedField(
        slug_field="reference",
        queryset=DestructionOrder.objects.all(),
        help_text="Reference of an executed destruction order.",
    )


class RevokeCertificateInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReissueCertificateInput(serializers.Serializer):
    note = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="What the corrected certificate changes; printed on it.",
    )


class DecisionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["review", "revocation"])
    decision = serializers.CharField(help_text="approved, flagged or revoked.")
    date = serializers.DateField()
    reason = serializers.CharField(allow_blank=True, help_text="Revocation reason.")


class SealSerializer(serializers.Serializer):
    present = serializers.BooleanField(help_text="The PDF carries the administration's seal.")
    valid = serializers.BooleanField(
        help_text="Intact, by the configured seal certificate, chaining to its CA."
    )
    signer = serializers.CharField(allow_blank=True, help_text="Common name of the seal.")
    signed_at = serializers.DateTimeField(
        allow_null=True, help_text="Timestamp (B-T) or the seal's signing time (B-B)."
    )


class MethodLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class PublicCertificateSerializer(serializers.Serializer):
    """What anyone holding the verification code may see: no personal names."""

    number = serializers.CharField()
    status = serializers.CharField()
    issue_date = serializers.DateField()
    issuing_office = serializers.CharField()
    totals = TotalsSerializer()
    sha256 = serializers.CharField(help_text="SHA-256 of the genuine PDF.")
    supersedes = serializers.CharField(allow_null=True)
    superseded_by = serializers.CharField(allow_null=True)
    revocation_reason = serializers.CharField(allow_blank=True)
    methods = MethodLabelSerializer(many=True, help_text="The methods in words.")
    seal = SealSerializer(help_text="The seal of the genuine PDF, validated now.")
    decisions = DecisionSerializer(many=True)


class UploadCheckInput(serializers.Serializer):
    file = serializers.FileField(help_text="The PDF to compare with the genuine certificate.")

    def validate_file(self, upload):
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError("The file is larger than any certificate (20 MB).")
        return upload


class UploadCheckSerializer(serializers.Serializer):
    match = serializers.ChoiceField(
        choices=UploadMatch.choices,
        help_text="identical: byte for byte the genuine PDF; sealed_copy: a valid seal covers "
        "exactly the genuine content (a tool appended changes after it); broken_seal: the seal "
        "does not match the content; other_document: a valid seal over other content; "
        "different: neither.",
    )
    genuine = serializers.BooleanField(help_text="identical or sealed_copy.")
    matches = serializers.BooleanField(help_text="True if byte-identical to the genuine PDF.")
    uploaded_sha256 = serializers.CharField()
    seal = SealSerializer(help_text="The seal found in the uploaded file.")
    certificate = PublicCertificateSerializer()
