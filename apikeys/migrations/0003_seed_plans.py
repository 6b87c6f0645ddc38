"""Default plans: free (individuals), standard (enterprises), premium. Admins edit them afterwards."""
from django.db import migrations

PLANS = [
    # code, name_zh, name_en, burst/s, per minute, per day, enterprise default, individual default
    ("free", "免费版", "Free", 5, 60, 5_000, False, True),
    ("standard", "标准版", "Standard", 20, 600, 100_000, True, False),
    ("premium", "高级版", "Premium", 100, 6_000, 2_000_000, False, False),
]


def seed(apps, schema_editor):
    Plan = apps.get_model("apikeys", "Plan")
    for code, name_zh, name_en, burst, minute, daily, for_enterprises, for_individuals in PLANS:
        Plan.objects.get_or_create(code=code, defaults={
            "name_zh": name_zh, "name_en": name_en, "burst_per_second": burst, "requests_per_minute": minute,
            "daily_quota": daily, "is_default_for_enterprises": for_enterprises,
            "is_default_for_individuals": for_individuals,
        })


class Migration(migrations.Migration):
    dependencies = [("apikeys", "0002_usage")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
