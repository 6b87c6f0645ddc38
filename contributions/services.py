r"""The contribution lifecycle: the one place where contributions are created, moved and merged.

    draft -> submitted -> validating -> awaiting_review -> approved -> merged
                             |               |   \-> needs_changes -> resubmitted -> validating ...
                             \-> needs_changes   \-> rejected
    any open status -> withdrawn (by the contributor)

`awaiting_review` is where a contribution waits once its files passed
validation. Every move goes through `_move`, which refuses a move the table
below does not allow (Conflict, 409) and records who, when, and why.

The merge runs in the approval's transaction, under a row lock, and writes to
the catalog only through datasets.services, as the staff system account
`contributions-merge` (created by migration 0002): reviewers are not
publishers, and the catalog history then reads "merged by the platform"
while the contribution's own history names the real reviewer.
"""
import csv
import logging

import nh3
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import safe_cell
from portal import jobs
from datasets import identifiers
from datasets import services as catalog
from datasets.models import Dataset, OpenGrade, Organization
from enterprises.services import acting_enterprise, enterprises_of
from portal.exceptions import Conflict

from . import notifications, pii, selectors, storage
from .models import OPEN_STATUSES, Comment, Contribution, Kind, Provenance, Status, Transition, ValidationResult
from .tables import TABULAR_FORMATS, Table

logger = logging.getLogger(__name__)

MERGE_USERNAME = "contributions-merge"
RESOURCE_FIELDS = ("name", "description")
TEXT_LIMIT = 5000

ALLOWED = {
    Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.SUBMITTED: {Status.VALIDATING, Status.WITHDRAWN},
    Status.RESUBMITTED: {Status.VALIDATING, Status.WITHDRAWN},
    Status.VALIDATING: {Status.AWAITING_REVIEW, Status.NEEDS_CHANGES, Status.WITHDRAWN},
    Status.AWAITING_REVIEW: {Status.APPROVED, Status.NEEDS_CHANGES, Status.REJECTED, Status.WITHDRAWN},
    Status.NEEDS_CHANGES: {Status.RESUBMITTED, Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.MERGED},
}
EDITABLE = (Status.DRAFT, Status.NEEDS_CHANGES)


# --- moving ------------------------------------------------------------------------

def _move(contribution, to_status, actor=None, comment=""):
    """Record one transition; the caller holds the row lock."""
    previous = contribution.status
    if to_status not in ALLOWED.get(previous, ()):
        raise Conflict(_("贡献当前状态为“%(status)s”，不能变为“%(target)s”。")
                       % {"status": contribution.get_status_display(), "target": Status(to_status).label},
                       field="status")
    contribution.status = to_status
    contribution.save()
    Transition.objects.create(
        contribution=contribution, from_status=previous, to_status=to_status, comment=comment,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.get_username() if actor is not None and actor.is_authenticated else "system",
    )
    return contribution


def _locked(contribution):
    try:
        return Contribution.objects.select_for_update().get(pk=contribution.pk)
    except Contribution.DoesNotExist:
        raise Http404("Gone") from None


def _is_contributor(user, contribution):
    return enterprises_of(user).filter(pk=contribution.enterprise_id).exists()


def _ensure_contributor(user, contribution):
    if not _is_contributor(user, contribution):
        raise PermissionDenied(_("只有贡献企业的成员可以操作该贡献。"))
    acting_enterprise(user, contribution.enterprise)


def _ensure_reviewer(user, contribution):
    if _is_contributor(user, contribution) or (contribution.submitted_by_id and contribution.submitted_by_id == user.pk):
        raise PermissionDenied(_("不能审核自己企业提交的贡献。"))
    if not selectors.is_reviewer(user, contribution.target_organization):
        raise PermissionDenied(_("只有目标部门的审核者可以审核该贡献。"))


# --- input ---------------------------------------------------------------------------

def sanitize(value):
    """Metadata text without HTML: tags and script bodies removed, the rest kept as written."""
    if isinstance(value, str) and "<" in value:
        return nh3.clean(value, tags=set())
    if isinstance(value, list):
        return [sanitize(item) for item in value]
    return value


