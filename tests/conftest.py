import os

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from rest_framework.test import APIClient

from destruction.certificates.seal import make_seal_bundle
from project.roles import ADMINISTRATOR, ENVIRONMENTAL_AUDITOR, WAREHOUSE_STAFF
from seizures.models import UserAccess
from tests.environment import require_postgresql
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the main thread; without this Django refuses the
# ORM calls of test-database set-up (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


TEST_SEAL_PASSWORD = "test-seal-passphrase"


@pytest.fixture(scope="session", autouse=True)
def certificate_seal(tmp_path_factory):
    """A throwaway CA and seal certificate for the whole run: every issued certificate is sealed
    as in production, with a public verification address. Yields the CA's PEM path, the trust
    anchor of validation tests."""
    p12, ca_pem = make_seal_bundle(
        tmp_path_factory.mktemp("seal"), organisation="Test Customs", password=TEST_SEAL_PASSWORD
    )
    with override_settings(
        # Tests run with debug off, like production: certificates need a public address.
        PUBLIC_BASE_URL="https://igt.customs.test",
        CERTIFICATE_SEAL_P12=str(p12),
        CERTIFICATE_SEAL_PASSWORD=TEST_SEAL_PASSWORD,
        CERTIFICATE_TSA_URL="",
        CERTIFICATE_TSA_TRUST="",
    ):
        yield ca_pem


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _private_seal_key(settings, tmp_path):
    """Each test signs custody seals with its own key (written on first use by
    ensure_demo_key), never with a key under the project's var/ directory."""
    settings.CUSTODY_SEAL_KEY = str(tmp_path / "custody-seal-key.pem")
    settings.CUSTODY_SEAL_TRUSTED_KEYS = []


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users hash their passwords with a fast hasher; production keeps Django's default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def user_in_role(role: str, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


def national(user):
    """Warehouse staff see their offices' records only (seizures.scoping); the tests of the
    warehouse's work make their objects in any office, so these users work for all of them.
    The scoping itself is tested with staff of one office (tests/seizures/test_scoping.py)."""
    UserAccess.objects.create(user=user, national=True)
    return user


@pytest.fixture
def warehouse_user(db):
    return national(user_in_role(WAREHOUSE_STAFF, username="warehouse", first_name="Wanda"))


@pytest.fixture
def second_warehouse_user(db):
    return national(user_in_role(WAREHOUSE_STAFF, username="warehouse2", first_name="Walter"))


@pytest.fixture
def auditor_user(db):
    return user_in_role(ENVIRONMENTAL_AUDITOR, username="auditor", first_name="Arno")


@pytest.fixture
def admin_user(db):
    return user_in_role(ADMINISTRATOR, username="administrator", first_name="Ada", is_staff=True)


@pytest.fixture
def roleless_user(db):
    return UserFactory(username="nobody")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api():
    """api(user) -> an API client authenticated as that user; api() -> anonymous."""

    def make(user=None) -> APIClient:
        return client_for(user) if user else APIClient()

    return make


@pytest.fixture
def postgresql(transactional_db):
    require_postgresql()
