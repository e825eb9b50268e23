"""GET /api/v1/statistics/{year}/?format=json|csv|xlsx&office=<code or id>: a year's statistics
with the previous year's beside each figure. JSON and CSV stream; XLSX has one sheet per
breakdown plus totals. The JSON carries its data dictionary."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.models import StatisticsEdition
from compliance.statistics.annual import check_year
from compliance.statistics.editions import close_year, quality_gate
from compliance.statistics.exports import (
    CONTENT_TYPES,
    FORMATS,
    export_response,
    requested_statistics,
)
from project.api import FileNegotiation


class StatisticsView(APIView):
    permission_map = {"get": "compliance.view_statistics"}
    # `format` chooses the file of a success, not a DRF renderer.
    content_negotiation_class = FileNegotiation

    @extend_schema(
        summary="Annual statistics of a year, as JSON, CSV or XLSX",
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=list(FORMATS),
                default="json",
                description="json (with a data dictionary), csv (one long table: dimension, "
                "value, measure, figure) or xlsx (one sheet per breakdown plus totals).",
            ),
            OpenApiParameter(
                "office",
                OpenApiTypes.STR,
                description="Customs office code or id; all offices when absent.",
            ),
        ],
        responses={
            (200, CONTENT_TYPES["json"]): OpenApiTypes.OBJECT,
            (200, CONTENT_TYPES["csv"]): OpenApiTypes.STR,
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="Unknown format or office, or a year out of range."),
            403: OpenApiResponse(description="No permission to view statistics."),
        },
    )
    def get(self, request, year: int):
        """A year's statistics with the previous year's figure beside each; `format` chooses
        JSON (with its data dictionary), CSV or XLSX; errors answer in JSON."""
        file_format = request.query_params.get("format", "json")
        stats = requested_statistics(
            year, file_format, request.query_params.get("office") or "", user=request.user
        )
        return export_response(stats, file_format)


class EditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatisticsEdition
        fields = [
            "year",
            "number",
            "sha256",
            "rulebook_version",
            "closed_by_name",
            "closed_at",
            "reason",
            "quality_issues",
            "changes",
        ]
        read_only_fields = fields


class CloseYearSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    accept_quality_issues = serializers.BooleanField(required=False, default=False)


class QualityItemSerializer(serializers.Serializer):
    text = serializers.CharField()
    url = serializers.CharField()


class QualityIssueSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    fix = serializers.CharField()
    count = serializers.IntegerField()
    items = QualityItemSerializer(many=True)


class StatisticsEditionsView(APIView):
    """The frozen editions of a year; POST closes the year (or revises a closed one)."""

    permission_map = {"get": "compliance.view_statistics", "post": "compliance.close_statistics"}

    @extend_schema(
        summary="The frozen editions of a year, newest first",
        responses={
            200: EditionSerializer(many=True),
            400: OpenApiResponse(description="A year out of range."),
            403: OpenApiResponse(description="No permission to view statistics."),
        },
    )
    def get(self, request, year: int):
        check_year(year)
        editions = StatisticsEdition.objects.filter(year=year).order_by("-number")
        return Response(EditionSerializer(editions, many=True).data)

    @extend_schema(
        summary="Close a year: freeze its figures as an edition (a revision when closed already)",
        request=CloseYearSerializer,
        responses={
            201: EditionSerializer,
            400: OpenApiResponse(
                description="Data-quality issues not accepted, a revision without a reason or "
                "without any changed figure, or a year out of range."
            ),
            403: OpenApiResponse(description="Only administrators close a year."),
        },
    )
    def post(self, request, year: int):
        data = CloseYearSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        edition = close_year(year=year, actor=request.user, **data.validated_data)
        return Response(EditionSerializer(edition).data, status=status.HTTP_201_CREATED)


class StatisticsQualityView(APIView):
    """The data-quality gate of a year: what would make its figures wrong, with links."""

    permission_map = {"get": "compliance.close_statistics"}

    @extend_schema(
        summary="The data-quality gate shown before closing a year",
        responses={
            200: QualityIssueSerializer(many=True),
            400: OpenApiResponse(description="A year out of range."),
            403: OpenApiResponse(description="Only administrators close a year."),
        },
    )
    def get(self, request, year: int):
        check_year(year)
        issues = [issue.as_dict() for issue in quality_gate(year)]
        return Response(QualityIssueSerializer(issues, many=True).data)
