"""Foreign keys follow the models that moved to organizations (and audit); nothing changes in the database."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0003_audit_data_refused'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='accessapplication',
                name='enterprise',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='access_applications', to='organizations.organization', verbose_name='申请企业'),
            ),
            migrations.AlterField(
                model_name='grant',
                name='enterprise',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='access_grants', to='organizations.organization', verbose_name='企业'),
            ),
            migrations.AlterField(
                model_name='usagereport',
                name='enterprise',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='usage_reports', to='organizations.organization', verbose_name='企业'),
            ),
            migrations.DeleteModel(
                name='AuditEntry',
            ),
        ]),
    ]
