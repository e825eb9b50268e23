"""Ids in API URLs: a number longer than any database id, or not a number, is a 404."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 19


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/lots/{HUGE}/",
        f"/api/v1/seizures/{HUGE}/",
        f"/api/v1/destruction-orders/{HUGE}/",
        f"/api/v1/destruction-orders/{HUGE}/evidence/0/",
        f"/api/v1/destruction-orders/1/evidence/{HUGE}/",
        "/api/v1/facilities/abc/",
        "/api/v1/lots/1.5/",
    ],
)
def test_an_impossible_id_is_not_found(api, admin_user, url):
    response = api(admin_user).get(url)
    assert response.status_code == 404
    assert response.json()["detail"]
