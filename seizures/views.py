"""Pages of the seizures app. Views parse input with forms and call one service; the rules and
the custody events are the services' business."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from rest_framework import exceptions as api_exceptions
from rest_framework.request import Request

from project import views
from project.api import NewestFirstPagination
from project.errors import TransitionNotAllowed
from project.views import Protected
from seizures import exports, services
from seizures.deadlines import proceedings_late
from seizures.filtersets import (
    CustodyEventFilterSet,
    RightHolderFilterSet,
    SeizureFilterSet,
)
from seizures.forms import (
    CourtCaseForm,
    OptionalReasonForm,
    ReasonForm,
    SeizureAmendForm,
    SeizureEditForm,
    SeizureForm,
    apply_service_error,
    is_id,
    lot_formset,
    proposed_waste_codes,
)
from seizures.models import (
    CustodyEvent,
    Lot,
    RightHolder,
    Seizure,
)


class FilteredListView(views.FilteredListView):
    """A filtered list page whose `?export=csv` streams the filtered list (all pages) as CSV."""

    export_columns: list = []
    export_name = "export"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            queryset = self.get_queryset()
            if self.filterset.is_valid():
                return exports.csv_response(
                    queryset.iterator(chunk_size=1000), self.export_columns, self.export_name
                )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "csv"
        return super().get_context_data(export_query=query.urlencode(), **kwargs)


# --- seizures ------------------------------------------------------------------------------


class SeizureListView(FilteredListView):
    permission_required = "seizures.view_seizure"
    filterset_class = SeizureFilterSet
    export_columns = exports.SEIZURE_COLUMNS
    export_name = "seizures"
    template_name = "seizures/seizure_list.html"

    def base_queryset(self):
        return Seizure.objects.visible_to(self.request.user).with_related()


class SeizureCreateView(Protected, TemplateView):
    permission_required = "seizures.add_seizure"
    template_name = "seizures/seizure_form.html"

    def extra_lines(self) -> int:
        lines = self.request.GET.get("lines", "")
        return min(int(lines), 20) if is_id(lines) and int(lines) > 0 else 3

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form",
            SeizureForm(initial={"detained_on": timezone.localdate()}, user=self.request.user),
        )
        context.setdefault(
            "formset",
            lot_formset(self.extra_lines() - 1)(
                prefix="lots", form_kwargs={"user": self.request.user}
            ),
        )
        context["more_lines"] = self.extra_lines() + 3
        context["proposed_waste_codes"] = proposed_waste_codes()
        return context

    def post(self, request, *args, **kwargs):
        form = SeizureForm(request.POST, user=request.user)
        formset = lot_formset(0)(
            request.POST, request.FILES, prefix="lots", form_kwargs={"user": request.user}
        )
        if form.is_valid() and formset.is_valid():
            try:
                seizure = services.create_seizure(
                    actor=request.user, lots=formset.lot_inputs(), **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_error(error, form, formset)
            else:
                messages.success(
                    request, f"Seizure {seizure.reference} logged with {seizure.lots.count()} lots."
                )
                return redirect("seizures:seizure-detail", pk=seizure.pk)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class SeizureDetailView(Protected, DetailView):
    permission_required = "seizures.view_seizure"
    template_name = "seizures/seizure_detail.html"
    context_object_name = "seizure"

    def get_queryset(self):
        return (
            Seizure.objects.visible_to(self.request.user)
            .with_related()
            .prefetch_related(
                Prefetch("lots", queryset=Lot.objects.with_related().order_by("reference"))
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hold_form"] = ReasonForm()
        context["lift_form"] = OptionalReasonForm()
        seizure = self.object
        context["court_form"] = CourtCaseForm(initial=CourtCaseForm.initial_for(seizure))
        context["proceedings_late"] = proceedings_late(
            seizure.proceedings_started_on if seizure.court_reference else None,
            seizure.proceedings_due_on,
            today=timezone.localdate(),
        )
        context["amendments"] = seizure.amendments.select_related("lot")
        # What the right holder answered online: samples and extensions wait for customs.
        context["right_holder_acts"] = seizure.right_holder_acts.all()
        if settings.SEIZURE_COSTS:
            context["costs"] = import_string(settings.SEIZURE_COSTS)(seizure.pk)
        return context


class SeizureFormView(Protected, FormView):
    """A form on one seizure that one service saves: its refusals (field errors, or a state
    conflict such as a legal fact that changes only by amendment) come back on the form."""

    success_message: str

    def dispatch(self, request, *args, **kwargs):
        self.seizure = get_object_or_404(Seizure.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return self.form_class.initial_for(self.seizure)

    def get_context_data(self, **kwargs):
        return super().get_context_data(seizure=self.seizure, **kwargs)

    def save(self, form) -> None:
        services.update_seizure(seizure=self.seizure, actor=self.request.user, **form.cleaned_data)

    def form_valid(self, form):
        try:
            self.save(form)
        except ValidationError as error:
            apply_service_error(error, form)
            return self.form_invalid(form)
        except TransitionNotAllowed as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % self.seizure.reference)
        return redirect("seizures:seizure-detail", pk=self.seizure.pk)


class CourtCaseView(SeizureFormView):
    """The court section of a seizure: proceedings and judgment (Art. 23(3)-(5))."""

    permission_required = "seizures.change_seizure"
    template_name = "seizures/seizure_court.html"
    form_class = CourtCaseForm
    success_message = "Court route of %s recorded."


class SeizureEditView(SeizureFormView):
    permission_required = "seizures.change_seizure"
    template_name = "seizures/seizure_edit.html"
    form_class = SeizureEditForm
    success_message = "Seizure %s updated."


class SeizureAmendView(SeizureFormView):
    """Administrators amend the legal facts of a case, with a reason."""

    permission_required = "seizures.amend_seizure"
    template_name = "seizures/seizure_amend.html"
    form_class = SeizureAmendForm
    success_message = "Seizure %s amended."

    def save(self, form) -> None:
        services.amend_seizure(
            seizure=self.seizure,
            actor=self.request.user,
            changes=form.changes(),
            reason=form.cleaned_data["reason"],
        )


class AddLotsView(Protected, TemplateView):
    permission_required = "seizures.add_lot"
    template_name = "seizures/lots_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.seizure = get_object_or_404(Seizure.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(seizure=self.seizure, **kwargs)
        context.setdefault(
            "formset", lot_formset(2)(prefix="lots", form_kwargs={"user": self.request.user})
        )
        context["proposed_waste_codes"] = proposed_waste_codes()
        return context

    def post(self, request, *args, **kwargs):
        formset = lot_formset(0)(
            request.POST, request.FILES, prefix="lots", form_kwargs={"user": request.user}
        )
        if formset.is_valid():
            try:
                lots = services.add_lots(
                    seizure=self.seizure, lots=formset.lot_inputs(), actor=request.user
                )
            except ValidationError as error:
                form = formset.forms[0]
                apply_service_error(error, form, formset)
            else:
                messages.success(request, f"{len(lots)} lot(s) added.")
                return redirect("seizures:seizure-detail", pk=self.seizure.pk)
        return self.render_to_response(self.get_context_data(formset=formset))


class ServiceActionView(Protected, View):
    """POST-only page action: a form -> one service -> back to the object with a message."""

    form_class = ReasonForm

    def get_object(self):
        raise NotImplementedError

    def get_form(self):
        return self.form_class(self.request.POST)

    def perform(self, obj, data) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.get_form()
        if form.is_valid():
            try:
                messages.success(request, self.perform(obj, form.cleaned_data))
            except ValidationError as error:
                for field_messages in error.message_dict.values():
                    for message in field_messages:
                        messages.error(request, message)
            except TransitionNotAllowed as error:
                messages.error(request, error.message)
        else:
            for field, errors in form.errors.items():
                for message in errors:
                    messages.error(request, f"{form.fields[field].label or field}: {message}")
        return HttpResponseRedirect(self.success_url(obj))

    def success_url(self, obj) -> str:
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "/"


class HoldView(ServiceActionView):
    permission_required = "seizures.hold_seizure"

    def get_object(self):
        return get_object_or_404(
            Seizure.objects.visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def perform(self, seizure, data) -> str:
        services.place_hold(seizure=seizure, reason=data["reason"], actor=self.request.user)
        return f"Legal hold placed on {seizure.reference}."

    def success_url(self, obj) -> str:
        return reverse("seizures:seizure-detail", args=[obj.pk])


class LiftHoldView(HoldView):
    form_class = OptionalReasonForm

    def perform(self, seizure, data) -> str:
        services.lift_hold(seizure=seizure, reason=data["reason"], actor=self.request.user)
        return f"Legal hold on {seizure.reference} lifted."


def first_error(form: forms.Form, default: str) -> str:
    """The form's first error, or `default` when the form was valid but found nothing."""
    for errors in form.errors.values():
        return errors[0]
    return default


