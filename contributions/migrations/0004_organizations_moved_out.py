"""Foreign keys follow the models that moved to organizations (and audit); nothing changes in the database."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contributions', '0003_job_heartbeat'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='contribution',
                name='enterprise',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contributions', to='organizations.organization', verbose_name='贡献企业'),
            ),
            migrations.AlterField(
                model_name='contribution',
                name='target_organization',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='目标部门'),
            ),
            migrations.AlterField(
                model_name='provenance',
                name='enterprise',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization'),
            ),
        ]),
    ]
