"""Quality pages: thin views over quality.attention (which decides who may see what)."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from . import attention

PAGE_SIZE = 20


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