def pdf_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class RightHolderListView(FilteredListView):
    permission_required = "seizures.view_rightholder"
    filterset_class = RightHolderFilterSet
    export_columns = exports.RIGHT_HOLDER_COLUMNS
    export_name = "right-holders"
    template_name = "seizures/rightholder_list.html"

    def base_queryset(self):
        return RightHolder.objects.visible_to(self.request.user)


class CustodyEventListView(FilteredListView):
    permission_required = "seizures.view_custodyevent"
    filterset_class = CustodyEventFilterSet
    export_columns = exports.CUSTODY_COLUMNS
    export_name = "custody-events"
    template_name = "seizures/custody_list.html"
    # Keyset pages (Previous / Next), like the API: deep pages cost what the first one costs.
    paginate_by = None

    def base_queryset(self):
        return (
            CustodyEvent.objects.visible_to(self.request.user)
            .select_related("lot", "from_location", "to_location")
            .order_by("-occurred_at", "-id")
        )

    def get_context_data(self, **kwargs):
        pages = NewestFirstPagination()
        try:
            events = pages.paginate_queryset(self.object_list, Request(self.request))
        except api_exceptions.ValidationError as error:
            raise Http404("No such page of events.") from error
        return super().get_context_data(
            object_list=events,
            previous_link=pages.get_previous_link(),
            next_link=pages.get_next_link(),
            **kwargs,
        )
