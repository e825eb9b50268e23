"""The right holder's pages: its cases, each with its lots, destruction orders and certificates,
and the answers it gives (confirm the infringement, agree to or refuse destruction, ask for
samples or for more time). Every read goes through visible_to, every answer through one
service (seizures.services.right_holders)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import ListView, TemplateView

from destruction.costs.models import Statement
from destruction.models import Certificate, DestructionOrder
from destruction.portal import forms
from project.errors import TransitionNotAllowed
from seizures import services
from seizures.models import Lot, RightHolder, Seizure
from seizures.scoping import scope_of


class RightHolderPage(LoginRequiredMixin):
    """Pages for the users of one right holder only (UserAccess.right_holder)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            right_holder_id = scope_of(request.user).right_holder_id
            if right_holder_id is None:
                raise PermissionDenied("These pages are for right holders' users.")
            self.right_holder = RightHolder.objects.get(pk=right_holder_id)
        return super().dispatch(request, *args, **kwargs)

    def case(self, pk: int) -> Seizure:
        return get_object_or_404(
            Seizure.objects.visible_to(self.request.user).with_related(), pk=pk
        )


class HomeView(RightHolderPage, ListView):
    """The right holder's cases, newest first, each with what waits for its answer."""

    template_name = "destruction/portal/home.html"
    paginate_by = 50

    def get_queryset(self):
        return Seizure.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        statements = Statement.objects.visible_to(self.request.user).for_list()[:20]
        return super().get_context_data(
            right_holder=self.right_holder, statements=statements, **kwargs
        )


@dataclass(frozen=True)
class Answer:
    form_class: type
    service: object
    done: str


ANSWERS = {
    "confirm": Answer(
        forms.ConfirmInfringementForm, services.confirm_infringement, "Infringement confirmed."
    ),
    "agree": Answer(
        forms.AgreementForm, services.agree_to_destruction, "Agreement to destruction recorded."
    ),
    "refuse": Answer(forms.RefusalForm, services.refuse_destruction, "Refusal recorded."),
    "samples": Answer(forms.SampleRequestForm, services.request_samples, "Samples requested."),
    "extension": Answer(
        forms.ExtensionRequestForm, services.request_extension, "Extension requested."
    ),
}


class CaseView(RightHolderPage, TemplateView):
    """One case: its deadlines and agreement, lots, orders and certificates, the answers given
    so far, and the forms to answer."""

    template_name = "destruction/portal/case.html"

    def get_context_data(self, **kwargs):
        seizure = self.case(self.kwargs["pk"])
        user = self.request.user
        lots = Lot.objects.visible_to(user).filter(seizure=seizure).order_by("reference")
        orders = (
            DestructionOrder.objects.visible_to(user)
            .filter(lines__lot__seizure=seizure, lines__active=True)
            .distinct()
            .select_related("facility")
            .order_by("-planned_date", "-id")
        )
        certificates = (
            Certificate.objects.visible_to(user)
            .filter(order__in=orders.values("pk"))
            .defer("pdf", "snapshot")
            .order_by("-issued_at")
        )
        statements = (
            Statement.objects.visible_to(user)
            .filter(Q(seizure=seizure) | Q(entries__lot__seizure=seizure))
            .distinct()
            .for_list()
        )
        answer_forms = {
            f"{name}_form": kwargs.pop(f"{name}_form", None) or answer.form_class(prefix=name)
            for name, answer in ANSWERS.items()
        }
        return super().get_context_data(
            seizure=seizure,
            right_holder=self.right_holder,
            lots=lots,
            orders=orders,
            certificates=certificates,
            statements=statements,
            acts=seizure.right_holder_acts.all(),
            **answer_forms,
            **kwargs,
        )


class AnswerView(RightHolderPage, View):
    """POST one answer on a case; a refusal shows the case page again with the form's errors."""

    http_method_names = ["post"]
    answer_name = ""

    def post(self, request, pk: int):
        seizure = self.case(pk)
        answer = ANSWERS[self.answer_name]
        form = answer.form_class(request.POST, prefix=self.answer_name)
        if form.is_valid():
            try:
                answer.service(seizure=seizure, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except TransitionNotAllowed as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, f"{seizure.reference}: {answer.done}")
                return redirect("right-holder:case", pk=seizure.pk)
        page = CaseView(request=request, kwargs={"pk": pk})
        page.right_holder = self.right_holder
        context = page.get_context_data(**{f"{self.answer_name}_form": form})
        return page.render_to_response(context, status=400)
