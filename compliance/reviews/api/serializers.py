"""Input and output serializers of the certificate review endpoint."""

from rest_framework import serializers

from compliance.models import CertificateReview
from compliance.reviews.services import SEVERITIES
from project.users import display_name


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Rule id, e.g. X-CE-02."
    )
    severity = serializers.ChoiceField(choices=SEVERITIES)
    message = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Free-text finding."
    )


class ReviewCertificateInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=CertificateReview.Decision.choices)
    findings = FindingSerializer(many=True, required=False)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class CertificateReviewSerializer(serializers.ModelSerializer):
    certificate = serializers.CharField(source="certificate.number")
    findings = FindingSerializer(many=True)
    reviewer = serializers.SerializerMethodField()

    class Meta:
        model = CertificateReview
        fields = ["certificate", "decision", "findings", "comment", "reviewer", "decided_at"]

    def get_reviewer(self, review) -> str:
        return display_name(review.reviewer)
