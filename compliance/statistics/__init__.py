"""Annual statistics: EU-report dimensions (digest D1, D2) joined with environmental outcomes
(digest D4), computed by the database, compared year on year, exported as JSON, CSV and XLSX.

- dictionary: what every measure and breakdown means (published with the exports);
- figures: the aggregate and GROUP BY queries for one year;
- annual: a year beside the previous one (AnnualStatistics);
- exports: JSON and CSV streams, the XLSX workbook;
- rates: the service that maintains the yearly exchange-rate table;
- charts and report: the SVG/PDF charts and the PDF annual report;
- views, forms, urls, api/: the statistics page, its downloads and GET /api/v1/statistics/{year}/;
- demo: the demo exchange rates.
"""

from compliance.statistics.annual import AnnualStatistics, ComparedRow, Comparison

__all__ = ["AnnualStatistics", "ComparedRow", "Comparison"]
