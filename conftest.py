import os
from collections import Counter

import pytest
from hypothesis import settings as hypothesis_settings

from accounts.models import Role
from campaigns.loading import load_reference_campaigns
from territories.loading import load_reference_data
from territories.models import Region

# In CI the property tests explore the same examples at every run: a red build always means a change.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to be called
# from a thread with a running loop unless told that this is a test-only situation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    """For the processes of pytest-xdist (`--dist loadgroup`, scripts/test.sh):
    - the Spark tests in one group, so one process runs them all: a second Spark session (a JVM and its warm-up)
      would run beside the first on the same cores;
    - a node id of its own for each API operation of schemathesis, which gives them all the test's: the scheduler
      keeps one test per node id, and would run one operation out of eleven."""
    for item in items:
        if "spark_available" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("spark"))
        if item.name != item.nodeid.rsplit("::", 1)[-1]:  # pytest has no public way to set it
            item._id = item.parent.id.child(item.name)
    twice = sorted(nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1)
    if twice:
        raise pytest.UsageError(f"tests de même identifiant, dont pytest-xdist n'exécuterait qu'un : {twice[:3]}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (regions, départements, collectivités) is loaded once for the session."""
    with django_db_blocker.unblock():
        load_reference_data()
        load_reference_campaigns()


@pytest.fixture(scope="session", autouse=True)
def _indicators_data_dir(tmp_path_factory):
    """The stored deliveries of a test session in a folder of its own, not in the project's var/: the suite runs
    in several processes (pytest-xdist), each with its own database, whose deliveries have the same numbers."""
    from django.conf import settings

    folder = tmp_path_factory.mktemp("indicateurs")
    settings.INDICATORS_DATA_DIR = folder
    settings.INDICATORS_DUCKDB_TEMP_DIR = folder / "duckdb-temporaire"


@pytest.fixture
def territories(db):
    """The reference data, reloaded after a transactional test has flushed the database."""
    if not Region.objects.exists():
        load_reference_data()
        load_reference_campaigns()


@pytest.fixture(autouse=True)
def _reference_data_for_database_tests(request):
    if {"db", "transactional_db", "live_server"} & set(request.fixturenames) or request.node.get_closest_marker(
        "django_db"
    ):
        request.getfixturevalue("territories")


@pytest.fixture
def make_user(territories, django_user_model):
    """make_user(Role.DDETS, "01") → a user of that role scoped to that territory code."""

    def make(role: Role, territory: str | None = None, **extra):
        from territories.models import Collectivity, Departement

        scope = {}
        if role == Role.DREETS:
            scope["region"] = Region.objects.get(code=territory)
        elif role == Role.DEPARTMENTAL_COUNCIL:
            scope["collectivity"] = Collectivity.objects.get(code=territory)
        elif territory is not None:
            scope["departement"] = Departement.objects.get(code=territory)
        username = extra.pop("username", f"{role}-{territory or 'national'}")
        return django_user_model.objects.create_user(
            username=username, password="mot-de-passe-de-test-1", role=role, **scope, **extra
        )

    return make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many accounts; a slow hasher only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
