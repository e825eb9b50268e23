"""API of the compliance rulebook: the what-if check (any logged-in user), the rules, and the
stored checks with the rulebook version each used."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.api import serializers as s
from compliance.checks import current_rulebook
from compliance.filtersets import (
    ComplianceCheckFilterSet,
    RuleFilterForm,
    RuleFilterSet,
)
from compliance.forms import RuleChangesForm
from compliance.models import ComplianceCheck
from compliance.rulebook.catalogue import rule_data, rulebook_changes
from compliance.services import run_what_if
from project.api import ERROR, BoundedJSONParser
from seizures.waste_codes import lookup

VIEW_CHECKS = "compliance.view_compliancecheck"


class WhatIfView(APIView):
    """POST /api/v1/compliance/check/: check a planned destruction against the rulebook
    without storing anything. Open to every logged-in user: it is a planning aid over the
    published rulebook. JSON only: a form or multipart body cannot carry the nested facility and
    parameters, which would be dropped silently and give a reassuring but wrong answer (415)."""

    permission_map = {"post": None}
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        summary="What-if compliance check of a planned destruction",
        request=s.WhatIfInput,
        responses={200: s.WhatIfResultSerializer, 400: ERROR, 401: ERROR, 415: ERROR},
    )
    def post(self, request):
        data = s.WhatIfInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = run_what_if(data.validated_data)
        return Response(
            s.WhatIfResultSerializer(
                {
                    "verdict": result.verdict,
                    "rulebook_version": result.rulebook_version,
                    "ewc_code": result.facts["ewc_code"],
                    "ewc_description": lookup(result.facts["ewc_code"]).description,
                    "hazardous_waste": result.facts["hazardous_waste"],
                    "findings": result.findings,
                }
            ).data
        )


RULE_FILTERS = [
    OpenApiParameter(name, str, description=str(field.help_text or field.label), enum=enum)
    for name, field in RuleFilterForm.base_fields.items()
    for enum in [[value for value, _ in getattr(field, "choices", []) if value] or None]
]


class RuleViewSet(viewsets.GenericViewSet):
    """The rules of the rulebook in force, with their sources and marks."""

    permission_map = {"list": VIEW_CHECKS, "retrieve": VIEW_CHECKS, "metadata": VIEW_CHECKS}
    serializer_class = s.RuleSerializer
    filter_backends = ()
    lookup_value_regex = "[^/]+"

    @extend_schema(parameters=RULE_FILTERS, responses={200: s.RuleSerializer(many=True)})
    def list(self, request):
        filterset = RuleFilterSet(request.query_params, current_rulebook().rules)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        page = self.paginate_queryset([rule_data(rule) for rule in filterset.qs])
        return self.get_paginated_response(s.RuleSerializer(page, many=True).data)

    @extend_schema(responses={200: s.RuleSerializer, 404: ERROR})
    def retrieve(self, request, pk: str):
        try:
            rule = current_rulebook().rule(pk)
        except KeyError:
            raise Http404 from None
        return Response(s.RuleSerializer(rule_data(rule)).data)


class RulebookChangesView(APIView):
    """GET /api/v1/compliance/rulebook/changes/?from=&to=: the rules added, removed and changed
    between two kept rulebook versions (the changes page as data). Validated by the page's
    form: an unknown version is a 400 naming the parameter."""

    permission_map = {"get": VIEW_CHECKS}

    @extend_schema(
        summary="Rules added, removed and changed between two rulebook versions",
        parameters=[
            OpenApiParameter("from", str, description="The older kept version, e.g. 2026.2."),
            OpenApiParameter("to", str, description="The newer kept version, e.g. 2026.3."),
        ],
        responses={200: s.RulebookChangesSerializer, 400: ERROR, 403: ERROR},
    )
    def get(self, request):
        form = RuleChangesForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        data = form.cleaned_data
        return Response(
            s.RulebookChangesSerializer(rulebook_changes(data["from"], data["to"])).data
        )


class ComplianceCheckViewSet(viewsets.ReadOnlyModelViewSet):
    """Stored checks (placements, order submission and approval, destruction records), each
    with the rulebook version it used."""

    serializer_class = s.ComplianceCheckSerializer
    filterset_class = ComplianceCheckFilterSet

    def get_queryset(self):
        return ComplianceCheck.objects.visible_to(self.request.user).for_list()