def _clean_metadata(kind, data, dataset=None):
    data = {key: sanitize(value) for key, value in (data or {}).items()}
    if kind in (Kind.NEW_RESOURCE, Kind.NEW_VERSION):
        unknown = set(data) - set(RESOURCE_FIELDS)
        if unknown:
            raise ValidationError({name: _("未知字段。") for name in sorted(unknown)})
        for field in RESOURCE_FIELDS:
            if len(str(data.get(field) or "")) > (300 if field == "name" else TEXT_LIMIT):
                raise ValidationError({field: _("内容过长。")})
        return {field: str(data[field]).strip() for field in RESOURCE_FIELDS if data.get(field)}
    if "open_grade" in data:
        raise ValidationError({"open_grade": _("开放等级由审核者决定。")})
    if kind == Kind.CORRECTION:
        data.pop("identifier", None)
        if not data:
            raise ValidationError({"metadata": _("请至少更正一个字段。")})
    catalog.clean_dataset_data(data, instance=dataset)
    return data


def _target(user, kind, target):
    """(target organization, dataset, resource, target key) for what the contribution is about."""
    from datasets import selectors as catalog_selectors

    if kind == Kind.NEW_DATASET:
        organization = Organization.objects.filter(
            slug=target.get("organization") or "", kind=Organization.Kind.GOVERNMENT).first()
        if organization is None:
            raise ValidationError({"organization": _("请选择目标政府部门。")})
        return organization, None, None, None
    if kind == Kind.NEW_VERSION:
        if not target.get("resource"):
            raise ValidationError({"resource": _("此字段为必填项。")})
        resource = catalog_selectors.resource_for(user, target["resource"])
        if resource.kind != "file":
            raise ValidationError({"resource": _("外部链接资源没有文件版本。")})
        return resource.dataset.organization, resource.dataset, resource, f"resource:{resource.pk}"
    if not target.get("dataset"):
        raise ValidationError({"dataset": _("此字段为必填项。")})
    dataset = catalog_selectors.dataset_for(user, target["dataset"])
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
    cleaned = _clean_metadata(kind, metadata, dataset if kind == Kind.CORRECTION else None)
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
        with storage.atomic_with_files() as stored:
            if facts is not None:
                storage.store(contribution, uploaded, facts, stored)
            contribution.save()
            Transition.objects.create(contribution=contribution, to_status=Status.DRAFT, actor=user,
                                      actor_label=user.get_username())
            if submit:
                _submit(user, contribution)
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
    _ensure_contributor(user, contribution)
    facts = storage.inspect(uploaded, sha256) if uploaded is not None else None
    if facts is not None and contribution.kind == Kind.CORRECTION:
        raise ValidationError({"file": _("元数据更正不附带文件。")})
    replaced = []
    try:
        with storage.atomic_with_files() as stored:
            contribution = _locked(contribution)
            if contribution.status not in EDITABLE:
                raise Conflict(_("只有草稿或需修改的贡献可以编辑。"), field="status")
            if metadata is not None:
                dataset = contribution.dataset if contribution.kind == Kind.CORRECTION else None
                contribution.metadata = _clean_metadata(contribution.kind, metadata, dataset)
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
    transaction.on_commit(lambda: storage.delete(replaced))
    return contribution


def _submit(user, contribution):
    target = Status.SUBMITTED if contribution.status == Status.DRAFT else Status.RESUBMITTED
    contribution.submitted_at = timezone.now()
    contribution.validation_attempts, contribution.interrupted = 0, False
    _move(contribution, target, user)
    contribution_id = contribution.pk
    transaction.on_commit(lambda: enqueue_validation(contribution_id))


@transaction.atomic
def submit(*, user, contribution, comment=""):
    """Submit a draft, or resubmit after changes; validation is queued once this commits."""
    _ensure_contributor(user, contribution)
    contribution = _locked(contribution)
    if contribution.status not in EDITABLE:
        raise Conflict(_("贡献当前状态为“%(status)s”，不能提交。") % {"status": contribution.get_status_display()},
                       field="status")
    _submit(user, contribution)
    if comment:
        _comment(user, contribution, comment)
    return contribution


