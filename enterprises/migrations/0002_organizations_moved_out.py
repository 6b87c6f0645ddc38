"""Foreign keys follow the models that moved to organizations (and audit); nothing changes in the database."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0001_initial'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='enterpriseprofile',
                name='organization',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='enterprise_profile', to='organizations.organization'),
            ),
        ]),
    ]
