"""Pages of lots. Views parse input with forms and call one service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views import View
from django.views.generic import DetailView

from project.errors import TransitionNotAllowed
from project.views import Protected
from seizures import exports, labels, services
from seizures.filtersets import (
    LotFilterSet,
)
from seizures.forms import (
    ConditionForm,
    LotLabelsForm,
    MoveForm,
    ReasonForm,
    ReclassifyForm,
    SampleForm,
    apply_service_error,
    is_id,
    proposed_waste_codes,
)
from seizures.lots.photos import photo_response
from seizures.models import (
    CustodyEvent,
    Lot,
    LotPhoto,
    LotStatus,
    StorageLocation,
)
from seizures.services.amendments import LEFT_STORAGE
from seizures.storage import (
    CONDITION_STATUSES,
    MOVABLE_STATUSES,
    RECLASSIFIABLE_STATUSES,
    SAMPLEABLE_STATUSES,
)
from seizures.views import FilteredListView, ServiceActionView, first_error, pdf_download


class LotListView(FilteredListView):
    permission_required = "seizures.view_lot"
    filterset_class = LotFilterSet
    export_columns = exports.LOT_COLUMNS
    export_name = "lots"
    template_name = "seizures/lot_list.html"

    def base_queryset(self):
        return Lot.objects.visible_to(self.request.user).with_related()


class AgeingView(LotListView):
    """Lots past their statutory deadline or stored longer than the long-stay alarm
    (digest X-CC-05)."""

    template_name = "seizures/ageing.html"
    export_name = "ageing-lots"

    def base_queryset(self):
        return (
            Lot.objects.visible_to(self.request.user)
            .with_related()
            .ageing()
            .order_by("stored_since", "reference")
        )

    def get_context_data(self, **kwargs):
        from django.conf import settings

        return super().get_context_data(long_stay_days=settings.LONG_STAY_ALARM_DAYS, **kwargs)


def destruction_refusals(lot: Lot) -> list[str] | None:
    """Why the lot is not eligible for destruction, from the destruction app's rule through
    settings.LOT_DESTRUCTION_REFUSALS (imports point one way); None when no hook is set."""
    if not settings.LOT_DESTRUCTION_REFUSALS:
        return None
    return import_string(settings.LOT_DESTRUCTION_REFUSALS)(lot)


class LotDetailView(Protected, DetailView):
    permission_required = "seizures.view_lot"
    template_name = "seizures/lot_detail.html"
    context_object_name = "lot"

    def get_queryset(self):
        return (
            Lot.objects.visible_to(self.request.user)
            .with_related()
            .prefetch_related(
                Prefetch("samples", queryset=Lot.objects.with_related().order_by("reference")),
                Prefetch("photos", queryset=LotPhoto.objects.select_related("event")),
                Prefetch(
                    "custody_events",
                    queryset=CustodyEvent.objects.select_related(
                        "from_location", "to_location"
                    ).order_by("sequence"),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lot = self.object
        samples = list(lot.samples.all())
        can_move = lot.status in MOVABLE_STATUSES
        options = (
            services.placement_options(
                lot, among=StorageLocation.objects.visible_to(self.request.user)
            )
            if can_move
            else []
        )
        context.update(
            can_move=can_move,
            can_sample=lot.status in SAMPLEABLE_STATUSES and not lot.parent_id,
            can_release=lot.status == LotStatus.IN_STORAGE,
            can_reclassify=lot.status in RECLASSIFIABLE_STATUSES,
            can_record_condition=lot.status in CONDITION_STATUSES,
            can_amend=lot.status in LEFT_STORAGE,
            move_form=MoveForm(
                user=self.request.user, options=options, initial=kept_location(self.request)
            ),
            placement_options=options,
            transfer_target=transfer_target(
                lot, self.request.GET.get("move_to"), self.request.user
            ),
            sample_form=SampleForm(),
            release_form=ReasonForm(),
            samples=samples,
            reconciles=lot.articles + sum(s.seized_articles for s in samples)
            == lot.seized_articles,
            proposed_waste_codes=proposed_waste_codes(),
            destruction_refusals=destruction_refusals(lot),
        )
        # A refused reclassification comes back with its bound form and errors.
        context.setdefault(
            "reclassify_form", ReclassifyForm(initial=ReclassifyForm.initial_for(lot))
        )
        context.setdefault("condition_form", ConditionForm(initial={"damaged": not lot.damaged}))
        context.setdefault("amend_form", ReclassifyForm(initial=ReclassifyForm.initial_for(lot)))
        return context


class LotPhotoView(Protected, View):
    """A photo of a lot the user may see: shown in the lot page (inline), or downloaded with
    `?download=1`. Another office's photo answers 404 like an unknown one."""

    permission_required = "seizures.view_lot"

    def get(self, request, pk, photo_pk):
        photo = get_object_or_404(LotPhoto.objects.visible_to(request.user), pk=photo_pk, lot_id=pk)
        return photo_response(photo, inline="download" not in request.GET)


