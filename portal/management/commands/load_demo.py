"""manage.py load_demo: a demo every role can sign into, on real public data; a re-run changes nothing."""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import translation

from datasets import demo
from datasets.models import Dataset
from evaluation import services as evaluation
from portal.demo import accounts, catalog, enterprise_side
from quality.services.scores import refresh_scores


class Command(BaseCommand):
    help = ("Create the demo accounts (one per role, e-mail verified), departments, datasets with real files, "
            "and a verified enterprise with an API key, a grant and contributions; skips whatever already exists.")

    # The demo takes every step for its people: the notices those steps mail would only flood the console.
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def handle(self, *args, **options):
        # What the services store in words (a contribution's title) is in the portal's language, whoever calls.
        with translation.override(settings.LANGUAGE_CODE):
            self._load()

    def _load(self):
        users, kept = {}, []
        for login in accounts.LOGINS:
            flags = {"is_staff": True, "is_superuser": True} if login is accounts.ADMIN else {}
            users[login.username], created = accounts.ensure_account(login.username, login.password, **flags)
            if not created:
                kept.append(login.username)
        if kept:
            self.stdout.write(f"Accounts already there, kept as they are: {', '.join(kept)}.")
        publishers = {publisher: accounts.ensure_account(publisher, accounts.PUBLISHER_PASSWORD)[0]
                      for _slug, _zh, _en, publisher in demo.DEPARTMENTS}
        admin, reviewer = users[accounts.ADMIN.username], users[accounts.REVIEWER.username]
        departments = catalog.ensure_departments(admin, publishers, reviewer)
        created = catalog.ensure_datasets(departments, publishers)
        catalog.ensure_synonyms(admin)
        self.stdout.write(self.style.SUCCESS(
            f"Demo catalog ready: {created} datasets created, {len(demo.DATASETS) - created} already there."))

        enterprise_admin = users[accounts.ENTERPRISE_ADMIN.username]
        enterprise = enterprise_side.ensure_enterprise(admin, enterprise_admin)
        if enterprise is None:
            self.stdout.write(self.style.WARNING(
                f"Organization {enterprise_side.SLUG} exists but is not a verified enterprise: "
                "its key, grant and contributions were skipped."))
            key = None
        else:
            key = enterprise_side.ensure_api_key(enterprise, enterprise_admin)
            enterprise_side.ensure_grant(enterprise, enterprise_admin, reviewer)
            enterprise_side.ensure_contributions(enterprise, enterprise_admin, reviewer)
        # Here, not only by the announcements' tasks: a shell without a worker ends with every score filled.
        refresh_scores(Dataset.objects.filter(identifier__in=[spec["data"]["identifier"] for spec in demo.DATASETS])
                       .values_list("pk", flat=True))
        # The evaluation page reads snapshots only: this month's, from the demo just loaded.
        evaluation.refresh_current_month()
        self._print_logins(users, publishers, key)

    def _print_logins(self, users, publishers, key):
        self.stdout.write("\nSign in at /accounts/login/ (user name or e-mail <user>@demo.example.org):")
        for login in accounts.LOGINS:
            self.stdout.write(accounts.describe(login, users[login.username]))
        others = sorted(set(publishers) - {accounts.TRANSPORT_PUBLISHER.username})
        self.stdout.write(f"  other departments' publishers: {', '.join(others)} / {accounts.PUBLISHER_PASSWORD}")
        if key is None:
            return
        if key.token:
            self.stdout.write(self.style.SUCCESS(
                f"\nAPI key of {enterprise_side.SLUG} (shown only now, store it): {key.token}"))
        else:
            self.stdout.write(
                f"\nAPI key of {enterprise_side.SLUG}: {key.prefix}… (only its hash is stored, so the full key "
                "was shown once, when it was issued). Sign in as enterprise-admin and issue or rotate one at /keys/.")
        granted = enterprise_side.granted_resource()
        self.stdout.write(f"  the granted data ({enterprise_side.CONDITIONAL_DATASET}): curl -H 'Authorization: Api-Key <key>' "
                          f"http://127.0.0.1:8000/api/v1/resources/{granted.pk}/rows/")
