"""A closed year's statistics served from its frozen edition (compliance.statistics.editions):
the JSON export is the stored text, the other formats and the page read its figures."""

import json
from decimal import Decimal
from typing import Any

from django.conf import settings

from compliance.models import EditionDocument
from compliance.statistics.annual import AnnualStatistics, ComparedRow, Comparison
from compliance.statistics.figures import Figure, clean
from seizures.models import CustomsOffice


def edition_document(year: int, office: CustomsOffice | None) -> EditionDocument | None:
    """The document of the latest edition of the year for this scope, if the year is closed."""
    return (
        EditionDocument.objects.filter(edition__year=year, office=office)
        .select_related("edition")
        .order_by("-edition__number")
        .first()
    )


def thaw(measure: str, value: Any) -> Figure:
    """A figure read back from JSON (a float for decimals) to its unit, None staying None."""
    if value is None:
        return None
    return clean(measure, Decimal(str(value)))


class FrozenStatistics(AnnualStatistics):
    """A closed year's statistics read from its edition: the same interface as AnnualStatistics
    (page, CSV, XLSX, PDF), no figure computed."""

    def __init__(self, document: EditionDocument, office: CustomsOffice | None) -> None:
        self.document = document
        self.edition = document.edition
        content = json.loads(document.content)
        self.content = content
        self.year = content["year"]
        self.previous_year = content["previous_year"]
        self.office = office
        self.reporting_currency = content["reporting_currency"]

    def totals(self) -> dict[str, dict[str, Comparison]]:
        return {
            section: {
                measure: Comparison(thaw(measure, c["figure"]), thaw(measure, c["previous"]))
                for measure, c in measures.items()
            }
            for section, measures in self.content["totals"].items()
        }

    def breakdown(self, key: str) -> list[ComparedRow]:
        return [
            ComparedRow(
                row["value"],
                row["label"],
                {
                    measure: Comparison(thaw(measure, c["figure"]), thaw(measure, c["previous"]))
                    for measure, c in row.items()
                    if isinstance(c, dict)
                },
            )
            # An edition closed before a breakdown existed (costs) has no rows for it.
            for row in self.content["breakdowns"].get(key, [])
        ]

    def exchange_rates(self) -> list[dict]:
        return [
            {"currency": rate["currency"], "rate": thaw("rate", rate["rate"])}
            for rate in self.content["exchange_rates"]
        ]

    def unconverted(self) -> list[dict]:
        return [
            {**item, "retail_value": thaw("retail_value_original", item["retail_value"])}
            for item in self.content["unconverted"]
        ]


def statistics_for(year: int, office: CustomsOffice | None) -> AnnualStatistics:
    """The frozen edition of a closed year, else the live figures (kept
    STATISTICS_CACHE_SECONDS in the shared cache)."""
    document = edition_document(year, office)
    if document is None:
        return AnnualStatistics(year, office, cache_seconds=settings.STATISTICS_CACHE_SECONDS)
    return FrozenStatistics(document, office)
