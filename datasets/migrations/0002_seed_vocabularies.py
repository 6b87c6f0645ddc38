from django.db import migrations


def seed(apps, schema_editor):
    from datasets.vocabularies import seed_vocabularies

    seed_vocabularies(apps.get_model("datasets", "Theme"), apps.get_model("datasets", "Licence"))


class Migration(migrations.Migration):
    dependencies = [("datasets", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
