"""Foreign keys follow the models that moved to organizations (and audit); nothing changes in the database."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0004_organizations_and_audit_moved_out'),
        ('apikeys', '0004_organizations_moved_out'),
        ('contributions', '0004_organizations_moved_out'),
        ('datasets', '0003_licence_code_with_dots'),
        ('enterprises', '0002_organizations_moved_out'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField(
                model_name='organization',
                name='members',
            ),
            migrations.AlterField(
                model_name='dataset',
                name='organization',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='datasets', to='organizations.organization', verbose_name='组织'),
            ),
            migrations.AlterField(
                model_name='activity',
                name='organization',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activities', to='organizations.organization'),
            ),
            migrations.DeleteModel(
                name='Membership',
            ),
            migrations.DeleteModel(
                name='Organization',
            ),
        ]),
    ]
