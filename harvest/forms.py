"""Page forms of harvesting. They shape input only; harvest.services.sources decides what is valid."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.service_forms import ServiceForm
from datasets.models import Licence, OpenGrade

from .models import DisappearedPolicy, RecordOutcome, Schedule, SourceKind
from .permissions import manageable_organizations


class SourceForm(ServiceForm):
    name = forms.CharField(label=_("名称"), max_length=200)
    organization = forms.ModelChoiceField(
        label=_("目标组织"), queryset=None, required=False, to_field_name="slug",
        empty_label=_("按名称匹配发布单位（仅平台管理员）"))
    kind = forms.ChoiceField(label=_("来源类型"), choices=SourceKind.choices)
    url = forms.CharField(label=_("来源网址"), max_length=2000)
    config = forms.JSONField(label=_("类型设置"), required=False, initial=dict,
                             help_text=_("JSON 对象，例如 CKAN 来源的 {\"organization\": \"...\", \"tags\": [\"...\"]}。"))
    schedule = forms.ChoiceField(label=_("计划"), choices=Schedule.choices)
    cron = forms.CharField(label=_("Cron 表达式"), required=False, max_length=100,
                           help_text=_("计划为 Cron 时填写：分 时 日 月 周，例如 0 3 * * 1。"))
    default_open_grade = forms.ChoiceField(label=_("默认开放等级"), choices=OpenGrade.choices)
    default_licence = forms.ModelChoiceField(label=_("默认许可协议"), queryset=Licence.objects.all(),
                                             required=False, to_field_name="code")
    publish = forms.BooleanField(label=_("直接发布"), required=False, initial=True)
    disappeared_policy = forms.ChoiceField(label=_("来源删除记录时"), choices=DisappearedPolicy.choices)
    archive_after_days = forms.IntegerField(label=_("归档前等待天数"), initial=30)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = manageable_organizations(user)

    def service_data(self):
        data = dict(self.cleaned_data)
        data["config"] = data["config"] if data["config"] is not None else {}
        return data


def source_initial(source):
    """The form's starting values for an existing source."""
    initial = {name: getattr(source, name) for name in SourceForm.base_fields}
    initial["organization"] = source.organization.slug if source.organization else None
    initial["default_licence"] = source.default_licence.code if source.default_licence else None
    return initial


class RecordFilterForm(forms.Form):
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部")), *RecordOutcome.choices])
