"""A live, seeded portal for the fuzzing tests: gunicorn over the demo catalog and an enterprise key.

The server has a database of its own (tests/server_support.py); the catalog is seeded
through the services, as the portal itself would, in a subprocess against that database.
"""
import json

import pytest

from server_support import gunicorn, run_python, server_database, server_environment

SEED = """
import django, json
django.setup()
from fuzz_support import seed_fuzz_catalog
print(json.dumps(seed_fuzz_catalog()))
"""


def seed_fuzz_catalog():
    """The demo catalog plus a verified enterprise holding a key with every scope on an unlimited plan.

    Returns {"token": the key's secret, "resources": resource ids, "datasets": identifiers}.
    """
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from apikeys.models import ApiKey, Plan, Scope
    from apikeys.services import issue_key
    from apikeys_support import make_enterprise
    from datasets.models import Dataset, Resource

    call_command("load_demo", verbosity=0)
    users = get_user_model().objects
    staff = users.filter(is_superuser=True).first()
    organization = make_enterprise(users.create_user("fuzz-holder"), staff, name="模糊测试企业")
    plan = Plan.objects.create(code="fuzz-unlimited", name_zh="不限", burst_per_second=10**6,
                               requests_per_minute=10**6, daily_quota=10**9)
    holder = organization.memberships.get().user
    key, token = issue_key(user=holder, name="fuzz", scopes=Scope.values, organization=organization)
    ApiKey.objects.filter(pk=key.pk).update(plan=plan)
    return {"token": token, "resources": list(Resource.objects.order_by("pk").values_list("pk", flat=True)),
            "datasets": list(Dataset.objects.order_by("pk").values_list("identifier", flat=True))}


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    """(base URL, seeded facts, gunicorn log path) of a server over the seeded catalog."""
    directory = tmp_path_factory.mktemp("fuzz-server")
    with server_database(f"fuzz_{directory.name}") as url:
        env = server_environment(url, directory / "media")
        log_path = directory / "gunicorn.log"
        with gunicorn(env, log_path, workers=2) as base:
            seeded = json.loads(run_python(env, SEED))
            yield base, seeded, log_path
