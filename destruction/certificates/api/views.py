"""Certificate endpoints (issue, list, PDF, revoke, re-issue) and the public verification."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from destruction.certificates.api.serializers import (
    CertificateDetailSerializer,
    CertificateListSerializer,
    IssueCertificateInput,
    PublicCertificateSerializer,
    ReissueCertificateInput,
    RevokeCertificateInput,
    UploadCheckInput,
    UploadCheckSerializer,
)
from destruction.certificates.filtersets import CertificateFilterSet
from destruction.certificates.services import (
    check_upload,
    issue_certificate,
    public_status,
    reissue_certificate,
    revoke_certificate,
    verifiable,
)
from destruction.models import Certificate
from project import audit
from project.api import FileNegotiation
from project.client_address import client_address

CONFLICT = OpenApiResponse(description="The certificate or order is not in a state for this.")


class VerifyThrottle(SimpleRateThrottle):
    """Scope "verify", per client address (project.client_address: X-Forwarded-For counts only
    behind DJANGO_NUM_PROXIES), for the public page and API alike."""

    scope = "verify"

    def get_ident(self, request) -> str:
        return client_address(request)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def pdf_response(certificate: Certificate) -> HttpResponse:
    """The certificate's PDF; every download is in the audit trail."""
    audit.record_download(certificate, what=f"{certificate.number}.pdf")
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    response["X-Content-SHA256"] = certificate.sha256
    return response


@extend_schema_view(
    list=extend_schema(
        summary="Certificates of destruction (filterable)",
        description="Certificates of destruction, newest first, filtered by status, office, "
        "facility, dates and review.",
    ),
    retrieve=extend_schema(
        summary="One certificate with its frozen snapshot",
        description="One certificate with everything it states as issued (the snapshot) and, "
        "for those allowed to issue or revoke certificates, its verification code.",
    ),
)
class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "number"
    lookup_value_regex = r"CD-\d{4}-\d+"
    filterset_class = CertificateFilterSet
    ordering_fields = ["issued_at", "number"]
    permission_map = {
        "create": "destruction.issue_certificate",
        "pdf": "destruction.view_certificate",
        "revoke": "destruction.revoke_certificate",
        "reissue": "destruction.revoke_certificate",
    }

    def get_queryset(self):
        queryset = Certificate.objects.visible_to(self.request.user).for_list()
        if self.action == "retrieve":
            queryset = queryset.defer(None)
        return queryset

    def get_serializer_class(self):
        return (
            CertificateDetailSerializer if self.action == "retrieve" else CertificateListSerializer
        )

    def detail_of(self, certificate: Certificate) -> dict:
        certificate = Certificate.objects.for_list().defer(None).get(pk=certificate.pk)
        return CertificateDetailSerializer(certificate).data

    @extend_schema(
        summary="Issue the certificate of an executed order",
        request=IssueCertificateInput,
        responses={201: CertificateDetailSerializer, 409: CONFLICT},
    )
    def create(self, request):
        """Certify an executed order whose latest record check has no blocking finding: a new
        valid certificate (number, snapshot, PDF, SHA-256); the lots become certified."""
        data = IssueCertificateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        certificate = issue_certificate(order=data.validated_data["order"], actor=request.user)
        return Response(self.detail_of(certificate), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The certificate's PDF, byte for byte as issued",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=FileNegotiation)
    def pdf(self, request, number=None):
        """The PDF exactly as issued (its SHA-256 in X-Content-SHA256); errors in JSON."""
        certificate = self.get_object_with_pdf()
        return pdf_response(certificate)

    def get_object_with_pdf(self) -> Certificate:
        certificate = self.get_object()
        return Certificate.objects.only("number", "pdf", "sha256").get(pk=certificate.pk)

    @extend_schema(
        summary="Revoke a valid certificate with a reason",
        request=RevokeCertificateInput,
        responses={200: CertificateDetailSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, number=None):
        """Revoke a valid certificate, with the reason; it stays on record as revoked."""
        certificate = self.get_object()
        data = RevokeCertificateInput(data=request.data)
        data.is_valid(raise_exception=True)
        revoked = revoke_certificate(
            certificate=certificate, reason=data.validated_data["reason"], actor=request.user
        )
        return Response(self.detail_of(revoked))

    @extend_schema(
        summary="Re-issue a revoked certificate as a corrected one that supersedes it",
        request=ReissueCertificateInput,
        responses={201: CertificateDetailSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reissue(self, request, number=None):
        """Issue a corrected certificate for the order of a revoked one; it supersedes it."""
        certificate = self.get_object()
        data = ReissueCertificateInput(data=request.data)
        data.is_valid(raise_exception=True)
        new = reissue_certificate(
            certificate=certificate, note=data.validated_data.get("note", ""), actor=request.user
        )
        return Response(self.detail_of(new), status=status.HTTP_201_CREATED)


class VerifyView(APIView):
    """Public: no login. GET the status of a certificate by its verification code, with the seal
    of its genuine PDF; POST a PDF to learn whether it is the genuine certificate (byte-identical,
    or a copy whose valid seal covers exactly the genuine content). Rate-limited (scope
    verify)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (VerifyThrottle,)
    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(
        summary="Public status of a certificate",
        auth=[],
        responses={200: PublicCertificateSerializer, 404: OpenApiResponse(description="Unknown")},
    )
    def get(self, request, code: str):
        certificate = verifiable(code)
        return Response(PublicCertificateSerializer(public_status(certificate)).data)

    @extend_schema(
        summary="Check an uploaded PDF against the genuine certificate and its seal",
        auth=[],
        request={"multipart/form-data": UploadCheckInput},
        responses={200: UploadCheckSerializer, 404: OpenApiResponse(description="Unknown")},
    )
    def post(self, request, code: str):
        certificate = verifiable(code)
        data = UploadCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = {
            **check_upload(certificate, data.validated_data["file"]),
            "certificate": public_status(certificate),
        }
        return Response(UploadCheckSerializer(body).data)
