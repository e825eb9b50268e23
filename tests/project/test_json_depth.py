"""Deeply nested JSON is a 400 from every endpoint (the project's parser), never a 500."""

import json

import pytest
from rest_framework.test import APIClient

from project.api import MAX_JSON_DEPTH, json_depth

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    """A JSON list nested `depth` levels deep."""
    return "[" * depth + "]" * depth


def post_raw(client: APIClient, url: str, body: str):
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_token_endpoint_answers_400_to_json_nested_past_the_recursion_limit(depth):
    response = post_raw(APIClient(), "/api/v1/auth/token/", nested(depth))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON parse error - nested too deeply.",
        "errors": {"non_field_errors": ["JSON parse error - nested too deeply."]},
    }


def test_json_one_level_past_the_limit_is_refused_and_at_the_limit_reaches_validation():
    limit = post_raw(
        APIClient(), "/api/v1/auth/token/", json.dumps({"username": json.loads(nested(31))})
    )
    assert limit.status_code == 400
    assert "username" in limit.json()["errors"]
    past = post_raw(
        APIClient(), "/api/v1/auth/token/", json.dumps({"username": json.loads(nested(32))})
    )
    assert past.status_code == 400
    assert (
        past.json()["detail"] == f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."
    )


@pytest.mark.parametrize(
    "url", ["/api/v1/seizures/", "/api/v1/compliance/check/", "/api/v1/destruction-orders/"]
)
def test_authenticated_endpoints_refuse_deep_nesting_too(api, admin_user, url):
    response = post_raw(api(admin_user), url, '{"lots": ' + nested(5_000) + "}")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - nested")


@pytest.mark.parametrize(
    ("data", "depth"),
    [(1, 0), ("x", 0), ([], 1), ({}, 1), ({"a": [1, {"b": []}]}, 4), ([[[]], []], 3)],
)
def test_json_depth_counts_containers(data, depth):
    assert json_depth(data) == depth
