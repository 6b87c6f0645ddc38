"""Drafting a contribution: what it is about, its metadata and file, and edits while it is editable.

Files are checked and stored before the transaction commits (contributions.storage). The same
file sent twice to the same target while the first is still open is refused (409).
"""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from core.stored_files import atomic_with_files, delete_stored_files
from datasets import identifiers
from datasets import selectors as catalog_selectors
from datasets.grading import Viewer
from enterprises.services import acting_enterprise
from organizations.models import Organization

from .. import storage
from ..models import OPEN_STATUSES, Contribution, Kind, Status, Transition, ValidationResult
from .cleaning import TEXT_LIMIT, clean_metadata, sanitize
from .moves import EDITABLE, locked
from .permissions import ensure_contributor
from .submission import mark_submitted


def _target(user, kind, target):
    """(target organization, dataset, resource, target key) for what the contribution is about."""
    if kind == Kind.NEW_DATASET:
        organization = Organization.objects.filter(
            slug=target.get("organization") or "", kind=Organization.Kind.GOVERNMENT).first()
        if organization is None:
            raise ValidationError({"organization": _("请选择目标政府部门。")})
        return organization, None, None, None
    if kind == Kind.NEW_VERSION:
        if not target.get("resource"):
            raise ValidationError({"resource": _("此字段为必填项。")})
        resource = catalog_selectors.resource_for(Viewer(user), target["resource"])
        if resource.kind != "file":
            raise ValidationError({"resource": _("外部链接资源没有文件版本。")})
        return resource.dataset.organization, resource.dataset, resource, f"resource:{resource.pk}"
    if not target.get("dataset"):
        raise ValidationError({"dataset": _("此字段为必填项。")})
    dataset = catalog_selectors.dataset_for(Viewer(user), target["dataset"])
    return dataset.organization, dataset, None, f"dataset:{dataset.pk}"


def _title(kind, metadata, dataset, resource, facts):
    if kind == Kind.NEW_DATASET:
        return metadata.get("title", "")[:300]
    label = {Kind.NEW_RESOURCE: _("新资源"), Kind.NEW_VERSION: _("新版本"), Kind.CORRECTION: _("元数据更正")}[kind]
    name = (resource.name if resource else "") or metadata.get("name") or (facts.filename if facts else "")
    return f"{dataset.title} · {label}{(' · ' + name) if name else ''}"[:300]


def _needs_file(kind):
    return kind in (Kind.NEW_RESOURCE, Kind.NEW_VERSION, Kind.NEW_DATASET)


def create(*, user, enterprise, kind, target=None, metadata=None, uploaded=None, message="", sha256="",
           submit=False):
    """A new contribution (a draft, or submitted at once); files are checked and stored before commit."""
    acting_enterprise(user, enterprise)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("无效的类型：%(kind)s。") % {"kind": kind}})
    organization, dataset, resource, key = _target(user, kind, target or {})
    cleaned = clean_metadata(kind, metadata, dataset if kind == Kind.CORRECTION else None)
    if kind == Kind.NEW_DATASET:
        key = f"new:{organization.pk}:{cleaned['identifier']}"
        identifiers.ensure_available(cleaned["identifier"])
    if _needs_file(kind) and uploaded is None:
        raise ValidationError({"file": _("请上传文件。")})
    if kind == Kind.CORRECTION and uploaded is not None:
        raise ValidationError({"file": _("元数据更正不附带文件。")})
    facts = storage.inspect(uploaded, sha256) if uploaded is not None else None
    _refuse_duplicate(enterprise, key, facts)
    contribution = Contribution(
        kind=kind, enterprise=enterprise, target_organization=organization, dataset=dataset, resource=resource,
        target_key=key, metadata=cleaned, message=sanitize(message or "")[:TEXT_LIMIT], submitted_by=user,
        title=_title(kind, cleaned, dataset, resource, facts),
    )
    try:
        with atomic_with_files() as stored:
            if facts is not None:
                storage.store(contribution, uploaded, facts, stored)
            contribution.save()
            Transition.objects.create(contribution=contribution, to_status=Status.DRAFT, actor=user,
                                      actor_label=user.get_username())
            if submit:
                mark_submitted(user, contribution)
    except IntegrityError:
        raise _duplicate() from None
    return contribution


def _duplicate():
    return Conflict(_("同一文件已提交到同一目标，且该贡献仍在处理中。"), field="file")


def _refuse_duplicate(enterprise, key, facts, exclude=None):
    if facts is None:
        return
    open_ = Contribution.objects.filter(enterprise=enterprise, target_key=key, sha256=facts.sha256,
                                        status__in=OPEN_STATUSES)
    if exclude is not None:
        open_ = open_.exclude(pk=exclude.pk)
    if open_.exists():
        raise _duplicate()


def update(*, user, contribution, metadata=None, uploaded=None, message=None, sha256=""):
    """Edit a draft or a contribution that needs changes: new metadata and/or a new file."""
    ensure_contributor(user, contribution)
    facts = storage.inspect(uploaded, sha256) if uploaded is not None else None
    if facts is not None and contribution.kind == Kind.CORRECTION:
        raise ValidationError({"file": _("元数据更正不附带文件。")})
    replaced = []
    try:
        with atomic_with_files() as stored:
            contribution = locked(contribution)
            if contribution.status not in EDITABLE:
                raise Conflict(_("只有草稿或需修改的贡献可以编辑。"), field="status")
            if metadata is not None:
                dataset = contribution.dataset if contribution.kind == Kind.CORRECTION else None
                contribution.metadata = clean_metadata(contribution.kind, metadata, dataset)
                if contribution.kind == Kind.NEW_DATASET:
                    contribution.target_key = (
                        f"new:{contribution.target_organization_id}:{contribution.metadata['identifier']}")
            if message is not None:
                contribution.message = sanitize(message)[:TEXT_LIMIT]
            if facts is not None:
                _refuse_duplicate(contribution.enterprise, contribution.target_key, facts, exclude=contribution)
                replaced.append(contribution.file.name)
                storage.store(contribution, uploaded, facts, stored)
                contribution.validation, contribution.report, contribution.pii = ValidationResult.PENDING, {}, {}
            if contribution.dataset_id or contribution.kind == Kind.NEW_DATASET:
                contribution.title = _title(contribution.kind, contribution.metadata, contribution.dataset,
                                            contribution.resource, facts)
            contribution.save()
    except IntegrityError:
        raise _duplicate() from None
    transaction.on_commit(lambda: delete_stored_files(replaced))
    return contribution
