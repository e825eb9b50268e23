"""GET /api/v1/statistics/{year}/?format=json|csv|xlsx&office=<code or id>: a year's statistics
with the previous year's beside each figure. JSON and CSV stream; XLSX has one sheet per
breakdown plus totals. The JSON carries its data dictionary."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

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