class LotConditionView(LotDetailView):
    """POST only: record the lot found damaged or no longer so, or show the lot page again with
    the refusal on the condition form."""

    permission_required = "seizures.move_lot"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ConditionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                lot = services.record_lot_condition(
                    lot=self.object, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_error(error, form)
            except TransitionNotAllowed as error:
                form.add_error(None, error.message)
            else:
                state = "damaged" if lot.damaged else "not damaged"
                messages.success(request, f"Lot {lot.reference} recorded as {state}.")
                return redirect("seizures:lot-detail", pk=lot.pk)
        return self.render_to_response(self.get_context_data(condition_form=form))


class LotReclassifyView(LotDetailView):
    """POST only: reclassify the lot, or show the lot page again with the refusal on the
    reclassify form."""

    permission_required = "seizures.change_lot"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ReclassifyForm(request.POST)
        if form.is_valid():
            try:
                lot = services.reclassify_lot(
                    lot=self.object, actor=request.user, **form.service_arguments()
                )
            except ValidationError as error:
                apply_service_error(error, form)
            except TransitionNotAllowed as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Lot {lot.reference} reclassified.")
                return redirect("seizures:lot-detail", pk=lot.pk)
        return self.render_to_response(self.get_context_data(reclassify_form=form))


class LotAmendView(LotDetailView):
    """POST only: administrators amend the classification of a lot that left storage."""

    permission_required = "seizures.amend_seizure"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ReclassifyForm(request.POST, initial=ReclassifyForm.initial_for(self.object))
        if form.is_valid():
            try:
                services.amend_lot(
                    lot=self.object,
                    actor=request.user,
                    changes=form.amendment_changes(),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_service_error(error, form)
            except TransitionNotAllowed as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Lot {self.object.reference} amended.")
                return redirect("seizures:lot-detail", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(amend_form=form))


class LotActionView(ServiceActionView):
    def get_object(self):
        return get_object_or_404(Lot.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def success_url(self, obj) -> str:
        return reverse("seizures:lot-detail", args=[obj.pk])


def kept_location(request) -> dict:
    """The location a refused move or a pending transfer question was about, chosen again."""
    for name in ("location", "move_to"):
        value = request.GET.get(name, "")
        if is_id(value):
            return {"location": int(value)}
    return {}


def transfer_target(lot: Lot, location_id: str | None, user) -> StorageLocation | None:
    """The location of another warehouse a move to which waits for the user's confirmation
    (one of the user's offices' locations)."""
    if not location_id or not is_id(location_id):
        return None
    target = (
        StorageLocation.objects.visible_to(user)
        .select_related("warehouse")
        .filter(pk=location_id)
        .first()
    )
    if target is None or services.is_own_warehouse(lot, target.warehouse):
        return None
    return target


class LotMoveView(LotActionView):
    """Place or move a lot; a move to another warehouse than the lot's own is asked about
    first (the lot page shows the question with a confirm button)."""

    permission_required = "seizures.move_lot"
    form_class = MoveForm

    def get_form(self):
        return MoveForm(self.request.POST, user=self.request.user)

    def post(self, request, *args, **kwargs):
        lot = self.get_object()
        form = MoveForm(request.POST, user=request.user)
        if (
            form.is_valid()
            and not form.cleaned_data["confirm_transfer"]
            and transfer_target(lot, str(form.cleaned_data["location"].pk), request.user)
        ):
            url = reverse("seizures:lot-detail", args=[lot.pk])
            return redirect(f"{url}?move_to={form.cleaned_data['location'].pk}#move-heading")
        return super().post(request, *args, **kwargs)

    refused_location: StorageLocation | None = None

    def perform(self, lot, data) -> str:
        try:
            services.move_lot(lot=lot, location=data["location"], actor=self.request.user)
        except ValidationError:
            # The refusals are shown with the choice kept, so a person can read them and pick
            # another location without starting over.
            self.refused_location = data["location"]
            raise
        return f"Lot {lot.reference} is now at {data['location'].code}."

    def success_url(self, obj) -> str:
        url = super().success_url(obj)
        if self.refused_location is None:
            return url
        return f"{url}?location={self.refused_location.pk}#move-heading"


class LotSampleView(LotActionView):
    permission_required = "seizures.sample_lot"
    form_class = SampleForm

    def perform(self, lot, data) -> str:
        sample = services.take_sample(lot=lot, actor=self.request.user, **data)
        return f"Sample {sample.reference} of {sample.articles} articles created."


class LotReleaseView(LotActionView):
    permission_required = "seizures.release_lot"

    def perform(self, lot, data) -> str:
        services.release_lot(lot=lot, reason=data["reason"], actor=self.request.user)
        return f"Lot {lot.reference} released."


class LotLabelsView(Protected, View):
    """GET ?lot=<id>&lot=<id>: the label sheet as a PDF download (reads only)."""

    permission_required = "seizures.print_labels"

    def get(self, request):
        form = LotLabelsForm(request.GET)
        lots = Lot.objects.none()
        if form.is_valid():
            lots = (
                Lot.objects.visible_to(request.user)
                .with_related()
                .filter(pk__in=form.cleaned_data["lot"])
            )
        if not lots:
            messages.error(
                request, first_error(form, "Select at least one lot to print labels for.")
            )
            return redirect(request.headers.get("referer") or reverse("seizures:lot-list"))
        return pdf_download(labels.lot_labels_pdf(lots.order_by("reference")), "lot-labels.pdf")
