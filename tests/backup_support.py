"""What a backup must carry, read from an instance in a subprocess (tests/test_backup.py).

`RUN` seeds (optionally), runs management commands and reads the fingerprint in ONE process,
each a Django start saved on the slow machines the suite runs on.
"""
RUN = """
import django, json, sys
django.setup()
from backup_support import run
print(json.dumps(run(*json.loads(sys.argv[1])), ensure_ascii=False, default=str))
"""
# The search index's own tables: a restore rebuilds them (new rows), so they are compared through searches.
REBUILT = {"search.SearchEntry", "search.SearchTerm", "search.SearchWord", "search.IndexedAnalysis"}
SEARCHES = ("公交", "空气", "学校", "")


def run(commands, seed=False):
    """{"seeded": audit entries seeded, "outputs": each command's output, "fingerprint": after them}."""
    import io

    from django.core.management import call_command

    seeded = seed_small() if seed else None
    outputs = []
    for command in commands:
        out = io.StringIO()
        call_command(*command, stdout=out)
        outputs.append(out.getvalue())
    return {"seeded": seeded, "outputs": outputs, "fingerprint": fingerprint()}


def fingerprint():
    """Every row of every model (the search index's aside), every datastore row, and what searches find."""
    import json

    from django.apps import apps
    from django.db import connection, transaction
    from django.test import Client

    from datastore.models import DatastoreTable

    rows = {model._meta.label: [list(values) for values in model.objects.order_by("pk").values_list()]
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy and model._meta.label not in REBUILT}
    tables = {}
    with connection.cursor() as cursor:
        for table in DatastoreTable.objects.filter(status=DatastoreTable.Status.READY).order_by("pk"):
            cursor.execute(f'SELECT * FROM "{table.table_name}" ORDER BY 1')
            tables[table.table_name] = [list(row) for row in cursor.fetchall()]
    with transaction.atomic():  # the sign-in and the search statistics leave nothing behind
        staff = Client()
        staff.force_login(apps.get_model("accounts", "User").objects.filter(is_superuser=True).order_by("pk").first())
        found = {query: [item["identifier"] for item in staff.get("/api/v1/search/", {"q": query}).json()["results"]]
                 for query in SEARCHES}
        transaction.set_rollback(True)
    return json.loads(json.dumps({"rows": rows, "datastore": tables, "search": found}, default=str))


def seed_small():
    """A migrated SQLite instance: a dataset of each grade, each with a CSV in two versions (loaded into the
    datastore), and audit entries, one of them a repeat only counted in Redis; the audit entries written."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from audit.models import AuditEntry
    from audit.services import record_audit
    from datasets.services.lifecycle import create_dataset, publish_dataset
    from datasets.services.resources import add_file_resource, replace_resource_file
    from organizations.models import Membership
    from organizations.services import add_member, save_organization

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    staff = users.create_user("staff", password="pw", is_staff=True, is_superuser=True)
    publisher = users.create_user("publisher", password="pw")
    organization = save_organization(user=staff, data={"slug": "transport", "kind": "government", "name_zh": "交通"})
    add_member(user=staff, organization=organization, member=publisher, role=Membership.Role.PUBLISHER)
    for grade in ("open", "conditional", "restricted"):
        dataset = create_dataset(user=publisher, organization=organization, data={
            "identifier": f"stations-{grade}", "title": f"公交站点（{grade}）", "open_grade": grade,
            "licence": "cc-by-4.0", "themes": ["transport"]})
        resource = add_file_resource(user=publisher, dataset=dataset, uploaded=SimpleUploadedFile(
            "s.csv", "站名,客流\n人民广场,120000\n徐家汇,98000\n".encode(), content_type="text/csv"))
        replace_resource_file(user=publisher, resource=resource, uploaded=SimpleUploadedFile(
            "s.csv", f"站名,客流\n人民广场,130000\n陆家嘴,{len(grade)}\n".encode(), content_type="text/csv"))
        publish_dataset(user=publisher, dataset=dataset)
    for _ in range(2):  # the second is only counted in Redis: the backup writes its summary into the log first
        record_audit(AuditEntry.Action.DATA_REFUSED, dataset=dataset, ip_address="192.0.2.1")
    return AuditEntry.objects.count()
