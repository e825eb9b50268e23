"""The statistics page (year and office selectors, charts, year-on-year tables) and its
downloads: CSV, XLSX and JSON (the same files as the API) and the PDF annual report."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from compliance.models import StatisticsEdition
from compliance.statistics import AnnualStatistics
from compliance.statistics.annual import check_year
from compliance.statistics.charts import all_charts
from compliance.statistics.dictionary import BREAKDOWNS, DEFINITIONS, MEASURES, Section
from compliance.statistics.display import change_text, figure_text
from compliance.statistics.editions import close_year, quality_gate
from compliance.statistics.exports import FORMATS, export_response, requested_statistics
from compliance.statistics.forms import CloseYearForm, StatisticsForm, year_choices
from compliance.statistics.frozen import FrozenStatistics, statistics_for
from compliance.statistics.report import render_report
from destruction.certificates.seal import SealUnavailable

PERMISSION = "compliance.view_statistics"
CLOSE_PERMISSION = "compliance.close_statistics"


def cell(measure: str, comparison) -> dict:
    return {
        "figure": figure_text(measure, comparison.figure),
        "previous": figure_text(measure, comparison.previous),
        "change": change_text(measure, comparison),
    }


def page_tables(stats: AnnualStatistics) -> tuple[list[dict], list[dict]]:
    """Totals and breakdowns shaped for the template (a few hundred aggregated rows at most)."""
    totals = [
        {
            "key": section,
            "label": label,
            "rows": [
                {"measure": MEASURES[m], **cell(m, comparison)}
                # An edition closed before a section existed (costs) has none.
                for m, comparison in stats.totals().get(section, {}).items()
            ],
        }
        for section, label in Section.choices
    ]
    breakdowns = []
    for key, rows in stats.breakdowns():
        info = BREAKDOWNS[key]
        breakdowns.append(
            {
                "info": info,
                "measures": [MEASURES[m] for m in info.measures],
                "rows": [
                    {
                        "value": row.value,
                        "label": row.label,
                        "cells": [cell(m, row.figures[m]) for m in info.measures],
                    }
                    for row in rows
                ],
                "total": [
                    cell(m, stats.total(m)) if stats.total(m) else None for m in info.measures
                ],
            }
        )
    return totals, breakdowns


class StatisticsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "compliance/statistics/statistics.html"

    def get_context_data(self, **kwargs):
        years, default = year_choices()
        form = StatisticsForm(
            self.request.GET or None, years=years, user=self.request.user, initial={"year": default}
        )
        context = super().get_context_data(form=form, **kwargs)
        if form.is_bound and not form.is_valid():
            return context
        year = form.cleaned_data["year"] if form.is_bound else default
        office = form.cleaned_data["office"] if form.is_bound else form.default_office()
        stats = statistics_for(year, office)
        totals, breakdowns = page_tables(stats)
        context.update(
            stats=stats,
            totals=totals,
            breakdowns=breakdowns,
            charts=[{"title": chart.title, "svg": chart.svg()} for chart in all_charts(stats)],
            unconverted=[
                {**u, "retail_value": figure_text("retail_value_original", u["retail_value"])}
                for u in stats.unconverted()
            ],
            definitions=DEFINITIONS,
            formats=FORMATS,
            office_code=office.code if office else "",
            edition=stats.edition if isinstance(stats, FrozenStatistics) else None,
            can_close=self.request.user.has_perm(CLOSE_PERMISSION),
        )
        return context


def bad_request(error: ValidationError) -> HttpResponseBadRequest:
    """A download link is followed outside the page: a plain line per bad field, not a 404."""
    lines = [f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


class StatisticsExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The CSV, XLSX or JSON file of a year (the page's download buttons)."""

    permission_required = PERMISSION

    def get(self, request, year: int, file_format: str):
        try:
            stats = requested_statistics(
                year, file_format, request.GET.get("office", "").strip(), user=request.user
            )
        except ValidationError as error:
            return bad_request(error)
        return export_response(stats, file_format)


class StatisticsReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The PDF annual report: totals, charts, breakdown tables and definitions."""

    permission_required = PERMISSION

    def get(self, request, year: int):
        try:
            stats = requested_statistics(
                year, None, request.GET.get("office", "").strip(), user=request.user
            )
        except ValidationError as error:
            return bad_request(error)
        try:
            pdf = render_report(stats)
        except SealUnavailable as error:
            return HttpResponse(str(error), status=503, content_type="text/plain")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stats.filename("pdf")}"'
        return response


class StatisticsCloseView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Close a year (or revise a closed one): the data-quality gate with links to fix each
    issue, the editions so far with their changes, and the closing form."""

    permission_required = CLOSE_PERMISSION
    template_name = "compliance/statistics/close.html"
    form_class = CloseYearForm

    def dispatch(self, request, *args, **kwargs):
        try:
            check_year(kwargs["year"])
        except ValidationError as error:
            return bad_request(error)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        year = self.kwargs["year"]
        issues = quality_gate(year)
        return super().get_context_data(
            year=year,
            issues=issues,
            issue_count=sum(issue.count for issue in issues),
            editions=StatisticsEdition.objects.filter(year=year).order_by("-number"),
            **kwargs,
        )

    def form_valid(self, form):
        year = self.kwargs["year"]
        try:
            edition = close_year(
                year=year,
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
                accept_quality_issues=form.cleaned_data["accept_quality_issues"],
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
            return self.form_invalid(form)
        messages.success(
            self.request, f"{year} closed: edition {edition.number}, SHA-256 {edition.sha256}."
        )
        return redirect(f"{reverse('statistics:page')}?year={year}")
