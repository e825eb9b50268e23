"""The statistics benchmark stays true: its bulk generator writes rows the current models accept,
and on that data the JSON export and the benchmark's raw SQL give the same figures (the
benchmark's ratio is only meaningful while they do)."""

import io
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from bench import generate_lots, statistics_bench
from seizures.models import Lot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", [2024, 2025])
def test_generated_data_gives_the_same_figures_through_the_export_and_raw_sql(client, year):
    counts = generate_lots.generate(600, stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="bench"))

    response = client.get(f"/api/v1/statistics/{year}/", {"format": "json"})
    document = json.loads(b"".join(response.streaming_content))
    with connection.cursor() as cursor:
        raw = statistics_bench.raw_figures(
            cursor,
            year,
            connection.vendor == "postgresql",
            settings.REPORTING_CURRENCY,
            settings.TIME_ZONE,
        )

    assert counts["lots"] == Lot.objects.count() == 600
    assert document["totals"]["enforcement"]["lots"]["figure"] > 0
    assert raw["total"]["kg_destroyed"] > 0
    assert raw["total"]["cost_entries"] > 0 and raw["total"]["unconverted_cost_entries"] > 0
    assert set(raw["payer"]) == {"right_holder", "declarant", "administration"}
    assert set(raw["cost_kind"]) == {"destruction", "storage"}
    assert statistics_bench.compare(document, raw) == []
