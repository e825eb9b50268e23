"""Pages of the destruction app. Views parse input with forms and call one service; refusals
come back as form errors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from destruction import services
from destruction.approval import latest_submit_check, warnings_of
from destruction.evidence import file_response
from destruction.filtersets import (
    DestructionOrderFilterSet,
    FacilityFilterSet,
)
from destruction.forms import (
    ALLOWED_METHODS,
    ApprovalForm,
    DispatchForm,
    DraftOrderForm,
    EvidenceForm,
    EvidenceFormSet,
    LineReferencesForm,
    OrderLotForm,
    OutputFormSet,
    ReasonForm,
    ReceiptForm,
    RecordForm,
    ScanLotsForm,
    WitnessFormSet,
    apply_service_error,
    record_arguments,
)
from destruction.models import DestructionOrder, EvidenceFile, Facility, OrderStatus, Receipt
from destruction.record_check import record_check
from destruction.timeline import order_timeline
from destruction.transport import documents as transport
from project.errors import TransitionNotAllowed
from project.views import FilteredListView, Protected
from seizures.scoping import refuse_invisible

# --- orders --------------------------------------------------------------------------------


class OrderListView(FilteredListView):
    permission_required = "destruction.view_destructionorder"
    filterset_class = DestructionOrderFilterSet
    template_name = "destruction/order_list.html"

    def base_queryset(self):
        return DestructionOrder.objects.visible_to(self.request.user).for_list()


class ApprovalQueueView(Protected, ListView):
    """Submitted orders waiting for a second person, the oldest plan first."""

    permission_required = "destruction.approve_order"
    template_name = "destruction/approval_queue.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            DestructionOrder.objects.visible_to(self.request.user)
            .for_list()
            .filter(status=OrderStatus.SUBMITTED)
            .order_by("planned_date", "id")
        )


class OrderDetailView(Protected, DetailView):
    permission_required = "destruction.view_destructionorder"
    template_name = "destruction/order_detail.html"
    context_object_name = "order"

    def get_queryset(self):
        return DestructionOrder.objects.visible_to(self.request.user).for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        user = self.request.user
        context.update(
            timeline=order_timeline(order),
            own_order=user.pk in (order.prepared_by_id, order.submitted_by_id),
            record=getattr(order, "record", None),
            record_check=record_check(order) if order.status == OrderStatus.EXECUTED else None,
            max_reference=services.MAX_REFERENCE,
            cancellable=order.status
            in (
                OrderStatus.DRAFT,
                OrderStatus.SUBMITTED,
                OrderStatus.APPROVED,
                OrderStatus.DISPATCHED,
            ),
        )
        check = latest_submit_check(order) if order.status == OrderStatus.SUBMITTED else None
        context.update(
            submit_check=check,
            methods=ALLOWED_METHODS,
            preparer=user.pk == order.prepared_by_id,
        )
        context.setdefault("approval_form", ApprovalForm(warnings=warnings_of(check)))
        context.setdefault("edit_form", DraftOrderForm(initial=DraftOrderForm.initial_for(order)))
        context.setdefault("return_form", ReasonForm(auto_id=ReturnToDraftView.auto_id))
        context["receipt"] = (
            Receipt.objects.select_related("received_by", "resolved_by")
            .prefetch_related("lines__lot")
            .filter(order=order)
            .first()
        )
        context.setdefault(
            "receipt_form",
            ReceiptForm(initial={"total_weight_kg": order.dispatch_weight_kg}),
        )
        context.setdefault("resolve_receipt_form", ReasonForm(auto_id=ResolveReceiptView.auto_id))
        context["transport"] = transport.overview(order)
        context["transport_documents"] = [
            (kind, transport.DOCUMENTS[kind]) for kind in context["transport"].documents
        ]
        context.setdefault("cancel_form", ReasonForm(auto_id=CancelOrderView.auto_id))
        context.setdefault("scan_form", ScanLotsForm())
        context.setdefault("evidence_form", EvidenceForm())
        context.setdefault(
            "dispatch_form",
            DispatchForm(
                initial={
                    "total_weight_kg": order.planned_weight_kg,
                    "seal_numbers": "\n".join(order.seal_numbers),
                    "vehicle": order.vehicle,
                }
            ),
        )
        return context


class OrderActionView(Protected, View):
    """POST one action of an order detail page; a refusal re-renders the page with the error on
    the action's form, or shows it as a message for a button whose form is not drawn (no
    form_name) or that has no form."""

    form_class = None
    form_name = ""
    # The page draws several forms with the same fields (three ask a reason): each its own ids,
    # or a label would name another form's field.
    auto_id = "id_%s"
    files = False

    def post(self, request, pk):
        self.order = get_object_or_404(
            DestructionOrder.objects.visible_to(request.user).for_detail(), pk=pk
        )
        form = self.make_form()
        if form is not None and not form.is_valid():
            return self.again(form)
        try:
            done = self.act(form)
        except ValidationError as error:
            if form is None:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("destruction:order-detail", pk=pk)
            apply_service_error(error, form)
            return self.again(form)
        except (TransitionNotAllowed, PermissionDenied) as refusal:
            text = refusal.message if isinstance(refusal, TransitionNotAllowed) else str(refusal)
            if form is None:
                messages.error(request, text)
                return redirect("destruction:order-detail", pk=pk)
            form.add_error(None, text)
            return self.again(form)
        messages.success(request, done)
        return redirect("destruction:order-detail", pk=pk)

    def make_form(self):
        if self.form_class is None:
            return None
        return self.form_class(
            self.request.POST, self.request.FILES if self.files else None, auto_id=self.auto_id
        )

    def again(self, form):
        view = OrderDetailView(request=self.request, kwargs={"pk": self.order.pk})
        view.object = self.order
        if not self.form_name:
            # A row button's form (remove a lot) is not drawn with errors: they are messages.
            for messages_of_field in form.errors.values():
                for message in messages_of_field:
                    messages.error(self.request, message)
        context = view.get_context_data(**({self.form_name: form} if self.form_name else {}))
        return view.render_to_response(context, status=400)

    def act(self, form) -> str:
        raise NotImplementedError


class LineReferencesView(OrderActionView):
    permission_required = "destruction.change_destructionorder"
    form_class = LineReferencesForm

    def act(self, form):
        lot = form.cleaned_data["lot"]
        services.update_line_references(
            order=self.order, lot=lot, actor=self.request.user, **form.service_arguments()
        )
        return f"References of lot {lot.reference} saved."


class SubmitOrderView(OrderActionView):
    permission_required = "destruction.submit_order"

    def act(self, form):
        services.submit_order(order=self.order, actor=self.request.user)
        return f"Order {self.order.reference} submitted for approval."


class ApproveOrderView(OrderActionView):
    """The approval, with an acknowledgement of each warning of the submit check."""

    permission_required = "destruction.approve_order"
    form_name = "approval_form"

    def make_form(self):
        warnings = warnings_of(latest_submit_check(self.order))
        return ApprovalForm(self.request.POST, warnings=warnings)

    def act(self, form):
        services.approve_order(
            order=self.order, actor=self.request.user, acknowledgements=form.acknowledgements()
        )
        return f"Order {self.order.reference} approved."


class EditDraftView(OrderActionView):
    """Change a draft order (facility, day, transport, witnesses, the lots' methods)."""

    permission_required = "destruction.change_destructionorder"
    form_class = DraftOrderForm
    form_name = "edit_form"

    def act(self, form):
        services.update_draft(
            order=self.order,
            actor=self.request.user,
            **form.service_arguments(self.request.POST, self.order.active_lines),
        )
        return f"Order {self.order.reference} changed."


class ReturnToDraftView(OrderActionView):
    """The preparer takes a submitted order back to draft, with a reason."""

    permission_required = "destruction.submit_order"
    form_class = ReasonForm
    form_name = "return_form"
    auto_id = "return-%s"

    def act(self, form):
        services.return_to_draft(
            order=self.order, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        return f"Order {self.order.reference} is a draft again; change it and submit it anew."


class DispatchOrderView(OrderActionView):
    permission_required = "destruction.dispatch_order"
    form_class = DispatchForm
    form_name = "dispatch_form"

    def act(self, form):
        services.dispatch_order(
            order=self.order, actor=self.request.user, **form.service_arguments()
        )
        return f"Order {self.order.reference} dispatched; its lots are in transit."


class ReceiptView(OrderActionView):
    permission_required = "destruction.receive_order"
    form_class = ReceiptForm
    form_name = "receipt_form"

    def act(self, form):
        receipt = services.confirm_receipt(
            order=self.order, actor=self.request.user, **form.service_arguments()
        )
        if receipt.blocking:
            return (
                f"Receipt of {self.order.reference} recorded with blocking findings: an "
                "administrator resolves them before the certificate."
            )
        return f"Receipt of {self.order.reference} recorded."


class ResolveReceiptView(OrderActionView):
    permission_required = "destruction.resolve_receipt"
    form_class = ReasonForm
    form_name = "resolve_receipt_form"
    auto_id = "resolve-%s"

    def act(self, form):
        services.resolve_receipt(
            order=self.order, reason=form.cleaned_data["reason"], actor=self.request.user
        )
        return f"The receipt's findings on {self.order.reference} are resolved."


class CountersignView(OrderActionView):
    permission_required = "destruction.countersign_record"

    def act(self, form):
        services.countersign_record(order=self.order, actor=self.request.user)
        return f"Record of {self.order.reference} countersigned."


class CancelOrderView(OrderActionView):
    permission_required = "destruction.cancel_order"
    form_class = ReasonForm
    form_name = "cancel_form"
    auto_id = "cancel-%s"

    def act(self, form):
        services.cancel_order(
            order=self.order, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        return f"Order {self.order.reference} cancelled; its lots are back in storage."


class AddLotsView(OrderActionView):
    permission_required = "destruction.change_destructionorder"
    form_class = ScanLotsForm
    form_name = "scan_form"

    def act(self, form):
        lots = form.cleaned_data["scanned"]
        if not lots:
            raise ValidationError({"scanned": ["Scan at least one lot label."]})
        refuse_invisible(self.request.user, lots, field="scanned")
        method = form.cleaned_data["method"]
        services.add_lots(
            order=self.order,
            lines=[services.LineInput(lot=lot, method=method) for lot in lots],
            actor=self.request.user,
        )
        return f"{len(lots)} lots added to order {self.order.reference}."


class RemoveLotView(OrderActionView):
    permission_required = "destruction.change_destructionorder"
    form_class = OrderLotForm

    def act(self, form):
        lot = form.cleaned_data["lot"]
        services.remove_lots(order=self.order, lots=[lot], actor=self.request.user)
        return f"Lot {lot.reference} removed from order {self.order.reference}."


class AddEvidenceView(OrderActionView):
    permission_required = "destruction.record_destruction"
    form_class = EvidenceForm
    form_name = "evidence_form"
    files = True

    def act(self, form):
        evidence = services.add_evidence(
            order=self.order, actor=self.request.user, **form.cleaned_data
        )
        return f"{evidence.original_name} added (SHA-256 {evidence.sha256[:12]}…)."


class RecordView(Protected, TemplateView):
    """The execution record: times, process parameters, weights, outputs, witnesses, evidence."""

    permission_required = "destruction.record_destruction"
    template_name = "destruction/record_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.order = get_object_or_404(
            DestructionOrder.objects.visible_to(request.user).for_detail(), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(order=self.order, **kwargs)
        planned = self.order.planned_witnesses or []
        context.setdefault("form", RecordForm(initial=RecordForm.initial_for(self.order)))
        context.setdefault(
            "outputs", OutputFormSet(prefix="outputs", initial=[{"route": "recycled"}])
        )
        context.setdefault("witnesses", WitnessFormSet(prefix="witnesses", initial=planned))
        context.setdefault("evidence", EvidenceFormSet(prefix="evidence"))
        methods = {line.lot_id: line.method for line in self.order.active_lines}
        chosen = {
            lot_id: self.request.POST.get(f"method_{lot_id}", method)
            for lot_id, method in methods.items()
        }
        context.update(methods=ALLOWED_METHODS, chosen=chosen)
        return context

    def get(self, request, *args, **kwargs):
        if self.order.status != OrderStatus.DISPATCHED:
            messages.error(
                request,
                f"Order {self.order.reference} is {self.order.get_status_display().lower()}; "
                "destruction is recorded for dispatched orders.",
            )
            return redirect("destruction:order-detail", pk=self.order.pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = RecordForm(request.POST)
        outputs = OutputFormSet(request.POST, prefix="outputs")
        witnesses = WitnessFormSet(request.POST, prefix="witnesses")
        evidence = EvidenceFormSet(request.POST, request.FILES, prefix="evidence")
        valid = all(
            [form.is_valid(), outputs.is_valid(), witnesses.is_valid(), evidence.is_valid()]
        )
        if valid:
            try:
                services.record_destruction(
                    order=self.order,
                    actor=request.user,
                    **record_arguments(form, outputs, witnesses, evidence, self.methods()),
                )
            except ValidationError as error:
                apply_service_error(error, form)
            except TransitionNotAllowed as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, f"Destruction of order {self.order.reference} recorded.")
                return redirect("destruction:order-detail", pk=self.order.pk)
        context = self.get_context_data(
            form=form, outputs=outputs, witnesses=witnesses, evidence=evidence
        )
        return self.render_to_response(context, status=400)

    def methods(self) -> dict[int, str]:
        """Only the lots treated otherwise than planned."""
        allowed = dict(ALLOWED_METHODS)
        chosen = {}
        for line in self.order.active_lines:
            method = self.request.POST.get(f"method_{line.lot_id}", "")
            if method in allowed and method != line.method:
                chosen[line.lot_id] = method
        return chosen


class EvidenceDownloadView(Protected, View):
    """Evidence is served only here, to users allowed to see it; never under a public URL."""

    permission_required = "destruction.view_evidencefile"

    def get(self, request, pk):
        return file_response(
            get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk)
        )


# --- facilities ----------------------------------------------------------------------------


class FacilityListView(FilteredListView):
    permission_required = "destruction.view_facility"
    filterset_class = FacilityFilterSet
    template_name = "destruction/facility_list.html"

    def base_queryset(self):
        return Facility.objects.for_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class FacilityDetailView(Protected, DetailView):
    permission_required = "destruction.view_facility"
    template_name = "destruction/facility_detail.html"
    context_object_name = "facility"

    def get_queryset(self):
        return Facility.objects.for_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            orders=DestructionOrder.objects.visible_to(self.request.user)
            .for_list()
            .filter(facility=self.object)[:20],
            today=timezone.localdate(),
            **kwargs,
        )