@transaction.atomic
def withdraw(*, user, contribution, comment=""):
    _ensure_contributor(user, contribution)
    contribution = _locked(contribution)
    return _move(contribution, Status.WITHDRAWN, user, comment)


def enqueue_validation(contribution_id):
    from .tasks import validate_contribution

    validate_contribution.delay(contribution_id)


# --- validation (run by the task) ---------------------------------------------------------

@transaction.atomic
def start_validation(contribution_id):
    """Mark the contribution as validating; None when there is nothing to do (already done, withdrawn...).

    A redelivered task finds it still validating and starts over: the work is idempotent. Every start
    counts; once JOB_MAX_ATTEMPTS runs did not finish (workers killed or timed out), the validation fails
    with that reason instead.
    """
    contribution = Contribution.objects.select_for_update().filter(pk=contribution_id).first()
    if contribution is None or contribution.status not in (Status.SUBMITTED, Status.RESUBMITTED, Status.VALIDATING):
        return None
    if contribution.status == Status.VALIDATING and jobs.attempts_spent(contribution.validation_attempts):
        give_up(contribution)
        return None
    if contribution.status != Status.VALIDATING:
        _move(contribution, Status.VALIDATING)
    contribution.validating_since = timezone.now()
    contribution.validation_attempts += 1
    contribution.report = {"progress": 0}
    contribution.save(update_fields=["validating_since", "validation_attempts", "report", "modified"])
    return contribution


def give_up(contribution):
    """Fail a validation whose attempts are spent, saying so; the contributor may submit again."""
    from . import validation

    message = _("校验已开始 %(n)d 次均未完成（工作进程中断或超时），不再重试。") % {"n": contribution.validation_attempts}
    jobs.remove_scratch(scratch_key(contribution.pk))
    finish_validation(contribution.pk, validation.fatal_report(contribution.format, message), {}, {})


def scratch_key(contribution_id):
    """The name of a validation's temporary files (portal.jobs)."""
    return f"contribution-{contribution_id}"


def report_progress(contribution_id, rows):
    Contribution.objects.filter(pk=contribution_id, status=Status.VALIDATING).update(report={"progress": rows})


def _target_schema(contribution):
    resource = contribution.resource
    return resource.table_schema if contribution.kind == Kind.NEW_VERSION and resource else None


def run_validation(contribution):
    """(report, pii, change summary) for a contribution's file and metadata; reads the stored file."""
    from . import validation

    if not contribution.file:
        return {"valid": True, "errors": {}, "tabular": False}, {}, {}
    with storage.open_file(contribution) as handle:
        report, found = validation.validate_file(
            handle, contribution.filename, _target_schema(contribution),
            progress=lambda rows: report_progress(contribution.pk, rows), scratch=scratch_key(contribution.pk),
        )
    changes = {}
    resource = contribution.resource
    version = resource.current_version if resource else None
    if (contribution.kind == Kind.NEW_VERSION and report.get("valid") and version
            and version.format in TABULAR_FORMATS and report.get("format") in TABULAR_FORMATS):
        from django.core.files.storage import default_storage

        key = (resource.table_schema or {}).get("primaryKey") or None
        key = [key] if isinstance(key, str) else key
        with default_storage.open(version.file.name, "rb") as old, storage.open_file(contribution) as new:
            changes = validation.row_changes(old, new, version.format, report["format"], key,
                                             scratch=scratch_key(contribution.pk))
    return report, found, changes


@transaction.atomic
def finish_validation(contribution_id, report, found, changes):
    contribution = Contribution.objects.select_for_update().filter(pk=contribution_id).first()
    if contribution is None or contribution.status != Status.VALIDATING:
        return contribution  # withdrawn meanwhile, or finished by a redelivered run
    contribution.report, contribution.pii, contribution.changes_summary = report, found, changes
    contribution.validation = ValidationResult.PASSED if report.get("valid") else ValidationResult.FAILED
    contribution.validating_since, contribution.interrupted = None, False
    if report.get("valid"):
        _move(contribution, Status.AWAITING_REVIEW, comment=_("自动校验通过。"))
        notifications.submitted(contribution)
    else:
        _move(contribution, Status.NEEDS_CHANGES, comment=_("自动校验未通过，请查看校验报告。"))
        notifications.needs_changes(contribution)
    return contribution


