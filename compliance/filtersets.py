"""Filters of the rulebook list and of the stored compliance checks, shared by the pages and the
API. Malformed values are form errors on a page and a 400 in the API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import Q

from compliance.conditions import SEVERITIES
from compliance.facts import STAGES
from compliance.models import ComplianceCheck, Verdict
from compliance.rulebook import MARKS, Rule
from destruction.methods import Method
from project.filters import FilterSet
from seizures.categories import WasteClass


def _choices(values: Iterable[str]) -> list[tuple[str, str]]:
    return [("", "Any")] + [(value, value.replace("_", " ").capitalize()) for value in values]


class RuleFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    waste_class = forms.ChoiceField(
        label="Waste class",
        required=False,
        choices=[("", "Any")] + list(WasteClass.choices),
        help_text="Rules of this class and the universal ones.",
    )
    method = forms.ChoiceField(
        label="Method",
        required=False,
        choices=[("", "Any")] + list(Method.choices),
        help_text="Rules that permit, forbid or check this method, and those for every method.",
    )
    severity = forms.ChoiceField(label="Severity", required=False, choices=_choices(SEVERITIES))
    stage = forms.ChoiceField(label="Stage", required=False, choices=_choices(STAGES))
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "Any"), ("check", "Checked"), ("note", "Note (reference only)")],
    )
    mark = forms.ChoiceField(label="Mark", required=False, choices=_choices(MARKS))


class RuleFilterSet:
    """The rules are data in memory, not rows: the same interface as a django-filter FilterSet
    (``form``, ``is_valid``, ``errors``, ``qs``, ``primary_filters``) over a tuple of rules."""

    primary_filters = ("q", "waste_class", "method", "severity", "stage")

    def __init__(self, data: Mapping[str, Any] | None, rules: Iterable[Rule]) -> None:
        self.form = RuleFilterForm(data or None)
        self.rules = tuple(rules)

    @property
    def is_bound(self) -> bool:
        return self.form.is_bound

    def is_valid(self) -> bool:
        return not self.form.is_bound or self.form.is_valid()

    @property
    def errors(self) -> dict[str, list[str]]:
        return {field: list(messages) for field, messages in self.form.errors.items()}

    @property
    def qs(self) -> tuple[Rule, ...]:
        if not self.form.is_bound:
            return self.rules
        if not self.form.is_valid():
            return ()
        wanted = self.form.cleaned_data
        return tuple(rule for rule in self.rules if _matches(rule, wanted))


def _matches(rule: Rule, wanted: Mapping[str, str]) -> bool:
    waste_class, method = wanted.get("waste_class"), wanted.get("method")
    text = (wanted.get("q") or "").strip().lower()
    return (
        (not waste_class or rule.waste_classes is None or waste_class in rule.waste_classes)
        and (not method or _concerns_method(rule, method))
        and (not wanted.get("severity") or rule.severity == wanted["severity"])
        and (not wanted.get("stage") or wanted["stage"] in rule.applies_to)
        and (not wanted.get("kind") or rule.kind == wanted["kind"])
        and (not wanted.get("mark") or rule.mark == wanted["mark"])
        and (
            not text
            or text in rule.id.lower()
            or text in rule.message.lower()
            or text in rule.source_text.lower()
        )
    )


def _concerns_method(rule: Rule, method: str) -> bool:
    """The rule names the method, or applies to every method (X-MF-01, X-WE-01, ...): a rule
    without a method scope at a stage where a method is chosen. Storage rules never do."""
    if rule.methods is not None:
        return method in rule.methods
    return bool(rule.applies_to - {"storage"})


class ComplianceCheckFilterSet(FilterSet):
    primary_filters = ("verdict", "stage", "order", "lot", "checked_after")

    verdict = django_filters.ChoiceFilter(choices=Verdict.choices)
    stage = django_filters.ChoiceFilter(choices=ComplianceCheck.Stage.choices)
    order = django_filters.CharFilter(
        field_name="order__reference", lookup_expr="iexact", label="Order reference"
    )
    lot = django_filters.CharFilter(method="filter_lot", label="Lot reference")
    rulebook_version = django_filters.CharFilter(label="Rulebook version")
    checked_after = django_filters.DateFilter(
        field_name="checked_at", lookup_expr="date__gte", label="Checked on or after"
    )
    checked_before = django_filters.DateFilter(
        field_name="checked_at", lookup_expr="date__lte", label="Checked on or before"
    )

    class Meta:
        model = ComplianceCheck
        fields: list[str] = []

    def filter_lot(self, queryset, name: str, value: str):
        """Storage checks of the lot, and checks of the orders the lot is in."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(lot__reference__iexact=value) | Q(order__lines__lot__reference__iexact=value)
        ).distinct()
