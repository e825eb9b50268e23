"""Frozen editions of a year's statistics: the data-quality gate shown before closing, closing a
year (and revising it after a correction), and the frozen figures served for a closed year.

An edition stores the JSON export of the year for all offices and for each office, byte for
byte, with their SHA-256; the JSON export of a closed year is that text, and the other formats
(CSV, XLSX, PDF, the page) are drawn from its figures."""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from compliance.checks import current_rulebook
from compliance.models import ComplianceCheck, EditionDocument, ExchangeRate, StatisticsEdition
from compliance.statistics.annual import AnnualStatistics, check_year
from compliance.statistics.exports import json_chunks
from destruction.costs.models import CostEntry
from destruction.models import DestructionOrder, OrderStatus
from project.users import display_name
from seizures.models import CustomsOffice, Lot
from seizures.querysets import long_stay_query

LISTED = 20  # items listed per issue; the count says how many there are
MAX_REASON = 2000


# --- the data-quality gate --------------------------------------------------------------------


@dataclass(frozen=True)
class QualityItem:
    text: str
    url: str


@dataclass(frozen=True)
class QualityIssue:
    """Something that would make the year's figures wrong, with the records that fix it."""

    key: str
    title: str
    fix: str
    count: int
    items: list[QualityItem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "fix": self.fix,
            "count": self.count,
            "items": [{"text": item.text, "url": item.url} for item in self.items],
        }


def _issue(key: str, title: str, fix: str, queryset, describe) -> QualityIssue:
    count = queryset.count()
    items = [describe(row) for row in queryset[:LISTED]] if count else []
    return QualityIssue(key, title, fix, count, items)


def quality_gate(year: int) -> list[QualityIssue]:
    """Every check, found or not (count 0): lots of the year without category or provenance,
    executed orders of the year without a record check, currencies of the year without a rate,
    lots detained by the year's end still stored past the long-stay alarm."""
    first, last = f"{year}-01-01", f"{year}-12-31"
    detained = Lot.objects.filter(seizure__detained_on__gte=first, seizure__detained_on__lte=last)
    unclassified = (
        detained.filter(Q(category="") | Q(seizure__provenance_country=""))
        .select_related("seizure")
        .order_by("reference")
    )
    record_checks = ComplianceCheck.objects.filter(
        order=OuterRef("pk"), stage=ComplianceCheck.Stage.RECORD
    )
    unchecked = (
        DestructionOrder.objects.filter(
            status__in=(OrderStatus.EXECUTED, OrderStatus.CERTIFIED),
            record__ended_at__year=year,
        )
        .filter(~Exists(record_checks))
        .order_by("reference")
    )
    rated = ExchangeRate.objects.filter(year=year).values("currency")
    costs = CostEntry.objects.filter(incurred_on__gte=first, incurred_on__lte=last)
    # Retail values and costs of the year: a union of distinct codes, one query.
    unrated = (
        detained.exclude(currency=settings.REPORTING_CURRENCY)
        .exclude(currency__in=rated)
        .order_by()
        .values_list("currency", flat=True)
        .union(
            costs.exclude(currency=settings.REPORTING_CURRENCY)
            .exclude(currency__in=rated)
            .order_by()
            .values_list("currency", flat=True)
        )
        .order_by("currency")
    )
    long_stay = (
        Lot.objects.filter(long_stay_query(), seizure__detained_on__lte=last)
        .select_related("seizure")
        .order_by("stored_since", "reference")
    )
    rates_url = reverse("admin:compliance_exchangerate_add")
    return [
        _issue(
            "lots_without_classification",
            "Lots without category or country of provenance",
            "Complete the lot's category or the seizure's country of provenance.",
            unclassified,
            lambda lot: QualityItem(
                f"{lot.reference}: " + ("no category" if not lot.category else "no provenance"),
                reverse("seizures:seizure-edit", args=[lot.seizure_id])
                if lot.category
                else reverse("seizures:lot-amend", args=[lot.pk]),
            ),
        ),
        _issue(
            "orders_without_record_check",
            "Executed orders without a record check",
            "Open the order and run its compliance check of the record.",
            unchecked,
            lambda order: QualityItem(
                order.reference, reverse("destruction:order-detail", args=[order.pk])
            ),
        ),
        _issue(
            "currencies_without_rate",
            "Currencies without an exchange rate for the year",
            f"Add the {year} rate: their retail values and costs are left out of the converted "
            "totals.",
            unrated,
            lambda code: QualityItem(code, f"{rates_url}?year={year}&currency={code}"),
        ),
        _issue(
            "lots_past_long_stay_alarm",
            f"Lots still stored after {settings.LONG_STAY_ALARM_DAYS} days (long-stay alarm)",
            "Dispose of the lot or record why it stays: it counts in the stock at year end.",
            long_stay,
            lambda lot: QualityItem(
                f"{lot.reference} (stored since {timezone.localdate(lot.stored_since)})",
                reverse("seizures:lot-detail", args=[lot.pk]),
            ),
        ),
    ]