def validate(contribution_id):
    """The whole validation of one contribution (the task's body), its heartbeat kept while it runs."""
    from . import validation

    contribution = start_validation(contribution_id)
    if contribution is None:
        return None
    try:
        with jobs.beating(Contribution.objects.filter(pk=contribution_id)):
            report, found, changes = run_validation(contribution)
    except SoftTimeLimitExceeded:
        jobs.remove_scratch(scratch_key(contribution_id))
        message = _("校验超过时间上限（%(n)d 秒）。") % {"n": settings.JOB_SOFT_TIME_LIMIT}
        report, found, changes = validation.fatal_report(contribution.format, message), {}, {}
    return finish_validation(contribution_id, report, found, changes)


# --- review -------------------------------------------------------------------------------

def _comment(user, contribution, body, field=""):
    body = sanitize((body or "").strip())
    if not body:
        raise ValidationError({"body": _("此字段为必填项。")})
    if len(body) > TEXT_LIMIT:
        raise ValidationError({"body": _("最多 %(n)d 个字符。") % {"n": TEXT_LIMIT}})
    return Comment.objects.create(contribution=contribution, author=user, author_label=user.get_username(),
                                  field=field[:100], body=body)


@transaction.atomic
def add_comment(*, user, contribution, body):
    """The discussion thread: the contributing enterprise's members and the target's reviewers."""
    if not (_is_contributor(user, contribution) or selectors.is_reviewer(user, contribution.target_organization)):
        raise PermissionDenied(_("只有贡献企业成员和审核者可以参与讨论。"))
    comment = _comment(user, contribution, body)
    notifications.commented(contribution, comment)
    return comment


@transaction.atomic
def request_changes(*, user, contribution, comment="", field_comments=None):
    _ensure_reviewer(user, contribution)
    field_comments = {str(k): sanitize(str(v)).strip() for k, v in (field_comments or {}).items() if str(v).strip()}
    if not (comment or "").strip() and not field_comments:
        raise ValidationError({"comment": _("请说明需要修改的内容。")})
    contribution = _locked(contribution)
    contribution.review_comments = field_comments
    contribution.reviewer = user
    _move(contribution, Status.NEEDS_CHANGES, user, sanitize(comment or ""))
    for field, text in field_comments.items():
        _comment(user, contribution, text, field=field)
    notifications.needs_changes(contribution)
    return contribution


@transaction.atomic
def reject(*, user, contribution, reason):
    _ensure_reviewer(user, contribution)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("驳回时必须说明理由。")})
    contribution = _locked(contribution)
    contribution.reviewer = user
    _move(contribution, Status.REJECTED, user, sanitize(reason.strip()))
    notifications.decided(contribution)
    return contribution


def merge_user():
    return get_user_model().objects.get(username=MERGE_USERNAME)


def approve(*, user, contribution, open_grade, mask_columns=(), comment=""):
    """Approve and merge in one transaction; a second approval at the same moment gets a 409."""
    _ensure_reviewer(user, contribution)
    if open_grade not in OpenGrade.values:
        raise ValidationError({"open_grade": _("无效的开放等级：%(grade)s。") % {"grade": open_grade}})
    with storage.atomic_with_files():
        contribution = _locked(contribution)
        if contribution.status != Status.AWAITING_REVIEW:
            raise Conflict(_("贡献当前状态为“%(status)s”，不能批准。") % {"status": contribution.get_status_display()},
                           field="status")
        mask_columns = _check_personal_data(contribution, open_grade, list(mask_columns or []))
        contribution.reviewer, contribution.approved_grade = user, open_grade
        contribution.masked_columns = mask_columns
        _move(contribution, Status.APPROVED, user, sanitize(comment or ""))
        dataset, resource = _merge(contribution, open_grade, mask_columns)
        contribution.merged_dataset = dataset
        _move(contribution, Status.MERGED, user, _("已合并到数据目录。"))
        Provenance.objects.create(dataset=dataset, resource=resource, contribution=contribution,
                                  enterprise=contribution.enterprise, kind=contribution.kind)
        notifications.decided(contribution)
    return contribution


