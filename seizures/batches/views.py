"""The bulk intake page (upload, duplicate warning and confirmation, idempotent submission) and
the result page of an imported file with its batch actions (print all labels, place all lots)."""

import base64
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import DetailView, FormView

from project.errors import TransitionNotAllowed
from project.views import Protected
from seizures import labels, services
from seizures.forms import ImportForm
from seizures.intake import COLUMNS, IntakeDuplicates, IntakeRejected
from seizures.models import IntakeBatch, Lot, Seizure
from seizures.views import pdf_download

# Session key of the file a duplicate warning is about, per form token: confirming does not
# ask for the file again.
PENDING_FILE = "intake-pending-{}"


class ImportView(Protected, FormView):
    permission_required = "seizures.import_seizures"
    template_name = "seizures/import.html"
    form_class = ImportForm

    def get_initial(self):
        return {"idempotency_key": uuid.uuid4().hex}

    def get_context_data(self, **kwargs):
        recent = (
            IntakeBatch.objects.visible_to(self.request.user)
            .filter(created_by=self.request.user)
            .annotate(seizure_count=Count("seizures"))
            .order_by("-created_at", "-id")[:5]
        )
        return super().get_context_data(columns=COLUMNS, recent_batches=recent, **kwargs)

    def form_valid(self, form):
        key = form.cleaned_data["idempotency_key"]
        pending = PENDING_FILE.format(key)
        upload = form.cleaned_data["file"]
        if upload is not None:
            content, name = upload.read(), upload.name
        elif pending in self.request.session:
            kept = self.request.session[pending]
            content, name = base64.b64decode(kept["content"]), kept["name"]
        else:
            form.add_error("file", "Choose the CSV file to import.")
            return self.form_invalid(form)
        try:
            batch = services.import_seizures(
                content=content,
                actor=self.request.user,
                file_name=name,
                confirm_duplicates=form.cleaned_data["confirm_duplicates"],
                idempotency_key=key,
            )
        except IntakeDuplicates as duplicates:
            self.request.session[pending] = {
                "name": name,
                "content": base64.b64encode(content).decode(),
            }
            confirm = ImportForm(initial={"idempotency_key": key})
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    duplicates=duplicates.rows,
                    summary=duplicates.messages,
                    confirm_form=confirm,
                    file_name=name,
                )
            )
        except IntakeRejected as rejected:
            self.request.session.pop(pending, None)
            return self.render_to_response(
                self.get_context_data(form=form, rejected=rejected.rows, summary=rejected.messages)
            )
        except ValidationError as error:
            # A token already used for another file: a new token for the next try.
            fresh = ImportForm(initial={"idempotency_key": uuid.uuid4().hex})
            for messages_of_field in error.message_dict.values():
                for message in messages_of_field:
                    fresh.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=fresh))
        self.request.session.pop(pending, None)
        count = batch.seizures.count()
        messages.success(self.request, f"{count} seizure{'s' if count != 1 else ''} imported.")
        return redirect(batch)


class IntakeBatchView(Protected, DetailView):
    """What a file created: its seizures and their lots, with the batch actions."""

    permission_required = "seizures.view_intakebatch"
    template_name = "seizures/intake_batch.html"
    context_object_name = "batch"

    def get_queryset(self):
        user = self.request.user
        return (
            IntakeBatch.objects.visible_to(user)
            .select_related("created_by")
            .prefetch_related(
                Prefetch(
                    "seizures",
                    queryset=Seizure.objects.visible_to(user)
                    .select_related("office")
                    .order_by("reference"),
                )
            )
        )

    def get_context_data(self, **kwargs):
        lots = list(batch_lots(self.object, self.request.user))
        return super().get_context_data(
            lots=lots,
            unplaced=sum(1 for lot in lots if lot.location_id is None),
            **kwargs,
        )


def batch_lots(batch: IntakeBatch, user):
    """The lots the file created, of the user's offices."""
    return (
        Lot.objects.visible_to(user)
        .with_related()
        .filter(seizure__intake_batches=batch)
        .order_by("reference")
    )


class IntakeBatchLabelsView(Protected, View):
    """GET: one label sheet (PDF) of every lot the file created."""

    permission_required = "seizures.print_labels"

    def get(self, request, pk):
        batch = get_object_or_404(IntakeBatch.objects.visible_to(request.user), pk=pk)
        return pdf_download(
            labels.lot_labels_pdf(batch_lots(batch, request.user)),
            f"intake-{batch.pk}-labels.pdf",
        )


class IntakeBatchPlaceView(Protected, View):
    """POST: place every unplaced lot of the file at its proposed location, in one step; the
    lots no location accepts are listed with the reasons."""

    permission_required = "seizures.move_lot"

    def post(self, request, pk):
        batch = get_object_or_404(IntakeBatch.objects.visible_to(request.user), pk=pk)
        try:
            results = services.place_lots_by_proposal(
                lots=batch_lots(batch, request.user), actor=request.user
            )
        except TransitionNotAllowed as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(batch.get_absolute_url())
        placed = [result for result in results if result.location is not None]
        if placed:
            messages.success(
                request,
                f"{len(placed)} lot{'s' if len(placed) != 1 else ''} placed: "
                + ", ".join(f"{r.lot.reference} at {r.location.code}" for r in placed)
                + ".",
            )
        for result in results:
            for refusal in result.refusals:
                messages.error(request, f"{result.lot.reference} not placed: {refusal}")
        if not results:
            messages.info(request, "Every lot of this file is already placed.")
        return HttpResponseRedirect(batch.get_absolute_url())
