"""Installations seeded before the versioned Creative Commons and OGL licences existed get them too."""
from django.db import migrations


def seed(apps, schema_editor):
    from datasets.vocabularies import seed_vocabularies

    seed_vocabularies(apps.get_model("datasets", "Theme"), apps.get_model("datasets", "Licence"))


class Migration(migrations.Migration):
    dependencies = [("datasets", "0007_source_dates_and_licence_text")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
