"""API of the destruction app: facilities (administrators write) and destruction orders, with
one POST action per step (input serializer -> one service -> the updated order)."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from destruction import services
from destruction.api import inputs
from destruction.api import receipts as r
from destruction.api import serializers as s
from destruction.api import transport as t
from destruction.evidence import file_response
from destruction.filtersets import (
    DestructionOrderFilterSet,
    FacilityFilterSet,
    eligible_lots,
)
from destruction.models import DestructionOrder, EvidenceFile, Facility, Receipt
from destruction.proposals import propose
from destruction.transport import documents as transport
from destruction.transport.views import document_response
from project.api import ERROR, BoundedJSONParser, FileNegotiation
from project.routers import ID_PATTERN
from seizures.filtersets import LotFilterSet
from seizures.models import Lot
from seizures.scoping import refuse_invisible

WRITE_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}
ORDER_RESPONSES = {200: s.DestructionOrderDetailSerializer, **WRITE_ERRORS}
FILE_RESPONSE = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The evidence file as uploaded."
    ),
    403: ERROR,
    404: ERROR,
}


@contextmanager
def errors_under_lines(to: str = "lines"):
    """The order services name the lots of a plan `lots` in their errors (the planner page's
    field); the API's create, add-lots and change requests name them `lines`, so their errors
    come back under `lines` too (one name per concept). The proposals request names them
    `lots`, as the service does."""
    try:
        yield
    except DjangoValidationError as error:
        if to == "lots" or not hasattr(error, "error_dict") or "lots" not in error.error_dict:
            raise
        errors = dict(error.error_dict)
        errors[to] = [*errors.get(to, []), *errors.pop("lots")]
        raise DjangoValidationError(errors) from error


def option_row(option, facilities) -> dict:
    return {
        "method": option.method,
        "facility": option.facility,
        "facility_name": facilities.get(option.facility),
        "verdict": str(option.verdict),
        "findings": [
            {
                "rule": finding.rule,
                "severity": str(finding.severity),
                "message": finding.message,
                "detail": finding.detail,
                "lot": finding.lot,
            }
            for finding in option.findings
        ],
    }


def proposal_rows(proposals) -> list[dict]:
    """Proposals as the API answers them, with the names of facilities and lots (two
    queries)."""
    used = {
        option.facility
        for proposal in proposals
        for option in (proposal.option, *proposal.alternatives)
    }
    facilities = dict(Facility.objects.filter(pk__in=used).values_list("pk", "name"))
    lots = dict(
        Lot.objects.filter(pk__in=[p.lot for p in proposals]).values_list("pk", "reference")
    )
    return [
        {
            "lot": proposal.lot,
            "lot_reference": lots[proposal.lot],
            **option_row(proposal.option, facilities),
            "alternatives": [option_row(option, facilities) for option in proposal.alternatives],
        }
        for proposal in proposals
    ]


def valid(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


class FacilityViewSet(viewsets.ModelViewSet):
    """Disposal facilities and their permits (digest X-MF-03). Everyone with the view permission
    reads; administrators create, change and delete."""

    filter_backends = (DjangoFilterBackend,)
    filterset_class = FacilityFilterSet
    serializer_class = s.FacilitySerializer
    http_method_names = ("get", "post", "put", "patch", "delete", "head", "options")
    permission_map = {
        "create": "destruction.add_facility",
        "update": "destruction.change_facility",
        "partial_update": "destruction.change_facility",
        "destroy": "destruction.delete_facility",
    }

    def get_queryset(self):
        return Facility.objects.for_list()

    def _facility(self, facility, code=status.HTTP_200_OK) -> Response:
        return Response(
            s.FacilitySerializer(self.get_queryset().get(pk=facility.pk)).data, status=code
        )

    @extend_schema(
        request=s.FacilityInputSerializer, responses={201: s.FacilitySerializer, **WRITE_ERRORS}
    )
    def create(self, request, *args, **kwargs):
        data = valid(s.FacilityInputSerializer, request.data).to_service_arguments()
        facility = services.save_facility(actor=request.user, **data)
        return self._facility(facility, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.FacilityInputSerializer, responses={200: s.FacilitySerializer, **WRITE_ERRORS}
    )
    def update(self, request, *args, **kwargs):
        facility = self.get_object()
        serializer = valid(
            s.FacilityInputSerializer,
            request.data,
            instance=facility,
            partial=kwargs.get("partial", False),
        )
        services.save_facility(
            actor=request.user, facility=facility, **serializer.to_service_arguments()
        )
        return self._facility(facility)

    @extend_schema(
        request=s.FacilityInputSerializer, responses={200: s.FacilitySerializer, **WRITE_ERRORS}
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses={204: None, **WRITE_ERRORS})
    def destroy(self, request, *args, **kwargs):
        services.delete_facility(facility=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DestructionOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Destruction orders: draft -> submitted -> approved (four eyes) -> dispatched -> executed,
    cancelled before execution. Each write answers the updated order."""

    filter_backends = (DjangoFilterBackend,)
    filterset_class = DestructionOrderFilterSet
    permission_map = {
        "create": "destruction.add_destructionorder",
        "eligible_lots": "destruction.add_destructionorder",
        "propose": "destruction.add_destructionorder",
        "partial_update": "destruction.change_destructionorder",
        "return_to_draft": "destruction.submit_order",
        "add_lots": "destruction.change_destructionorder",
        "remove_lots": "destruction.change_destructionorder",
        "line_references": "destruction.change_destructionorder",
        "submit": "destruction.submit_order",
        "approve": "destruction.approve_order",
        "dispatch_order": "destruction.dispatch_order",
        "record": "destruction.record_destruction",
        "cancel": "destruction.cancel_order",
        "upload_evidence": "destruction.record_destruction",
        "download_evidence": "destruction.view_evidencefile",
        "receipt": "destruction.receive_order",
        "resolve_receipt": "destruction.resolve_receipt",
        "countersign": "destruction.countersign_record",
        "transport_document": "destruction.view_destructionorder",
        "transport": "destruction.view_destructionorder",
        "transport_annex_vii": "destruction.view_destructionorder",
    }

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return DestructionOrder.objects.visible_to(user).for_list()
        if self.action == "eligible_lots":
            return eligible_lots().visible_to(user)
        return DestructionOrder.objects.visible_to(user).for_detail()

    def _valid(self, serializer_class, data):
        """Validated input; lots named by id are looked up among those the user may see."""
        return valid(serializer_class, data, context=self.get_serializer_context())

    def get_serializer_class(self):
        if self.action == "list":
            return s.DestructionOrderSerializer
        return s.DestructionOrderDetailSerializer

    def _order(self, order, code=status.HTTP_200_OK) -> Response:
        order = DestructionOrder.objects.for_detail().get(pk=order.pk)
        return Response(s.DestructionOrderDetailSerializer(order).data, status=code)

    @extend_schema(
        request=inputs.OrderCreateSerializer,
        responses={201: s.DestructionOrderDetailSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        """Plan an order from eligible lots; they are allocated to it."""
        data = self._valid(inputs.OrderCreateSerializer, request.data).to_service_arguments()
        with errors_under_lines():
            order = services.create_order(actor=request.user, **data)
        return self._order(order, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.OrderUpdateSerializer,
        responses=ORDER_RESPONSES,
        description="Change a draft order: facility, planned date, carrier, seals, planned "
        "witnesses and the method (or X-MF-02 justification) of its lots. A field left out stays "
        "as it is; the lots are checked again against the new plan, and each lot a change "
        "concerns gets a custody event `order_changed`. 409 unless the order is a draft.",
    )
    def partial_update(self, request, pk=None):
        order = self.get_object()
        data = valid(inputs.OrderUpdateSerializer, request.data).to_service_arguments()
        with errors_under_lines():
            services.update_draft(order=order, actor=request.user, **data)
        return self._order(order)

    @extend_schema(
        request=inputs.ProposeSerializer,
        responses={200: inputs.ProposalsSerializer, 400: ERROR, 403: ERROR},
    )
    @action(detail=False, methods=["post"])
    def propose(self, request):
        """Propose, for each lot, the best-ranked method the rulebook permits for it whose
        conditions it meets, at the nearest facility whose permits cover it on the planned day
        (same country as the lot's office first, then the facilities the office uses most), with
        the rulebook's verdict and findings and the other options it meets. Nothing is stored;
        plan the order(s) with POST /api/v1/destruction-orders/, one per facility."""
        data = valid(inputs.ProposeSerializer, request.data).validated_data
        refuse_invisible(request.user, Lot.objects.filter(pk__in=data["lots"]), field="lots")
        with errors_under_lines(to="lots"):
            proposals = propose(data["lots"], planned_on=data["planned_on"])
        return Response(inputs.ProposalsSerializer({"lines": proposal_rows(proposals)}).data)

    @extend_schema(
        responses={200: s.EligibleLotSerializer(many=True), 400: ERROR, 403: ERROR},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="eligible-lots",
        # The lot list's own filters (and so the schema lists them for this action).
        filterset_class=LotFilterSet,
    )
    def eligible_lots(self, request):
        """Lots that may be planned today (in storage, no hold, legal route complete), filtered
        with the lot list's parameters."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.EligibleLotSerializer(page, many=True).data)

    @extend_schema(request=inputs.OrderAddLotsSerializer, responses=ORDER_RESPONSES)
    @action(detail=True, methods=["post"], url_path="add-lots")
    def add_lots(self, request, pk=None):
        """Add eligible lots to a draft order."""
        order = self.get_object()
        data = self._valid(inputs.OrderAddLotsSerializer, request.data).to_service_arguments()
        with errors_under_lines():
            services.add_lots(order=order, actor=request.user, **data)
        return self._order(order)

    @extend_schema(request=inputs.OrderRemoveLotsSerializer, responses=ORDER_RESPONSES)
    @action(detail=True, methods=["post"], url_path="remove-lots")
    def remove_lots(self, request, pk=None):
        """Take lots out of a draft order; they return to storage."""
        order = self.get_object()
        data = self._valid(inputs.OrderRemoveLotsSerializer, request.data).validated_data
        services.remove_lots(
            order=order, lots=data["lots"], reason=data.get("reason", ""), actor=request.user
        )
        return self._order(order)

    @extend_schema(request=inputs.LineReferencesSerializer, responses=ORDER_RESPONSES)
    @action(detail=True, methods=["post"], url_path="line-references")
    def line_references(self, request, pk=None):
        """Record or correct the references (consent, customs decision, lab report) of one
        line of a draft order; the compliance check at submission reads them."""
        order = self.get_object()
        data = dict(self._valid(inputs.LineReferencesSerializer, request.data).validated_data)
        services.update_line_references(
            order=order, lot=data.pop("lot"), actor=request.user, **data
        )
        return self._order(order)

    @extend_schema(request=None, responses=ORDER_RESPONSES)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft for approval (lots re-checked, compliance check run)."""
        order = self.get_object()
        services.submit_order(order=order, actor=request.user)
        return self._order(order)

    @extend_schema(request=inputs.ReturnToDraftSerializer, responses=ORDER_RESPONSES)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        """Take a submitted order back to draft, with a reason: only its preparer may (403
        otherwise); it can then be changed and is submitted again."""
        order = self.get_object()
        reason = valid(inputs.ReturnToDraftSerializer, request.data).validated_data["reason"]
        try:
            services.return_to_draft(order=order, actor=request.user, reason=reason)
        except DjangoPermissionDenied as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        return self._order(order)

    @extend_schema(request=inputs.ApproveSerializer, responses=ORDER_RESPONSES)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a submitted order; refused to whoever prepared or submitted it. Every
        warning of the submit check (the order's `submit_check.to_acknowledge`) is acknowledged
        in `acknowledgements`, X-MF-02 with its justification; they are stored with the
        approval and printed on the certificate. 400 names each warning left out."""
        order = self.get_object()
        data = valid(inputs.ApproveSerializer, request.data).to_service_arguments()
        try:
            services.approve_order(order=order, actor=request.user, **data)
        except DjangoPermissionDenied as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        return self._order(order)

    @extend_schema(request=inputs.DispatchSerializer, responses=ORDER_RESPONSES)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_order(self, request, pk=None):
        """The lots leave under seal: dispatch weight (total or per lot); lots in transit."""
        order = self.get_object()
        data = self._valid(inputs.DispatchSerializer, request.data).to_service_arguments()
        services.dispatch_order(order=order, actor=request.user, **data)
        return self._order(order)

    @extend_schema(
        request={
            "application/json": inputs.RecordSerializer,
            "multipart/form-data": inputs.RecordWithEvidenceSerializer,
        },
        responses=ORDER_RESPONSES,
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=(BoundedJSONParser, MultiPartParser),
    )
    def record(self, request, pk=None):
        """Record the destruction: JSON, or multipart/form-data with the evidence files (the
        JSON body in the part `record`, files in parts named by kind: `minutes`, `photo`, ...).
        The record check runs and the order answers with it (`record_check`: verdict, findings
        and `next_steps`, e.g. the signed minutes to upload when X-WE-04 blocks); evidence
        added later with POST .../evidence/ runs it again."""
        order = self.get_object()
        if request.content_type.startswith("multipart/"):
            data = self._valid(
                inputs.RecordWithEvidenceSerializer, request.data
            ).to_service_arguments()
        else:
            data = self._valid(inputs.RecordSerializer, request.data).to_service_arguments()
        services.record_destruction(order=order, actor=request.user, **data)
        return self._order(order)

    def _receipt(self, order, code=status.HTTP_200_OK) -> Response:
        receipt = Receipt.objects.select_related(
            "order", "received_by", "resolved_by"
        ).prefetch_related("lines__lot")
        return Response(r.ReceiptSerializer(receipt.get(order=order)).data, status=code)

    @extend_schema(
        request=r.ReceiptInputSerializer, responses={201: r.ReceiptSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def receipt(self, request, pk=None):
        """The facility confirms receipt of a dispatched order: gate time, weighbridge ticket,
        weight in total or per lot, seals, discrepancies. A weight outside the mass-balance
        tolerance (X-QM-02), a broken seal (X-CC-07) or a discrepancy gives a blocking finding
        that an administrator resolves before the certificate."""
        order = self.get_object()
        data = valid(r.ReceiptInputSerializer, request.data).to_service_arguments()
        services.confirm_receipt(order=order, actor=request.user, **data)
        return self._receipt(order, status.HTTP_201_CREATED)

    @extend_schema(
        request=r.ResolveReceiptSerializer, responses={200: r.ReceiptSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="resolve-receipt")
    def resolve_receipt(self, request, pk=None):
        """An administrator settles the receipt's blocking findings with a reason."""
        order = self.get_object()
        data = valid(r.ResolveReceiptSerializer, request.data).validated_data
        services.resolve_receipt(order=order, reason=data["reason"], actor=request.user)
        return self._receipt(order)

    @extend_schema(request=None, responses=ORDER_RESPONSES)
    @action(detail=True, methods=["post"])
    def countersign(self, request, pk=None):
        """The warehouse or an administrator countersigns the record the facility submitted."""
        order = self.get_object()
        services.countersign_record(order=order, actor=request.user)
        return self._order(order)

    @extend_schema(request=inputs.CancelSerializer, responses=ORDER_RESPONSES)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel before execution; the lots return to storage."""
        order = self.get_object()
        data = self._valid(inputs.CancelSerializer, request.data).validated_data
        services.cancel_order(order=order, reason=data["reason"], actor=request.user)
        return self._order(order)

    @extend_schema(
        request={"multipart/form-data": inputs.EvidenceUploadSerializer},
        responses={201: s.DestructionOrderDetailSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="evidence",
        parser_classes=(MultiPartParser, FormParser),
    )
    def upload_evidence(self, request, pk=None):
        """Attach an evidence file (photo, video, weighbridge ticket, minutes) to the record of
        an executed order; type checked by content, size limited, SHA-256 stored. The record
        check runs again: the answer's `record_check` shows the new verdict."""
        order = self.get_object()
        data = self._valid(inputs.EvidenceUploadSerializer, request.data).validated_data
        services.add_evidence(order=order, kind=data["kind"], file=data["file"], actor=request.user)
        return self._order(order, status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The transport document as PDF."
            ),
            403: ERROR,
            404: ERROR,
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"transport-documents/(?P<kind>adr|consignment-note|annex-vii)",
        filter_backends=(),
        content_negotiation_class=FileNegotiation,
    )
    def transport_document(self, request, pk=None, kind=None):
        """The ADR transport document (lots with UN classes), the waste consignment note, or the
        Annex VII information (facility in another country), as PDF; 404 when the order does
        not travel under it."""
        order = self.get_object()
        return document_response(order, kind)

    @extend_schema(responses={200: t.TransportSerializer, 403: ERROR, 404: ERROR})
    @action(detail=True, methods=["get"], filter_backends=())
    def transport(self, request, pk=None):
        """What the order travels under: its transport documents (from the dispatch on), its
        dangerous goods as the ADR document describes them (damaged lithium batteries under
        SP 376), the small-load calculation of ADR 1.1.3.6 (points per transport category,
        exempt or full ADR, and what that means for vehicle and driver; null without dangerous
        goods), and for a facility in another country whether the Annex VII record is complete
        (null for a domestic shipment)."""
        order = self.get_object()
        overview = transport.overview(order)
        return Response(t.TransportSerializer(overview, context={"order": order}).data)

    @extend_schema(
        responses={200: t.AnnexViiSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}
    )
    @action(detail=True, methods=["get"], url_path="transport/annex-vii", filter_backends=())
    def transport_annex_vii(self, request, pk=None):
        """The Annex VII information (Reg. (EU) 2024/1157) of a dispatched cross-border order as
        JSON, the record a DIWASS integration would submit. 400 naming each missing mandatory
        field (e.g. `carriers.0.registration`) instead of an incomplete record; 409 for a
        domestic shipment or an order not dispatched yet."""
        order = self.get_object()
        return Response(t.AnnexViiSerializer(transport.annex_vii_export(order)).data)

    @extend_schema(responses=FILE_RESPONSE)
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"evidence/(?P<evidence_pk>{ID_PATTERN})",
        filter_backends=(),
        content_negotiation_class=FileNegotiation,
    )
    def download_evidence(self, request, pk=None, evidence_pk=None):
        """Download an evidence file (never served under a public URL)."""
        evidence = get_object_or_404(
            EvidenceFile.objects.visible_to(request.user).select_related("record"),
            pk=evidence_pk,
            record__order_id=pk,
        )
        return file_response(evidence)
