"""AuditEntry moves here from access, keeping its table and its append-only trigger."""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def rename_content_types(apps, schema_editor):
    """Keep the content types (and the permissions on them) of the models that moved here."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="access", model__in=["auditentry"]).update(app_label="audit")


def rename_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="audit", model__in=["auditentry"]).update(app_label="access")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('access', '0003_audit_data_refused'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('apikeys', '0004_organizations_moved_out'),
        ('datasets', '0004_organizations_moved_out'),
        ('organizations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='AuditEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='时间')),
                    ('action', models.CharField(choices=[('data_download', '下载有条件开放数据'), ('data_query', '查询有条件开放数据'), ('data_refused', '有条件开放数据访问被拒绝'), ('enterprise_verified', '企业认证通过'), ('enterprise_rejected', '企业认证驳回'), ('application_submitted', '提交使用申请'), ('application_withdrawn', '撤回使用申请'), ('application_rejected', '驳回使用申请'), ('application_expired', '使用申请过期'), ('grant_issued', '批准授权'), ('grant_revoked', '撤销授权'), ('grant_expired', '授权到期'), ('usage_report_filed', '提交使用成果'), ('key_issued', '签发 API 密钥'), ('key_revoked', '吊销 API 密钥'), ('key_rotated', '轮换 API 密钥')], db_index=True, max_length=40, verbose_name='操作')),
                    ('actor_username', models.CharField(blank=True, db_index=True, max_length=150, verbose_name='操作人')),
                    ('key_prefix', models.CharField(blank=True, db_index=True, max_length=32, verbose_name='密钥前缀')),
                    ('organization_label', models.CharField(blank=True, max_length=200, verbose_name='组织')),
                    ('dataset_identifier', models.CharField(blank=True, db_index=True, max_length=200, verbose_name='数据集')),
                    ('resource_label', models.CharField(blank=True, max_length=300, verbose_name='资源')),
                    ('bytes', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='字节数')),
                    ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP 地址')),
                    ('detail', models.JSONField(blank=True, default=dict, verbose_name='详情')),
                    ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                    ('api_key', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='apikeys.apikey', verbose_name='API 密钥')),
                    ('dataset', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='datasets.dataset', verbose_name='数据集')),
                    ('organization', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organizations.organization', verbose_name='组织')),
                    ('resource', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='datasets.resource', verbose_name='资源')),
                ],
                options={
                    'verbose_name': '审计日志',
                    'verbose_name_plural': '审计日志',
                    'db_table': 'access_auditentry',
                    'ordering': ['-created', '-id'],
                    'default_permissions': ('view',),
                },
            ),
        ]),
        migrations.RunPython(rename_content_types, rename_content_types_back),
    ]
