"""Foreign keys follow the models that moved to organizations (and audit); nothing changes in the database."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('apikeys', '0003_seed_plans'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='apikey',
                name='organization',
                field=models.ForeignKey(blank=True, help_text='持有该密钥的企业；个人密钥为空。', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to='organizations.organization'),
            ),
        ]),
    ]
