"""Page forms of the contributions app. They shape input only; contributions.services decides what is valid."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.service_forms import ServiceForm
from datasets.models import Licence, OpenGrade
from organizations.models import Organization

from .models import Kind, Status, ValidationResult


def _text(label, *, required=False, rows=3, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class MetadataFields(ServiceForm):
    """The metadata a contribution may carry; which ones count depends on its kind."""

    title = forms.CharField(label=_("标题"), required=False, max_length=300)
    identifier = forms.CharField(label=_("标识符"), required=False, max_length=200,
                                 help_text=_("新数据集的唯一标识符。"))
    description = _text(_("描述"))
    keywords = forms.CharField(label=_("关键词"), required=False, help_text=_("用逗号分隔。"))
    licence = forms.ModelChoiceField(label=_("许可协议"), queryset=Licence.objects.all(), required=False,
                                     to_field_name="code")
    name = forms.CharField(label=_("资源名称"), required=False, max_length=300)
    message = _text(_("给审核者的说明"))
    file = forms.FileField(label=_("数据文件"), required=False)

    DATASET_FIELDS = ("title", "identifier", "description", "keywords", "licence")
    RESOURCE_FIELDS = ("name", "description")

    def metadata(self, kind):
        data = self.cleaned_data
        names = self.RESOURCE_FIELDS if kind in (Kind.NEW_RESOURCE, Kind.NEW_VERSION) else self.DATASET_FIELDS
        values = {}
        for name in names:
            value = data.get(name)
            if name == "licence":
                value = value.code if value else ""
            if value not in (None, ""):
                values[name] = value
        return values


class ContributionForm(MetadataFields):
    enterprise = forms.ModelChoiceField(label=_("贡献企业"), queryset=None, empty_label=None, to_field_name="slug")
    kind = forms.ChoiceField(label=_("贡献类型"), choices=Kind.choices)
    organization = forms.ModelChoiceField(
        label=_("目标政府部门"), required=False, to_field_name="slug",
        queryset=Organization.objects.filter(kind=Organization.Kind.GOVERNMENT),
        help_text=_("新数据集由哪个部门审核和发布。"))
    dataset = forms.CharField(label=_("目标数据集标识符"), required=False,
                              help_text=_("新资源、资源新版本或元数据更正的目标数据集。"))
    resource = forms.IntegerField(label=_("目标资源编号"), required=False, help_text=_("资源新版本的目标资源。"))
    submit_now = forms.BooleanField(label=_("立即提交审核"), required=False, initial=True)

    field_order = ["enterprise", "kind", "organization", "dataset", "resource", "title", "identifier", "name",
                   "description", "keywords", "licence", "file", "message", "submit_now"]

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class EditForm(MetadataFields):
    pass


class CommentForm(ServiceForm):
    body = _text(_("留言"), required=True)


class ApproveForm(ServiceForm):
    open_grade = forms.ChoiceField(label=_("开放等级"), choices=OpenGrade.choices)
    mask_columns = forms.MultipleChoiceField(label=_("合并时脱敏的列"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    comment = _text(_("审核意见"), rows=2)

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mask_columns"].choices = [(name, name) for name in columns]


class RequestChangesForm(ServiceForm):
    comment = _text(_("修改意见"), required=False)

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in fields:
            self.fields[f"field_{name}"] = forms.CharField(label=name, required=False)

    def field_comments(self):
        return {name[6:]: value for name, value in self.cleaned_data.items()
                if name.startswith("field_") and value}


class ReasonForm(ServiceForm):
    reason = _text(_("驳回理由"), required=True, rows=2)


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部"))] + Kind.choices)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("待处理"))] + Status.choices)
    validation = forms.ChoiceField(label=_("校验结果"), required=False,
                                   choices=[("", _("全部"))] + ValidationResult.choices)
    enterprise = forms.CharField(label=_("贡献企业（标识）"), required=False)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=[
        ("age", _("最早提交在前")), ("-age", _("最近提交在前")), ("created", _("最早创建在前")),
        ("-created", _("最近创建在前"))])

    def filters(self):
        data = self.cleaned_data
        return {name: data.get(name) or "" for name in ("kind", "status", "validation", "enterprise")} | {
            "sort": data.get("sort") or "age"}