def _check_personal_data(contribution, open_grade, mask_columns):
    """Personal data may reach an open grade only masked; returns the columns the merge masks."""
    columns = set(contribution.pii)
    unknown = set(mask_columns) - set(contribution.report.get("header") or [])
    if unknown:
        raise ValidationError({"mask_columns": _("没有这些列：%(names)s。") % {"names": ", ".join(sorted(unknown))}})
    if columns and open_grade == OpenGrade.OPEN and not columns <= set(mask_columns):
        raise ValidationError({"mask_columns": _("这些列含有个人信息，开放前必须脱敏或选择更严格的开放等级：%(names)s。")
                               % {"names": ", ".join(sorted(columns - set(mask_columns)))}})
    return mask_columns


def _masked_copy(contribution, mask_columns, path):
    """The table as UTF-8 CSV with personal data masked in `mask_columns`; text cells defused against formulas."""
    types = {field.get("name"): field.get("type", "string")
             for field in (contribution.report.get("schema") or {}).get("fields", [])}
    with storage.open_file(contribution) as handle:
        table = Table(handle, contribution.report.get("format") or contribution.format)
        masked = [index for index, name in enumerate(table.header) if name in mask_columns]
        text = [index for index, name in enumerate(table.header) if types.get(name, "string") == "string"]
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([safe_cell(name) for name in table.header])
            for _number, row in table.rows():
                row = list(row)
                for index in masked:
                    if index < len(row):
                        row[index] = pii.mask(row[index])
                for index in text:
                    if index < len(row):
                        row[index] = safe_cell(row[index])
                writer.writerow(row)


def _merge(contribution, open_grade, mask_columns):
    actor = merge_user()
    kind = contribution.kind
    if kind == Kind.CORRECTION:
        dataset = Dataset.objects.get(pk=contribution.dataset_id)
        data = dict(contribution.metadata)
        if open_grade != dataset.open_grade:
            data["open_grade"] = open_grade
        return catalog.update_dataset(user=actor, dataset=dataset, data=data), None
    name = contribution.filename
    if mask_columns:
        name = name.rsplit(".", 1)[0] + ".csv"
    with storage.temporary_file(".csv") as path:
        if mask_columns:
            _masked_copy(contribution, mask_columns, path)
            upload = storage.as_upload(path, name)
        else:
            upload = storage.open_file(contribution)
            upload.name = name
        with upload:
            if kind == Kind.NEW_DATASET:
                data = {**contribution.metadata, "open_grade": open_grade}
                dataset = catalog.create_dataset(user=actor, organization=contribution.target_organization, data=data)
                resource = catalog.add_file_resource(user=actor, dataset=dataset, uploaded=upload,
                                                     data={"name": contribution.metadata.get("title") or name})
                catalog.publish_dataset(user=actor, dataset=dataset)
                return dataset, resource
            dataset = Dataset.objects.get(pk=contribution.dataset_id)
            if open_grade != dataset.open_grade:
                dataset = catalog.update_dataset(user=actor, dataset=dataset, data={"open_grade": open_grade})
            if kind == Kind.NEW_RESOURCE:
                resource = catalog.add_file_resource(user=actor, dataset=dataset, uploaded=upload,
                                                     data=dict(contribution.metadata))
            else:
                if contribution.resource is None:
                    raise Conflict(_("目标资源已不存在。"), field="resource")
                resource = catalog.replace_resource_file(user=actor, resource=contribution.resource, uploaded=upload)
                if contribution.metadata:
                    catalog.update_resource(user=actor, resource=resource, data=dict(contribution.metadata))
            return dataset, resource


def can_review(user, contribution):
    return selectors.is_reviewer(user, contribution.target_organization) and not _is_contributor(user, contribution)


def can_edit(user, contribution):
    return contribution.status in EDITABLE and _is_contributor(user, contribution)
