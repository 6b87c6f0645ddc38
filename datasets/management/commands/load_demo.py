"""manage.py load_demo: a small, real demo catalog; running it again changes nothing."""
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from datasets import demo
from datasets.models import Dataset
from datasets.services.lifecycle import archive_dataset, create_dataset, publish_dataset
from datasets.services.resources import add_file_resource, add_url_resource, replace_resource_file
from organizations.models import Membership, Organization
from organizations.services import add_member, save_organization


def _upload(name):
    return SimpleUploadedFile(name, (demo.DIRECTORY / name).read_bytes())


class Command(BaseCommand):
    help = "Create the demo users, departments and datasets (with real files); skips whatever already exists."

    def handle(self, *args, **options):
        admin = self._user(*demo.ADMIN, is_staff=True, is_superuser=True)
        organizations = {}
        for slug, name_zh, name_en, publisher in demo.DEPARTMENTS:
            organizations[slug] = self._organization(admin, slug, name_zh, name_en, Organization.Kind.GOVERNMENT)
            member = self._user(publisher, demo.PUBLISHER_PASSWORD)
            add_member(user=admin, organization=organizations[slug], member=member,
                       role=Membership.Role.PUBLISHER)
        self._organization(admin, *demo.ENTERPRISE, Organization.Kind.ENTERPRISE)
        publishers = {slug: publisher for slug, _, _, publisher in demo.DEPARTMENTS}
        created = 0
        for spec in demo.DATASETS:
            if Dataset.objects.filter(identifier=spec["data"]["identifier"]).exists():
                continue
            user = get_user_model().objects.get(username=publishers[spec["organization"]])
            self._dataset(user, organizations[spec["organization"]], spec)
            created += 1
        self.stdout.write(self.style.SUCCESS(
            f"Demo catalog ready: {created} datasets created, {len(demo.DATASETS) - created} already there."
        ))

    def _user(self, username, password, **flags):
        user, created = get_user_model().objects.get_or_create(username=username, defaults=flags)
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(f"Created user {username} / {password}")
        return user

    def _organization(self, admin, slug, name_zh, name_en, kind):
        existing = Organization.objects.filter(slug=slug).first()
        if existing is not None:
            return existing
        return save_organization(
            user=admin, data={"slug": slug, "kind": kind, "name_zh": name_zh, "name_en": name_en}
        )

    @transaction.atomic
    def _dataset(self, user, organization, spec):
        """Create one dataset with its resources, then bring it to its demo state (all or nothing)."""
        dataset = create_dataset(user=user, organization=organization, data=spec["data"])
        for position, item in enumerate(spec["resources"]):
            if "url" in item:
                add_url_resource(user=user, dataset=dataset, claimed_format=item["format"],
                                 data={"name": item["name"], "url": item["url"], "position": position})
                continue
            resource = add_file_resource(user=user, dataset=dataset, uploaded=_upload(item["file"]),
                                         data={"name": item["name"], "position": position})
            if "replaced_by" in item:
                replace_resource_file(user=user, resource=resource, uploaded=_upload(item["replaced_by"]))
        if spec["state"] in (Dataset.State.PUBLISHED, Dataset.State.ARCHIVED):
            publish_dataset(user=user, dataset=dataset)
        if spec["state"] == Dataset.State.ARCHIVED:
            archive_dataset(user=user, dataset=dataset)
