import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("datasets", "0002_seed_vocabularies"),
    ]

    operations = [
        migrations.CreateModel(
            name="DatastoreTable",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("table_name", models.CharField(max_length=63, unique=True)),
                ("status", models.CharField(choices=[("pending", "等待加载"), ("loading", "加载中"), ("ready", "已就绪"), ("failed", "加载失败")], default="pending", max_length=20, verbose_name="状态")),
                ("is_active", models.BooleanField(default=False, verbose_name="正在服务")),
                ("source_format", models.CharField(blank=True, max_length=30)),
                ("encoding", models.CharField(blank=True, max_length=20)),
                ("columns", models.JSONField(blank=True, default=list)),
                ("indexed", models.JSONField(blank=True, default=list)),
                ("row_count", models.PositiveBigIntegerField(blank=True, null=True)),
                ("rows_loaded", models.PositiveBigIntegerField(default=0)),
                ("bytes_total", models.PositiveBigIntegerField(default=0)),
                ("bytes_read", models.PositiveBigIntegerField(default=0)),
                ("errors", models.JSONField(blank=True, default=list)),
                ("started", models.DateTimeField(blank=True, null=True)),
                ("finished", models.DateTimeField(blank=True, null=True)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("resource", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="datastore_tables", to="datasets.resource")),
                ("version", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="datastore_table", to="datasets.resourceversion")),
            ],
            options={
                "verbose_name": "数据表",
                "verbose_name_plural": "数据表",
                "ordering": ["-version__number"],
                "constraints": [models.UniqueConstraint(condition=models.Q(("is_active", True)), fields=("resource",), name="one_active_table_per_resource")],
            },
        ),
    ]
