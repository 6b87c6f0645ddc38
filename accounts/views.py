"""The profile page: who I am, my email addresses and my organizations (allauth handles the rest)."""
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organizations.models import Membership

from .forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("个人资料已保存。"))
        return redirect("account-profile")
    memberships = Membership.objects.filter(user=request.user).select_related("organization")
    return render(request, "accounts/profile.html", {
        "form": form,
        "emails": EmailAddress.objects.filter(user=request.user).order_by("-primary", "email"),
        "memberships": memberships.order_by("organization__slug", "role"),
    })