# --- closing a year ---------------------------------------------------------------------------


def latest_edition(year: int) -> StatisticsEdition | None:
    return StatisticsEdition.objects.filter(year=year).order_by("-number").first()


def _document(year: int, office: CustomsOffice | None, head: dict[str, Any], now) -> str:
    stats = AnnualStatistics(year, office)
    return "".join(json_chunks(stats, generated_at=now, edition=head))


def _figures(content: str) -> dict[str, Any]:
    """{path: figure} of a document: totals and every breakdown row, this year and previous."""
    document = json.loads(content)
    figures: dict[str, Any] = {}
    for section, measures in document["totals"].items():
        for measure, comparison in measures.items():
            for side in ("figure", "previous"):
                figures[f"totals.{section}.{measure}.{side}"] = comparison[side]
    for key, rows in document["breakdowns"].items():
        for row in rows:
            for measure, comparison in row.items():
                if isinstance(comparison, dict):
                    for side in ("figure", "previous"):
                        path = f"breakdowns.{key}.{row['value']}.{measure}.{side}"
                        figures[path] = comparison[side]
    return figures


def edition_changes(previous: dict[str, str], current: dict[str, str]) -> list[dict[str, Any]]:
    """Every figure that differs between two editions' documents ({office code or "": text})."""
    changes = []
    for office in sorted(previous.keys() | current.keys()):
        before = _figures(previous[office]) if office in previous else {}
        after = _figures(current[office]) if office in current else {}
        for path in sorted(before.keys() | after.keys()):
            if before.get(path) != after.get(path):
                changes.append(
                    {
                        "office": office or None,
                        "figure": path,
                        "before": before.get(path),
                        "after": after.get(path),
                    }
                )
    return changes


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def close_year(
    *, year: int, actor: User, reason: str = "", accept_quality_issues: bool = False
) -> StatisticsEdition:
    """Freeze the year's figures as a new edition: the first close, or a revision (a reason is
    then required, and at least one figure must differ from the previous edition). Refused while
    the data-quality gate finds issues, unless the administrator accepts them (their counts are
    kept with the edition)."""
    check_year(year)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [f"Keep the reason under {MAX_REASON:,} characters."]})
    issues = {issue.key: issue.count for issue in quality_gate(year) if issue.count}
    if issues and not accept_quality_issues:
        raise ValidationError(
            {
                "accept_quality_issues": [
                    f"The data-quality gate finds {sum(issues.values())} issue(s) for {year}: fix "
                    "them, or accept them to close the year as it is."
                ]
            }
        )
    with transaction.atomic(durable=True):
        previous = latest_edition(year)
        if previous is not None and not reason:
            raise ValidationError({"reason": ["Say what the revised edition corrects."]})
        rulebook_version = current_rulebook().version
        now = timezone.now()
        number = previous.number + 1 if previous else 1
        head = {
            "number": number,
            "closed_at": now.isoformat(timespec="seconds"),
            "closed_by": display_name(actor),
            "rulebook_version": rulebook_version,
            "reason": reason,
        }
        offices = [None, *CustomsOffice.objects.order_by("code")]
        documents = {
            (office.code if office else ""): (office, _document(year, office, head, now))
            for office in offices
        }
        changes: list[dict[str, Any]] = []
        if previous is not None:
            changes = edition_changes(
                {
                    (d.office.code if d.office else ""): d.content
                    for d in previous.documents.select_related("office")
                },
                {code: content for code, (_, content) in documents.items()},
            )
            if not changes:
                raise ValidationError(
                    {"reason": [f"No figure differs from edition {previous.number}."]}
                )
        hashes = {code: _sha256(content) for code, (_, content) in documents.items()}
        manifest = "".join(f"{code or '*'} {digest}\n" for code, digest in sorted(hashes.items()))
        edition = StatisticsEdition.objects.create(
            year=year,
            number=number,
            sha256=_sha256(manifest),
            rulebook_version=rulebook_version,
            closed_by=actor,
            closed_by_name=display_name(actor),
            closed_at=now,
            reason=reason,
            quality_issues=issues,
            changes=changes,
        )
        EditionDocument.objects.bulk_create(
            EditionDocument(edition=edition, office=office, content=content, sha256=hashes[code])
            for code, (office, content) in documents.items()
        )
    return edition
