"""Compliance pages: the what-if check (any logged-in user), the rulebook and its rules, and the
stored checks with the rulebook version each used."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.views.generic import DetailView, ListView, TemplateView

from compliance.checks import current_rulebook
from compliance.conditions import SEVERITIES
from compliance.filtersets import ComplianceCheckFilterSet, RuleFilterSet
from compliance.forms import RuleChangesForm, WhatIfForm
from compliance.models import ComplianceCheck
from compliance.rulebook.catalogue import rule_data, rulebook_changes
from compliance.services import run_what_if
from seizures.waste_codes import lookup

VIEW_CHECKS = "compliance.view_compliancecheck"
SEVERITY_HEADINGS = {
    "blocking": "Blocking: must be resolved before destruction",
    "warning": "Warnings: need a reviewer's attention",
    "info": "Information: not yet recorded or checked later",
}


def by_severity(findings: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Findings grouped by severity, blocking first; within a group, one entry per rule and
    reason with every lot it concerns (an order-wide finding is not repeated per lot)."""
    groups: dict[str, dict[tuple[str, str], dict[str, Any]]] = {s: {} for s in SEVERITIES}
    for finding in findings:
        key = (finding["rule"], finding.get("detail", ""))
        entry = groups[finding["severity"]].setdefault(key, {**finding, "lots": []})
        if finding.get("lot"):
            entry["lots"].append(finding["lot"])
    return [
        {
            "severity": severity,
            "heading": SEVERITY_HEADINGS[severity],
            "findings": list(found.values()),
        }
        for severity, found in groups.items()
        if found
    ]


class WhatIfView(LoginRequiredMixin, TemplateView):
    """Open to every logged-in user (as the API): a planning aid over the published rulebook."""

    template_name = "compliance/whatif.html"

    def get_context_data(self, **kwargs):
        form = WhatIfForm(self.request.GET or None)
        context: dict[str, Any] = {"form": form, "rulebook_version": current_rulebook().version}
        if form.is_bound and form.is_valid():
            result = run_what_if(form.request())
            context["result"] = result
            context["waste_code"] = lookup(str(result.facts["ewc_code"]))
            context["groups"] = by_severity(finding.as_dict() for finding in result.findings)
        return super().get_context_data(**context, **kwargs)

    def render_to_response(self, context, **kwargs):
        form = context["form"]
        status = 400 if form.is_bound and not form.is_valid() else 200
        return super().render_to_response(context, status=status, **kwargs)


class RuleListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = VIEW_CHECKS
    template_name = "compliance/rule_list.html"

    def get_context_data(self, **kwargs):
        rulebook = current_rulebook()
        filterset = RuleFilterSet(self.request.GET, rulebook.rules)
        return super().get_context_data(
            rulebook=rulebook,
            rules=[rule_data(rule) for rule in filterset.qs],
            total=len(rulebook.rules),
            filter_form=filterset.form,
            **kwargs,
        )


class RuleChangesView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """What changed between two kept rulebook versions (stored checks keep theirs)."""

    permission_required = VIEW_CHECKS
    template_name = "compliance/rule_changes.html"

    def get_context_data(self, **kwargs):
        form = RuleChangesForm(self.request.GET)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            context["changes"] = rulebook_changes(
                form.cleaned_data["from"], form.cleaned_data["to"]
            )
        return super().get_context_data(**context, **kwargs)

    def render_to_response(self, context, **kwargs):
        status = 200 if "changes" in context else 400
        return super().render_to_response(context, status=status, **kwargs)


class RuleDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = VIEW_CHECKS
    template_name = "compliance/rule_detail.html"

    def get_context_data(self, **kwargs):
        rulebook = current_rulebook()
        try:
            rule = rulebook.rule(self.kwargs["rule_id"])
        except KeyError:
            raise Http404("No such rule.") from None
        enforced_by = [other.id for other in rulebook.rules if rule.id in other.see]
        return super().get_context_data(
            rulebook=rulebook, rule=rule_data(rule), enforced_by=enforced_by, **kwargs
        )


class CheckListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = VIEW_CHECKS
    template_name = "compliance/check_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = ComplianceCheckFilterSet(
            self.request.GET or None,
            queryset=ComplianceCheck.objects.visible_to(self.request.user).for_list(),
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return ComplianceCheck.objects.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filterset.form, **kwargs)
        for check in context["object_list"]:
            check.counts = severity_counts(check.findings)
        return context


def severity_counts(findings: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for finding in findings:
        counts[finding.get("severity", "info")] += 1
    return {severity: counts[severity] for severity in SEVERITIES}


class CheckDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    permission_required = VIEW_CHECKS
    template_name = "compliance/check_detail.html"
    context_object_name = "check"

    def get_queryset(self):
        return ComplianceCheck.objects.visible_to(self.request.user).for_list()

    def get_context_data(self, **kwargs):
        check = self.object
        return super().get_context_data(
            groups=by_severity(check.findings),
            current_version=current_rulebook().version,
            **kwargs,
        )
