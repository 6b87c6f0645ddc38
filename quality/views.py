"""Quality pages' actions, mounted at the site root under i18n_patterns: the publisher's "mask it" button."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.service_forms import run_action
from datasets import selectors as catalog
from datasets.grading import viewer_for

from .services.masking import mask_personal_data


@login_required
@require_POST
def resource_mask(request, pk):
    """Mask the flagged columns in a new version, then back to the resource on its dataset's page."""
    resource = catalog.resource_for(viewer_for(request), pk)  # 404 when hidden; the service says 403
    run_action(request, lambda: mask_personal_data(user=request.user, resource=resource),
               _("已对含个人信息的列脱敏并发布新版本；新版本通过质量检查后即恢复下载。"))
    return redirect(reverse("dataset-detail", args=[resource.dataset.identifier]) + f"#resource-{resource.pk}")
