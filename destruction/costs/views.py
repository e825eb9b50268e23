"""Cost pages: statements (list, detail, issue, PDF, CSV) and payments against them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView, View

from destruction.certificates.views import add_service_error
from destruction.costs.documents import statement_csv, statement_lines, statement_pdf
from destruction.costs.filtersets import StatementFilterSet
from destruction.costs.forms import IssueStatementForm, PaymentForm
from destruction.costs.models import Statement
from destruction.costs.services import issue_statement, record_payment
from project.errors import TransitionNotAllowed
from project.views import Protected
from seizures.views import FilteredListView

STATEMENT_COLUMNS = [
    ("number", lambda s: s.number),
    ("right_holder", lambda s: s.right_holder.name),
    ("seizure", lambda s: s.seizure.reference if s.seizure_id else ""),
    ("period_from", lambda s: s.period_from),
    ("period_to", lambda s: s.period_to),
    ("issued_at", lambda s: s.issued_at),
    ("due_on", lambda s: s.due_on),
    ("currency", lambda s: s.currency),
    ("total", lambda s: s.total),
    ("paid", lambda s: s.paid_amount),
    ("status", lambda s: s.get_status_display()),
]


class StatementListView(FilteredListView):
    permission_required = "destruction.view_statement"
    filterset_class = StatementFilterSet
    export_columns = STATEMENT_COLUMNS
    export_name = "statements"
    template_name = "destruction/costs/statement_list.html"

    def base_queryset(self):
        return Statement.objects.visible_to(self.request.user).for_list()


class StatementMixin(Protected):
    def statement(self) -> Statement:
        return get_object_or_404(
            Statement.objects.visible_to(self.request.user).for_list(), pk=self.kwargs["pk"]
        )


class StatementDetailView(StatementMixin, DetailView):
    permission_required = "destruction.view_statement"
    template_name = "destruction/costs/statement_detail.html"
    context_object_name = "statement"

    def get_object(self, queryset=None):
        return self.statement()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lines=statement_lines(self.object),
            payments=self.object.payments.select_related("recorded_by"),
            payment_form=kwargs.pop("payment_form", None) or PaymentForm(),
            **kwargs,
        )


class StatementIssueView(Protected, FormView):
    permission_required = "destruction.add_statement"
    template_name = "destruction/costs/statement_issue.html"
    form_class = IssueStatementForm

    def get_initial(self):
        return {"right_holder": self.request.GET.get("right_holder")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            statement = issue_statement(
                right_holder=data["right_holder"],
                period_from=data["period_from"],
                period_to=data["period_to"],
                seizure_id=data["seizure"].pk if data["seizure"] else None,
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Statement {statement.number} issued.")
        return redirect("costs:statement-detail", pk=statement.pk)


class PaymentView(StatementMixin, View):
    permission_required = "destruction.record_payment"

    def post(self, request, pk):
        statement = self.statement()
        form = PaymentForm(request.POST)
        if form.is_valid():
            try:
                record_payment(statement=statement, actor=request.user, **form.cleaned_data)
            except (ValidationError, TransitionNotAllowed) as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Payment recorded on {statement.number}.")
                return redirect("costs:statement-detail", pk=statement.pk)
        view = StatementDetailView(request=request, kwargs=self.kwargs, object=statement)
        context = view.get_context_data(object=statement, payment_form=form)
        return view.render_to_response(context, status=400)


class StatementFileView(StatementMixin, View):
    permission_required = "destruction.view_statement"
    render = None
    content_type = ""
    extension = ""

    def get(self, request, pk):
        statement = self.statement()
        response = HttpResponse(type(self).render(statement), content_type=self.content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{statement.number}.{self.extension}"'
        )
        return response


class StatementPdfView(StatementFileView):
    render = statement_pdf
    content_type = "application/pdf"
    extension = "pdf"


class StatementCsvView(StatementFileView):
    render = statement_csv
    content_type = "text/csv; charset=utf-8"
    extension = "csv"
