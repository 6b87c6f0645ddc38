"""Page forms for issuing and rotating keys; the rules themselves are in apikeys.services."""
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.service_forms import ServiceForm
from datasets.forms import DateInput
from enterprises.services import enterprises_of, is_verified_enterprise

from .models import Scope
from .services import DEFAULT_GRACE_HOURS, MAX_GRACE_HOURS

PERSONAL = ""


class KeyForm(ServiceForm):
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("便于识别用途，例如“生产环境同步”。"))
    organization = forms.ChoiceField(label=_("持有者"), required=False)
    scopes = forms.MultipleChoiceField(label=_("权限范围"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple,
                                       help_text=_("个人密钥只能读取目录；读取已授权数据和提交贡献需以企业身份申请。"))
    expires_on = forms.DateField(label=_("有效期至"), required=False, widget=DateInput(),
                                 help_text=_("留空表示长期有效；当天结束时失效。"))
    allowed_networks = forms.CharField(label=_("允许的 IP 段"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                       help_text=_("每行一个 IP 地址或网段，例如 203.0.113.0/24；留空表示不限。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = {str(org.pk): org for org in enterprises_of(user) if is_verified_enterprise(org)}
        self.fields["organization"].choices = [(PERSONAL, _("个人")),
                                               *((pk, org.name) for pk, org in self.enterprises.items())]

    def service_data(self):
        data = self.cleaned_data
        expires_on = data.get("expires_on")
        expires_at = timezone.make_aware(datetime.combine(expires_on, time.max)) if expires_on else None
        return {
            "name": data["name"],
            "scopes": data["scopes"],
            "organization": self.enterprises.get(data.get("organization") or PERSONAL),
            "expires_at": expires_at,
            "allowed_networks": [line.strip() for line in data["allowed_networks"].splitlines() if line.strip()],
        }


class RotateForm(ServiceForm):
    grace_hours = forms.IntegerField(label=_("宽限期（小时）"), min_value=0, max_value=MAX_GRACE_HOURS,
                                     initial=DEFAULT_GRACE_HOURS)


class UsageFilterForm(forms.Form):
    PERIODS = (7, 30, 90)

    days = forms.TypedChoiceField(choices=[(p, p) for p in PERIODS], coerce=int, required=False)
    everyone = forms.BooleanField(required=False)

    def chosen_days(self):
        return (self.cleaned_data.get("days") if self.is_valid() else None) or 30
