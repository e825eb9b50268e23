"""The transport of an order on pages: its transport page (documents, the ADR 1.1.3.6
calculation, the Annex VII record's state), the PDF downloads and the Annex VII JSON (the API
serves the same)."""

import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from destruction.models import DestructionOrder
from destruction.transport import documents
from project.api import error_body, first_message, validation_errors
from project.errors import TransitionNotAllowed
from project.views import Protected


def document_response(order: DestructionOrder, kind: str) -> HttpResponse:
    """The PDF, or 404 when the order does not travel under this document (not dispatched
    yet, no dangerous goods for ADR, a domestic shipment for Annex VII)."""
    if kind not in documents.available(order):
        raise Http404("This order has no such transport document.")
    response = HttpResponse(documents.render(order, kind), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{order.reference}-{kind}.pdf"'
    return response


def visible_order(request, pk: int) -> DestructionOrder:
    return get_object_or_404(
        DestructionOrder.objects.for_detail()
        .visible_to(request.user)
        .prefetch_related("facility__permits"),
        pk=pk,
    )


class TransportDocumentView(Protected, View):
    permission_required = "destruction.view_destructionorder"

    def get(self, request, pk: int, kind: str):
        return document_response(visible_order(request, pk), kind)


class TransportView(Protected, TemplateView):
    """The order's transport page: what it travels under and what that asks of the carrier."""

    permission_required = "destruction.view_destructionorder"
    template_name = "destruction/transport/transport.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = visible_order(self.request, kwargs["pk"])
        overview = documents.overview(order)
        context.update(
            order=order,
            overview=overview,
            transport_documents=[(kind, documents.DOCUMENTS[kind]) for kind in overview.documents],
        )
        return context


class AnnexViiExportView(Protected, View):
    """The Annex VII record as a JSON download; the same 400 (missing fields) and 409 (no
    Annex VII for this order) bodies as the API."""

    permission_required = "destruction.view_destructionorder"

    def get(self, request, pk: int):
        order = visible_order(request, pk)
        try:
            record = documents.annex_vii_export(order)
        except TransitionNotAllowed as refusal:
            return JsonResponse(error_body(refusal.message), status=409)
        except ValidationError as error:
            errors = validation_errors(error)
            return JsonResponse(error_body(first_message(errors), errors), status=400)
        response = HttpResponse(
            json.dumps(record, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{order.reference}-annex-vii.json"'
        return response
