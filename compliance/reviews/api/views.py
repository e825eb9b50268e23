"""POST /api/v1/certificates/{number}/review/: an auditor's decision on a certificate."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.reviews.api.serializers import CertificateReviewSerializer, ReviewCertificateInput
from compliance.reviews.services import review_certificate
from destruction.models import Certificate


class ReviewCertificateView(APIView):
    permission_map = {"post": "compliance.review_certificate"}

    @extend_schema(
        summary="Approve or flag a certificate (one review per certificate)",
        request=ReviewCertificateInput,
        responses={
            201: CertificateReviewSerializer,
            403: OpenApiResponse(
                description="No auditor role, or a separation-of-duties conflict."
            ),
            409: OpenApiResponse(description="Certificate not valid, or already reviewed."),
        },
    )
    def post(self, request, number: str):
        """An environmental auditor approves or flags a valid certificate, with findings and a
        comment; one review per certificate, never by whoever issued it or prepared the order."""
        certificate = get_object_or_404(
            Certificate.objects.visible_to(request.user).defer("pdf", "snapshot"), number=number
        )
        data = ReviewCertificateInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            review = review_certificate(
                certificate=certificate,
                decision=data.validated_data["decision"],
                findings=[dict(f) for f in data.validated_data.get("findings", [])],
                comment=data.validated_data.get("comment", ""),
                actor=request.user,
            )
        except DjangoPermissionDenied as refusal:
            # Keep the service's explanation (separation of duties) in the 403 body.
            raise PermissionDenied(str(refusal)) from refusal
        return Response(CertificateReviewSerializer(review).data, status=status.HTTP_201_CREATED)
