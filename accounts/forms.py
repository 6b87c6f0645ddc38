"""Account forms: the profile form, and allauth's login form with a label saying what to type."""
from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class LoginForm(AllauthLoginForm):
    """Either identifier works (ACCOUNT_LOGIN_METHODS); allauth's own label is just "Login"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("用户名或邮箱")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
