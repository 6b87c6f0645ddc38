"""Organization and Membership move here from datasets, keeping their tables."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rename_content_types(apps, schema_editor):
    """Keep the content types (and the permissions on them) of the models that moved here."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="datasets", model__in=["organization", "membership"]).update(app_label="organizations")


def rename_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="organizations", model__in=["organization", "membership"]).update(app_label="datasets")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Membership',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('role', models.CharField(choices=[('publisher', '发布者'), ('reviewer', '审核者'), ('admin', '管理员'), ('member', '企业成员')], max_length=20, verbose_name='角色')),
                    ('created', models.DateTimeField(auto_now_add=True)),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': '成员',
                    'verbose_name_plural': '成员',
                    'db_table': 'datasets_membership',
                },
            ),
            migrations.CreateModel(
                name='Organization',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('slug', models.SlugField(max_length=100, unique=True, verbose_name='标识')),
                    ('kind', models.CharField(choices=[('government', '政府部门'), ('enterprise', '企业')], default='government', max_length=20, verbose_name='类型')),
                    ('name_zh', models.CharField(max_length=200, verbose_name='中文名称')),
                    ('name_en', models.CharField(blank=True, max_length=200, verbose_name='英文名称')),
                    ('description', models.TextField(blank=True, verbose_name='简介')),
                    ('logo', models.FileField(blank=True, upload_to='logos/', verbose_name='标志')),
                    ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='联系邮箱')),
                    ('contact_phone', models.CharField(blank=True, max_length=50, verbose_name='联系电话')),
                    ('website', models.URLField(blank=True, verbose_name='网站')),
                    ('created', models.DateTimeField(auto_now_add=True)),
                    ('modified', models.DateTimeField(auto_now=True)),
                    ('members', models.ManyToManyField(related_name='organizations', through='organizations.Membership', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': '组织',
                    'verbose_name_plural': '组织',
                    'db_table': 'datasets_organization',
                    'ordering': ['slug'],
                },
            ),
            migrations.AddField(
                model_name='membership',
                name='organization',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='organizations.organization'),
            ),
            migrations.AddConstraint(
                model_name='membership',
                constraint=models.UniqueConstraint(fields=('user', 'organization', 'role'), name='unique_membership_role'),
            ),
        ]),
        migrations.RunPython(rename_content_types, rename_content_types_back),
    ]
