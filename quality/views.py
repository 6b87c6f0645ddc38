"""Quality pages: the publisher's "mask it" button, and a department's attention list (quality.attention decides
who may see what)."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.service_forms import run_action
from datasets import selectors as catalog
from datasets.grading import viewer_for

from . import attention
from .services.masking import mask_personal_data

PAGE_SIZE = 20


@login_required
@require_POST
def resource_mask(request, pk):
    """Mask the flagged columns in a new version, then back to the resource on its dataset's page."""
    resource = catalog.resource_for(viewer_for(request), pk)  # 404 when hidden; the service says 403
    run_action(request, lambda: mask_personal_data(user=request.user, resource=resource),
               _("已对含个人信息的列脱敏并发布新版本；新版本通过质量检查后即恢复下载。"))
    return redirect(reverse("dataset-detail", args=[resource.dataset.identifier]) + f"#resource-{resource.pk}")


@login_required
def organization_attention(request, slug):
    """The publishers' to-do list of one department: its datasets needing attention, filtered by reason."""
    organization = attention.attended_organization(request.user, slug)
    rows = attention.attention_for(request.user, organization)
    reason = request.GET.get("reason", "")
    reason = reason if reason in attention.Reason.values else ""
    counts = attention.counts(rows)
    return render(request, "quality/attention.html", {
        "organization": organization,
        "total": len(rows),
        "counts": [(value, label, counts[value]) for value, label in attention.Reason.choices],
        "reason": reason,
        "page": Paginator(attention.with_reason(rows, reason), PAGE_SIZE).get_page(request.GET.get("page")),
    })
