"""The transport documents of an order as PDF downloads (pages; the API serves the same)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from destruction.models import DestructionOrder
from destruction.transport import documents
from project.views import Protected


def document_response(order: DestructionOrder, kind: str) -> HttpResponse:
    """The PDF, or 404 when the order does not travel under this document (not dispatched
    yet, no dangerous goods for ADR, a domestic shipment for Annex VII)."""
    if kind not in documents.available(order):
        raise Http404("This order has no such transport document.")
    response = HttpResponse(documents.render(order, kind), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{order.reference}-{kind}.pdf"'
    return response


class TransportDocumentView(Protected, View):
    permission_required = "destruction.view_destructionorder"

    def get(self, request, pk: int, kind: str):
        order = get_object_or_404(
            DestructionOrder.objects.for_detail()
            .visible_to(request.user)
            .prefetch_related("facility__permits"),
            pk=pk,
        )
        return document_response(order, kind)
