"""Page forms of the access app. They shape input only; access.services decides what is valid."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from core.datetimes import StorableDateField
from core.service_forms import ServiceForm
from datasets.forms import DateInput


def _text(label, *, required=True, rows=4, max_length=None, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class PeriodFields(ServiceForm):
    period_start = forms.DateField(label=_("使用期限起"), widget=DateInput())
    period_end = forms.DateField(label=_("使用期限止"), widget=DateInput())
    terms_accepted = forms.BooleanField(
        label=_("我已阅读并接受该数据集的使用条款和许可协议"), required=False,
        help_text=_("数据仅用于申请所述用途，不得转让或公开原始数据。"),
    )


class ApplyForm(PeriodFields):
    enterprise = forms.ModelChoiceField(label=_("申请企业"), queryset=None, empty_label=None)
    purpose = _text(_("申请目的"))
    intended_use = _text(_("使用方式"), help_text=_("说明数据将如何处理、存储和使用。"))
    resources = forms.ModelMultipleChoiceField(
        label=_("所需资源"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示需要全部资源。"),
    )
    data_fields = _text(_("所需数据项"), required=False, rows=2, help_text=_("如只需部分字段，请列出字段名。"))

    field_order = ["enterprise", "purpose", "intended_use", "resources", "data_fields",
                   "period_start", "period_end", "terms_accepted"]

    def __init__(self, *args, enterprises, dataset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["resources"].queryset = dataset.resources.all()


class RenewForm(PeriodFields):
    pass


class ApproveForm(ServiceForm):
    terms = _text(_("使用条款"), help_text=_("获批企业须遵守的条件，如用途限制、安全要求。"))
    expires_on = forms.DateField(label=_("授权到期日期"), widget=DateInput())


class ReasonForm(ServiceForm):
    reason = _text(_("理由"), rows=3)


class UsageReportForm(ServiceForm):
    title = forms.CharField(label=_("成果名称"), max_length=200)
    description = _text(_("成果说明"), help_text=_("说明利用数据做了什么、产生了什么效果。"))
    url = forms.CharField(label=_("成果链接"), required=False, max_length=1000)
    is_public = forms.BooleanField(label=_("在数据集页面公开展示"), required=False, initial=True)


class AuditFilterForm(forms.Form):
    """Filters of the audit log, shared by the staff page and the API (GET parameters)."""

    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    key_prefix = forms.CharField(label=_("密钥前缀"), required=False, max_length=32)
    action = forms.ChoiceField(label=_("操作"), required=False,
                               choices=[("", _("全部"))] + list(AuditEntry.Action.choices))
    dataset = forms.CharField(label=_("数据集标识符"), required=False, max_length=200)
    organization = forms.CharField(label=_("组织"), required=False, max_length=200)
    since = StorableDateField(label=_("起始日期"), required=False, widget=DateInput())
    until = StorableDateField(label=_("截止日期"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["until"] < cleaned["since"]:
            raise ValidationError({"until": _("截止日期不能早于起始日期。")})
        return cleaned
