"""The staff system account that merges approved contributions through datasets.services."""
from django.db import migrations

USERNAME = "contributions-merge"


def create(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    user, _created = User.objects.get_or_create(
        username=USERNAME, defaults={"is_staff": True, "is_active": True, "email": ""})
    user.password = "!"  # an unusable password: nobody signs in as this account
    user.save()


def remove(apps, schema_editor):
    apps.get_model("accounts", "User").objects.filter(username=USERNAME).delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
