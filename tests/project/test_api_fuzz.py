"""The schema is true and no request gives a 500: schemathesis generates requests for every
operation of the OpenAPI schema (valid and invalid bodies, filters and path values), sends them
to the app in-process as an administrator and checks each answer against the schema: no server
error, a documented status code and media type, and a body that matches the documented schema
(errors included: every 4xx is documented with the one error shape)."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from project.services import issue_api_token

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
application = WSGIHandler()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_test_connection_open():
    """The WSGI handler closes the database connection after each request when it is not in
    autocommit, which it never is inside a test transaction; Django's test client avoids this the
    same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(admin_user) -> str:
    return issue_api_token(user=admin_user, name="fuzz")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
def test_every_answer_conforms_to_the_schema(case, admin_token):
    response = case.call(app=application, headers={"Authorization": f"Token {admin_token}"})
    assert response.status_code < 500, case.as_curl_command()
    case.validate_response(response, checks=CHECKS)
