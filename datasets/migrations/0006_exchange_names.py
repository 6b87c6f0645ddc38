"""Every dataset gets the stable `uid` and ASCII `name` that exchange formats (CKAN, DCAT) name it by."""
import uuid

from django.db import migrations, models

from datasets.identifiers import name_for


def fill_names(apps, schema_editor):
    Dataset = apps.get_model("datasets", "Dataset")
    batch = []
    for dataset in Dataset.objects.only("pk", "identifier").iterator(chunk_size=2000):
        dataset.uid, dataset.name = uuid.uuid4(), name_for(dataset.identifier)
        batch.append(dataset)
        if len(batch) == 2000:
            Dataset.objects.bulk_update(batch, ["uid", "name"])
            batch = []
    Dataset.objects.bulk_update(batch, ["uid", "name"])


class Migration(migrations.Migration):
    dependencies = [("datasets", "0005_bilingual_metadata")]

    operations = [
        migrations.AddField("dataset", "uid", models.UUIDField(null=True, editable=False)),
        migrations.AddField("dataset", "name", models.CharField(
            "英文短名", max_length=100, null=True, editable=False)),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
        migrations.AlterField("dataset", "uid", models.UUIDField(default=uuid.uuid4, unique=True, editable=False)),
        migrations.AlterField("dataset", "name", models.CharField(
            "英文短名", max_length=100, unique=True, editable=False)),
    ]
