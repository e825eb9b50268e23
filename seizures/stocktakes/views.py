"""Stocktake pages: the list, opening a count, the scan page (the scan-and-move flow: scan a
location label, then the lots found there), the discrepancies with their resolution, closing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import DetailView, FormView, View

from project.errors import TransitionNotAllowed
from project.views import FilteredListView, Protected
from seizures.forms import is_id
from seizures.models import Lot, StorageLocation
from seizures.models.stocktakes import Stocktake, StocktakeLine, StocktakeLocation
from seizures.stocktakes import services
from seizures.stocktakes.filtersets import StocktakeFilterSet
from seizures.stocktakes.forms import (
    CancelStocktakeForm,
    OpenStocktakeForm,
    ResolveForm,
    StocktakeScanForm,
)


def refusal_messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return (
            sum(error.message_dict.values(), []) if hasattr(error, "error_dict") else error.messages
        )
    return [getattr(error, "message", None) or str(error)]


class StocktakeListView(FilteredListView):
    permission_required = "seizures.view_stocktake"
    filterset_class = StocktakeFilterSet
    template_name = "seizures/stocktakes/stocktake_list.html"

    def base_queryset(self):
        return Stocktake.objects.visible_to(self.request.user).for_list()


class OpenStocktakeView(Protected, FormView):
    permission_required = "seizures.manage_stocktake"
    form_class = OpenStocktakeForm
    template_name = "seizures/stocktakes/stocktake_open.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            stocktake = services.open_stocktake(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, f"{stocktake} opened: scan the locations and lots.")
        return redirect("stocktakes:scan", pk=stocktake.pk)


class StocktakeMixin(Protected):
    def stocktake(self) -> Stocktake:
        if not hasattr(self, "_stocktake"):
            self._stocktake = get_object_or_404(
                Stocktake.objects.visible_to(self.request.user).for_list(), pk=self.kwargs["pk"]
            )
        return self._stocktake

    def back(self, name: str = "stocktakes:detail", query: str = "") -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse(name, args=[self.stocktake().pk]) + query)


class StocktakeDetailView(StocktakeMixin, DetailView):
    permission_required = "seizures.view_stocktake"
    template_name = "seizures/stocktakes/stocktake_detail.html"
    context_object_name = "stocktake"

    def get_object(self, queryset=None):
        return self.stocktake()

    def get_context_data(self, **kwargs):
        stocktake = self.object
        discrepancies = list(
            StocktakeLine.objects.for_list().discrepancies().filter(stocktake=stocktake)
        )
        for line in discrepancies:
            line.form = ResolveForm(
                initial={"lot": line.lot.reference}, auto_id=f"id_{line.lot.reference}_%s"
            )
        locations = StocktakeLocation.objects.filter(stocktake=stocktake)
        return super().get_context_data(
            discrepancies=discrepancies,
            unresolved=sum(1 for line in discrepancies if not line.resolution),
            location_count=locations.count(),
            counted_count=locations.filter(counted_at__isnull=False).count(),
            expected_count=stocktake.lines.filter(expected=True).count(),
            found_count=stocktake.lines.filter(found_location__isnull=False).count(),
            cancel_form=CancelStocktakeForm(),
            **kwargs,
        )


class StocktakeScanView(StocktakeMixin, FormView):
    """Keyboard-wedge scanning, as on the scan-and-move page: a location label counts that
    location and makes it the current one; each lot label scanned after it is found there.
    Works without JavaScript: every scan submits the form."""

    permission_required = "seizures.count_stock"
    form_class = StocktakeScanForm
    template_name = "seizures/stocktakes/stocktake_scan.html"

    def current_location(self) -> StorageLocation | None:
        value = self.request.GET.get("location") or ""
        if not is_id(value):
            return None
        return StorageLocation.objects.filter(
            pk=value, pk__in=self.stocktake().locations.values("location_id")
        ).first()

    def get_context_data(self, **kwargs):
        stocktake = self.stocktake()
        location = self.current_location()
        context = super().get_context_data(stocktake=stocktake, location=location, **kwargs)
        locations = StocktakeLocation.objects.filter(stocktake=stocktake)
        context["location_count"] = locations.count()
        context["counted_count"] = locations.filter(counted_at__isnull=False).count()
        if location is not None:
            lines = StocktakeLine.objects.for_list().with_discrepancy().filter(stocktake=stocktake)
            context["found_here"] = list(lines.filter(found_location=location))
            context["still_expected"] = list(
                lines.filter(expected_location=location, found_location__isnull=True)
            )
        return context

    def form_valid(self, form):
        stocktake = self.stocktake()
        if not stocktake.is_open:
            messages.error(self.request, f"{stocktake} is {stocktake.get_status_display()}.")
            return self.back()
        code = form.cleaned_data["code"].strip()
        current = self.current_location()
        location = StorageLocation.objects.filter(code__iexact=code).first()
        lot = None if location else Lot.objects.filter(reference__iexact=code).first()
        if location is None and lot is None:
            messages.error(self.request, f"Unknown code {code!r}: not a location or lot label.")
            return self._stay(current)
        if lot is not None and current is None:
            messages.error(self.request, f"Scan a location first, then lot {lot.reference}.")
            return self._stay(current)
        try:
            services.record_scans(
                stocktake=stocktake,
                location=location or current,
                lot_references=[lot.reference] if lot else [],
                actor=self.request.user,
            )
        except (ValidationError, TransitionNotAllowed) as error:
            for message in refusal_messages(error):
                messages.error(self.request, message)
            return self._stay(current)
        if location is not None:
            messages.info(self.request, f"Counting {location.code}: now scan its lots.")
            return self._stay(location)
        messages.success(self.request, f"Lot {lot.reference} found in {current.code}.")
        return self._stay(current)

    def _stay(self, location: StorageLocation | None) -> HttpResponseRedirect:
        return self.back("stocktakes:scan", f"?location={location.pk}" if location else "")


class ResolveView(StocktakeMixin, View):
    permission_required = "seizures.count_stock"

    def post(self, request, pk):
        stocktake = self.stocktake()
        form = ResolveForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return self.back()
        data = form.cleaned_data
        lot = Lot.objects.filter(reference=data["lot"]).first()
        location = None
        if data["location"]:
            location = StorageLocation.objects.filter(code__iexact=data["location"]).first()
            if location is None:
                messages.error(request, f"Unknown location {data['location']!r}.")
                return self.back()
        if lot is None:
            messages.error(request, f"Unknown lot {data['lot']!r}.")
            return self.back()
        try:
            services.resolve_discrepancy(
                stocktake=stocktake,
                lot=lot,
                resolution=data["resolution"],
                note=data["note"],
                location=location,
                actor=request.user,
            )
        except (ValidationError, TransitionNotAllowed, PermissionDenied) as error:
            for message in refusal_messages(error):
                messages.error(request, f"{lot.reference}: {message}")
        else:
            messages.success(request, f"Lot {lot.reference} resolved.")
        return self.back()


class CloseView(StocktakeMixin, View):
    permission_required = "seizures.manage_stocktake"

    def post(self, request, pk):
        try:
            stocktake = services.close_stocktake(stocktake=self.stocktake(), actor=request.user)
        except (ValidationError, TransitionNotAllowed) as error:
            for message in refusal_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, f"{stocktake} closed.")
        return self.back()


class CancelView(StocktakeMixin, View):
    permission_required = "seizures.manage_stocktake"

    def post(self, request, pk):
        form = CancelStocktakeForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError({"reason": ["Give the reason for cancelling the count."]})
            stocktake = services.cancel_stocktake(
                stocktake=self.stocktake(), reason=form.cleaned_data["reason"], actor=request.user
            )
        except (ValidationError, TransitionNotAllowed) as error:
            for message in refusal_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, f"{stocktake} cancelled.")
        return self.back()
