"""GET /api/v1/statements/ (filters right_holder, from, to, status, overdue), one statement with
its lines and payments, issue (POST), payments, and the PDF and CSV."""

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from destruction.costs.api.serializers import (
    IssueStatementInput,
    PaymentInput,
    StatementDetailSerializer,
    StatementSerializer,
)
from destruction.costs.documents import statement_csv, statement_pdf
from destruction.costs.filtersets import StatementFilterSet
from destruction.costs.models import CostEntry, Statement
from destruction.costs.services import issue_statement, record_payment
from project.api import FileNegotiation

CONFLICT = OpenApiResponse(description="The statement is already paid.")


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_lines(statements):
    lines = CostEntry.objects.in_statement_order()
    return statements.prefetch_related(
        Prefetch("entries", queryset=lines, to_attr="sorted_lines"), "payments"
    )


@extend_schema_view(
    list=extend_schema(
        summary="Cost statements (filterable)",
        description="Statements, newest first; `from`/`to` list those whose period overlaps.",
    ),
    retrieve=extend_schema(
        summary="One statement with its cost lines and payments",
        description="Every cost line names its seizure and lot, the rule that set the amount "
        "and the payer.",
    ),
)
class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = StatementFilterSet
    ordering_fields = ["issued_at", "due_on", "number"]
    permission_map = {
        "create": "destruction.add_statement",
        "payments": "destruction.record_payment",
        "pdf": "destruction.view_statement",
        "csv": "destruction.view_statement",
    }

    def get_queryset(self):
        queryset = Statement.objects.visible_to(self.request.user).for_list()
        return _with_lines(queryset) if self.action == "retrieve" else queryset

    def get_serializer_class(self):
        return StatementDetailSerializer if self.action == "retrieve" else StatementSerializer

    def detail_of(self, statement: Statement) -> dict:
        fresh = _with_lines(Statement.objects.for_list()).get(pk=statement.pk)
        return StatementDetailSerializer(fresh).data

    @extend_schema(
        summary="Issue a statement of a right holder's unbilled costs in a period",
        request=IssueStatementInput,
        responses={201: StatementDetailSerializer},
    )
    def create(self, request):
        """Bills the right holder's unbilled costs incurred in the period (one seizure's if
        given); 400 when there is nothing to bill."""
        data = IssueStatementInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        statement = issue_statement(
            right_holder=values["right_holder"],
            period_from=values["period_from"],
            period_to=values["period_to"],
            seizure_id=values["seizure"].pk if values.get("seizure") else None,
            actor=request.user,
        )
        return Response(self.detail_of(statement), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a payment against the statement",
        request=PaymentInput,
        responses={200: StatementDetailSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        """Part-paid until the total is reached, then paid; more than outstanding is a 400."""
        statement = self.get_object()
        data = PaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        paid = record_payment(statement=statement, actor=request.user, **data.validated_data)
        return Response(self.detail_of(paid))

    @extend_schema(
        summary="The statement as PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=FileNegotiation)
    def pdf(self, request, pk=None):
        statement = self.get_object()
        return _file(statement_pdf(statement), "application/pdf", f"{statement.number}.pdf")

    @extend_schema(
        summary="The statement as CSV",
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=FileNegotiation)
    def csv(self, request, pk=None):
        statement = self.get_object()
        return _file(statement_csv(statement), "text/csv; charset=utf-8", f"{statement.number}.csv")
