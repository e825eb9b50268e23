"""API of stocktakes: list and read counts; open, scan, resolve, close and cancel, each an input
serializer -> one service -> output serializer."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from project.api import ERROR
from seizures.models.stocktakes import Stocktake, StocktakeLine
from seizures.stocktakes import services
from seizures.stocktakes.api import serializers as s
from seizures.stocktakes.filtersets import StocktakeFilterSet

WRITE_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


def valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class StocktakeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.StocktakeSerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_class = StocktakeFilterSet
    permission_map = {
        "create": "seizures.manage_stocktake",
        "scans": "seizures.count_stock",
        "resolve": "seizures.count_stock",
        "discrepancies": "seizures.view_stocktake",
        "close": "seizures.manage_stocktake",
        "cancel": "seizures.manage_stocktake",
    }

    def get_queryset(self):
        return Stocktake.objects.visible_to(self.request.user).for_list()

    def _answer(self, stocktake: Stocktake, code=status.HTTP_200_OK) -> Response:
        return Response(s.StocktakeSerializer(stocktake).data, status=code)

    @extend_schema(
        request=s.OpenStocktakeSerializer, responses={201: s.StocktakeSerializer, **WRITE_ERRORS}
    )
    def create(self, request):
        """Open a count of a warehouse or of one zone (administrators)."""
        data = valid(s.OpenStocktakeSerializer, request.data)
        stocktake = services.open_stocktake(actor=request.user, **data)
        return self._answer(self.get_queryset().get(pk=stocktake.pk), status.HTTP_201_CREATED)

    @extend_schema(
        request=s.StocktakeScanSerializer,
        responses={200: s.StocktakeLineSerializer(many=True), **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def scans(self, request, pk=None):
        """A location label scanned, with the lots found there: answers their lines, each with
        its discrepancy (null when found where recorded)."""
        stocktake = self.get_object()
        data = valid(s.StocktakeScanSerializer, request.data)
        lines = services.record_scans(
            stocktake=stocktake,
            location=data["location"],
            lot_references=data["lots"],
            actor=request.user,
        )
        return Response(s.StocktakeLineSerializer(lines, many=True).data)

    @extend_schema(responses={200: s.StocktakeLineSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def discrepancies(self, request, pk=None):
        """Every line whose lot was missing, extra or in the wrong location, resolved or not."""
        stocktake = self.get_object()
        lines = StocktakeLine.objects.for_list().discrepancies().filter(stocktake=stocktake)
        page = self.paginate_queryset(lines)
        return self.get_paginated_response(s.StocktakeLineSerializer(page, many=True).data)

    @extend_schema(
        request=s.ResolveDiscrepancySerializer,
        responses={200: s.StocktakeLineSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Resolve one discrepancy with its reason: moved, found_elsewhere (with the location),
        or lost (administrators; raises an X-CC-06 finding)."""
        stocktake = self.get_object()
        data = valid(s.ResolveDiscrepancySerializer, request.data)
        line = services.resolve_discrepancy(stocktake=stocktake, actor=request.user, **data)
        return Response(s.StocktakeLineSerializer(line).data)

    @extend_schema(request=None, responses={200: s.StocktakeSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the count: its result, and "last counted" on every counted location; 400 while
        a discrepancy is unresolved."""
        stocktake = services.close_stocktake(stocktake=self.get_object(), actor=request.user)
        return self._answer(stocktake)

    @extend_schema(
        request=s.CancelStocktakeSerializer, responses={200: s.StocktakeSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Abandon an open count with a reason; no location is marked counted."""
        data = valid(s.CancelStocktakeSerializer, request.data)
        stocktake = services.cancel_stocktake(
            stocktake=self.get_object(), reason=data["reason"], actor=request.user
        )
        return self._answer(stocktake)
