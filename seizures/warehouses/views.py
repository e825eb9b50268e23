"""Pages of the warehouse floor: the scan-and-move page, locations and their labels, warehouses
and their occupancy."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import IntegerField, OuterRef
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView

from project.errors import TransitionNotAllowed
from project.subqueries import aggregate_of, count_of
from project.views import Protected
from seizures import exports, labels, services
from seizures.filtersets import StorageLocationFilterSet, WarehouseFilterSet
from seizures.forms import LocationLabelsForm, ScanForm, is_id
from seizures.models import CustodyEvent, Lot, StorageLocation, Warehouse
from seizures.scoping import scope_of
from seizures.views import FilteredListView, first_error, pdf_download

KG = Decimal("0.001")


class ScanMoveView(Protected, TemplateView):
    """Keyboard-wedge scanning (scanners type the code and Enter): scan a location, then scan
    lots; each lot is moved there. Works without JavaScript: every scan submits the form."""

    permission_required = "seizures.move_lot"
    template_name = "seizures/scan_move.html"

    def target(self):
        value = self.request.GET.get("target") or self.request.POST.get("target") or ""
        if is_id(value):
            return (
                StorageLocation.objects.visible_to(self.request.user)
                .select_related("warehouse")
                .filter(pk=value)
                .first()
            )
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.target()
        context["target"] = target
        context.setdefault("form", ScanForm(initial={"target": target.pk if target else None}))
        since = timezone.now() - datetime.timedelta(hours=12)
        context["recent"] = (
            CustodyEvent.objects.filter(
                actor=self.request.user,
                kind__in=(CustodyEvent.Kind.MOVED, CustodyEvent.Kind.PLACED),
                occurred_at__gte=since,
            )
            .select_related("lot", "from_location", "to_location")
            .order_by("-occurred_at", "-id")[:15]
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ScanForm(request.POST)
        target = self.target()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        code = form.cleaned_data["code"].strip()
        location = (
            StorageLocation.objects.visible_to(request.user).filter(code__iexact=code).first()
        )
        if location is not None:
            messages.info(request, f"Location {location.code} selected: now scan the lots.")
            return self._back(location)
        lot = Lot.objects.visible_to(request.user).filter(reference__iexact=code).first()
        if lot is None:
            messages.error(request, f"Unknown code {code!r}: not a location or lot label.")
        elif target is None:
            messages.error(request, f"Scan a location first, then lot {lot.reference}.")
        else:
            try:
                services.move_lot(lot=lot, location=target, actor=request.user)
            except ValidationError as error:
                for message in sum(error.message_dict.values(), []):
                    messages.error(request, f"{lot.reference} not moved: {message}")
            except TransitionNotAllowed as error:
                messages.error(request, f"{lot.reference} not moved: {error.message}")
            else:
                messages.success(request, f"Lot {lot.reference} moved to {target.code}.")
        return self._back(target)

    @staticmethod
    def _back(target):
        url = reverse("seizures:scan-move")
        return HttpResponseRedirect(f"{url}?target={target.pk}" if target else url)


class LocationListView(FilteredListView):
    permission_required = "seizures.view_storagelocation"
    filterset_class = StorageLocationFilterSet
    export_columns = exports.LOCATION_COLUMNS
    export_name = "locations"
    template_name = "seizures/location_list.html"
    paginate_by = 100

    def base_queryset(self):
        return StorageLocation.objects.visible_to(self.request.user).with_occupancy()


class LocationLabelsView(Protected, View):
    permission_required = "seizures.print_labels"

    def get(self, request):
        form = LocationLabelsForm(request.GET)
        locations = StorageLocation.objects.none()
        if form.is_valid():
            locations = (
                StorageLocation.objects.visible_to(request.user)
                .select_related("warehouse")
                .filter(pk__in=form.cleaned_data["location"])
            )
        if not locations:
            messages.error(
                request, first_error(form, "Select at least one location to print labels for.")
            )
            return redirect("seizures:location-list")
        return pdf_download(labels.location_labels_pdf(locations), "location-labels.pdf")


class WarehouseListView(FilteredListView):
    permission_required = "seizures.view_warehouse"
    filterset_class = WarehouseFilterSet
    export_columns = exports.WAREHOUSE_COLUMNS
    export_name = "warehouses"
    template_name = "seizures/warehouse_list.html"

    def base_queryset(self):
        return (
            Warehouse.objects.visible_to(self.request.user)
            .select_related("office")
            .annotate(
                location_count=count_of(StorageLocation.objects.filter(warehouse=OuterRef("pk"))),
                # The locations' stock counters (seizures.occupancy), not a count of the lots.
                lot_count=Coalesce(
                    aggregate_of(
                        StorageLocation.objects.filter(warehouse=OuterRef("pk")),
                        "SUM",
                        "stored_lots",
                        IntegerField(),
                    ),
                    0,
                ),
            )
            .order_by("code")
        )


class WarehouseOccupancyView(Protected, DetailView):
    """Per location: kg used of capacity, lots, days in storage; the warehouse's totals; then
    the lots stored, a page of 50 at a time."""

    permission_required = "seizures.view_warehouse"
    template_name = "seizures/warehouse_detail.html"
    context_object_name = "warehouse"
    lots_per_page = 50

    def get_queryset(self):
        return Warehouse.objects.visible_to(self.request.user).select_related("office")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        locations = list(StorageLocation.objects.with_occupancy().filter(warehouse=self.object))
        for location in locations:
            location.share = (
                round(100 * location.used_kg / location.capacity_kg)
                if location.capacity_kg
                else None
            )
            location.oldest_days = (
                (today - timezone.localdate(location.oldest_stored_since)).days
                if location.oldest_stored_since
                else None
            )
        # The warehouse's totals add up its locations' counts (already read, one subquery per
        # location); their lot count is the paginator's, so the page reads only its 50 lots.
        totals = {
            "lots": sum(location.lot_count for location in locations),
            "kg": sum((location.used_kg for location in locations), Decimal("0")).quantize(KG),
            "capacity_kg": sum(location.capacity_kg or 0 for location in locations),
        }
        paginator = Paginator(
            Lot.objects.visible_to(self.request.user)
            .with_related()
            .occupying()
            .filter(location__warehouse=self.object)
            .order_by("location__code", "stored_since", "id"),
            self.lots_per_page,
        )
        if scope_of(self.request.user).national:
            # Everything stored is visible: the totals' count is the list's.
            paginator.count = totals["lots"]
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            locations=locations,
            totals=totals,
            lots=page.object_list,
            page_obj=page,
            paginator=paginator,
        )
        return context
