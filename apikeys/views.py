"""Key pages: list, issue (the token shown once), revoke, rotate, usage. Thin over services and selectors."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.service_forms import attempt, run_action
from organizations.roles import is_platform_staff

from . import charts, selectors, services
from .forms import KeyForm, RotateForm, UsageFilterForm


def _show_token(request, key, token):
    """The one page that ever shows a token: answered to the POST itself, never stored or cached."""
    example = selectors.example_call(key)
    return render(request, "apikeys/key_issued.html", {
        "key": key, "token": token, "example_url": example and request.build_absolute_uri(example),
    })


@login_required
def key_list(request):
    keys = list(services.keys_for(request.user))
    return render(request, "apikeys/key_list.html", {
        "keys": keys, "rotate_form": RotateForm(),
        "manageable": {key.pk for key in keys if services.can_manage(request.user, key)},
    })


@never_cache
@login_required
def key_create(request):
    form = KeyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        issued = attempt(form, lambda: services.issue_key(user=request.user, **form.service_data()))
        if issued:
            return _show_token(request, *issued)
    return render(request, "apikeys/key_form.html", {"form": form})


def _key(request, pk):
    return get_object_or_404(selectors.usage_keys(request.user, everyone=True), pk=pk)


@require_POST
@login_required
def key_revoke(request, pk):
    key = _key(request, pk)
    run_action(request, lambda: services.revoke_key(user=request.user, key=key),
               _("密钥 %(prefix)s 已吊销。") % {"prefix": key.prefix})
    return redirect("apikey-list")


@never_cache
@require_POST
@login_required
def key_rotate(request, pk):
    key = _key(request, pk)
    form = RotateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(m for errors in form.errors.values() for m in errors))
        return redirect("apikey-list")
    issued = run_action(request, lambda: services.rotate_key(user=request.user, key=key, **form.cleaned_data))
    return _show_token(request, *issued) if issued else redirect("apikey-list")


@login_required
def usage(request):
    form = UsageFilterForm(request.GET)
    days = form.chosen_days()
    everyone = form.is_valid() and form.cleaned_data["everyone"] and is_platform_staff(request.user)
    report = selectors.usage_report(selectors.usage_keys(request.user, everyone=everyone), days)
    chart = charts.bar_chart([(row["day"].strftime("%m-%d"), row["calls"]) for row in report["daily"]])
    return render(request, "apikeys/usage.html", {
        "report": report, "chart": chart, "everyone": everyone, "days": days, "periods": UsageFilterForm.PERIODS,
        "can_see_everyone": is_platform_staff(request.user),
    })
