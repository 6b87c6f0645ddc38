"""Page forms. They only shape input for datasets.services, which decides what is valid.

Refusals from the services (ValidationError, Conflict, PayloadTooLarge) are put
back on the form next to the field they name (core.service_forms), so a bad input
is a form error, never a 500.
"""
import json

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.service_forms import ServiceForm
from organizations.models import Organization
from organizations.roles import published_organizations

from .models import Licence, OpenGrade, Resource, Theme, UpdateFrequency
from .presentation import DEFAULT_PAGE_SIZE, DEFAULT_SORT, GRADE_EXPLANATIONS, PAGE_SIZES, SORTS
from .services.metadata import DATASET_FIELDS


def theme_choices():
    """Themes grouped under their top-level theme, the parent itself first in its group."""
    themes = list(Theme.objects.all())
    groups = []
    for parent in (theme for theme in themes if theme.parent_id is None):
        children = [(t.code, t.name) for t in themes if t.parent_id == parent.pk]
        groups.append((parent.name, [(parent.code, parent.name), *children]))
    return groups


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class DatasetForm(ServiceForm):
    organization = forms.ModelChoiceField(
        label=_("提供单位"), queryset=Organization.objects.none(), to_field_name="slug", empty_label=None
    )
    identifier = forms.CharField(
        label=_("标识符"), max_length=200,
        help_text=_("平台内唯一，发布后不可更改；可含字母、数字、汉字和 . _ : - /。"),
    )
    title = forms.CharField(label=_("标题"), max_length=300)
    title_en = forms.CharField(label=_("英文标题"), required=False, max_length=300,
                               help_text=_("可选；英文页面和 API 优先显示，留空则显示中文。"))
    description = forms.CharField(
        label=_("描述"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("支持 Markdown 格式。"),
    )
    description_en = forms.CharField(
        label=_("英文描述"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("可选；支持 Markdown 格式。"),
    )
    themes = forms.MultipleChoiceField(
        label=_("主题"), required=False, widget=forms.CheckboxSelectMultiple
    )
    keywords = forms.CharField(label=_("关键词"), required=False, help_text=_("多个关键词用逗号分隔。"))
    keywords_en = forms.CharField(label=_("英文关键词"), required=False, help_text=_("多个关键词用逗号分隔。"))
    licence = forms.ModelChoiceField(
        label=_("许可协议"), queryset=Licence.objects.all(), to_field_name="code", required=False,
        empty_label=_("（未指定）"),
    )
    open_grade = forms.ChoiceField(label=_("开放等级"), choices=OpenGrade.choices, widget=forms.RadioSelect)
    update_frequency = forms.ChoiceField(
        label=_("更新频率"), choices=UpdateFrequency.choices, initial=UpdateFrequency.IRREGULAR
    )
    next_update_due = forms.DateField(label=_("下次更新日期"), required=False, widget=DateInput())
    temporal_start = forms.DateField(label=_("时间范围起"), required=False, widget=DateInput())
    temporal_end = forms.DateField(label=_("时间范围止"), required=False, widget=DateInput())
    spatial_region = forms.CharField(label=_("空间范围"), required=False, max_length=200)
    spatial_bbox = forms.CharField(
        label=_("边界框"), required=False,
        help_text=_("最小经度,最小纬度,最大经度,最大纬度（WGS 84），例如 120.85,30.67,122.20,31.88。"),
    )
    spatial_geojson = forms.CharField(
        label=_("GeoJSON 范围"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_name = forms.CharField(label=_("联系人"), required=False, max_length=200)
    contact_email = forms.CharField(label=_("联系邮箱"), required=False)
    source_url = forms.CharField(label=_("来源网址"), required=False)

    def __init__(self, *args, user, dataset=None, **kwargs):
        if dataset is not None:
            kwargs.setdefault("initial", self.initial_for(dataset))
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = theme_choices()
        self.fields["open_grade"].help_text = " ".join(
            f"{label}：{GRADE_EXPLANATIONS[value]}" for value, label in OpenGrade.choices
        )
        if dataset is None:
            self.fields["organization"].queryset = published_organizations(user)
        else:
            # Neither the identifier nor the owner changes after creation.
            del self.fields["organization"], self.fields["identifier"]

    @staticmethod
    def initial_for(dataset):
        return {
            **{field: getattr(dataset, field) for field in DATASET_FIELDS
               if field not in {"themes", "keywords", "keywords_en", "licence", "spatial_bbox", "spatial_geojson"}},
            "themes": [theme.code for theme in dataset.themes.all()],
            "keywords": ", ".join(dataset.keywords or []),
            "keywords_en": ", ".join(dataset.keywords_en or []),
            "licence": dataset.licence,
            "spatial_bbox": ",".join(str(value) for value in dataset.spatial_bbox or []),
            "spatial_geojson": json.dumps(dataset.spatial_geojson, ensure_ascii=False) if dataset.spatial_geojson else "",
        }

    def service_data(self):
        return {name: value for name, value in self.cleaned_data.items() if name in DATASET_FIELDS}


class ResourceForm(ServiceForm):
    """Add a resource: an uploaded file, or a link to data published elsewhere."""

    kind = forms.ChoiceField(
        label=_("资源类型"), choices=Resource.Kind.choices, initial=Resource.Kind.FILE, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("名称"), required=False, max_length=300, help_text=_("留空则使用文件名。"))
    name_en = forms.CharField(label=_("英文名称"), required=False, max_length=300)
    description = forms.CharField(label=_("描述"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    description_en = forms.CharField(label=_("英文描述"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Empty files are let through so the upload rules in core.uploads name the problem.
    file = forms.FileField(label=_("上传文件"), required=False, allow_empty_file=True)
    url = forms.CharField(label=_("外部链接"), required=False)
    format = forms.CharField(
        label=_("声明的格式"), required=False, max_length=30,
        help_text=_("如 CSV、JSON、XLSX。上传文件的格式以文件内容为准，声明不符将被拒绝。"),
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Resource.Kind.FILE and not cleaned.get("file"):
            self.add_error("file", _("请选择要上传的文件。"))
        if kind == Resource.Kind.URL and not cleaned.get("url"):
            self.add_error("url", _("请填写外部链接。"))
        return cleaned

    def service_data(self):
        data = {field: self.cleaned_data[field] for field in ("name", "name_en", "description", "description_en")}
        if self.cleaned_data["kind"] == Resource.Kind.URL:
            data["url"] = self.cleaned_data["url"]
        return data


class ResourceEditForm(ServiceForm):
    name = forms.CharField(label=_("名称"), max_length=300)
    name_en = forms.CharField(label=_("英文名称"), required=False, max_length=300)
    description = forms.CharField(label=_("描述"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    description_en = forms.CharField(label=_("英文描述"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.CharField(label=_("外部链接"))
    position = forms.IntegerField(label=_("排序"), min_value=0, help_text=_("数字越小越靠前。"))

    def __init__(self, *args, resource, **kwargs):
        kwargs.setdefault("initial", {field: getattr(resource, field) for field in self.base_fields})
        super().__init__(*args, **kwargs)
        if resource.kind == Resource.Kind.FILE:
            del self.fields["url"]

    def service_data(self):
        return dict(self.cleaned_data)


class ReplaceFileForm(ServiceForm):
    file = forms.FileField(label=_("新文件"), allow_empty_file=True)
    format = forms.CharField(
        label=_("声明的格式"), required=False, max_length=30,
        help_text=_("可留空；填写时须与文件内容相符。"),
    )


class DatasetFilterForm(forms.Form):
    """The dataset list's text, sort and page size, read from the query string; bad values are reported,
    not fatal. Its facets (organization, theme, format...) are datasets.catalog_facets'."""

    q = forms.CharField(label=_("关键词"), required=False, max_length=200)
    sort = forms.ChoiceField(
        label=_("排序"), required=False, choices=[(key, label) for key, (label, _order) in SORTS.items()]
    )
    page_size = forms.TypedChoiceField(
        label=_("每页条数"), required=False, coerce=int, empty_value=DEFAULT_PAGE_SIZE,
        choices=[(size, size) for size in PAGE_SIZES],
    )

    def value(self, name, default=None):
        """The valid value of a field, or the default when it is missing or wrong."""
        self.is_valid()  # cleaned_data then holds only the fields that are valid
        return self.cleaned_data.get(name) or default

    def chosen_sort(self):
        return self.value("sort", DEFAULT_SORT)

    def chosen_page_size(self):
        return self.value("page_size", DEFAULT_PAGE_SIZE)

    def filter(self, queryset):
        if q := self.value("q"):
            queryset = queryset.filter(text_condition(q))
        return queryset.order_by(*SORTS[self.chosen_sort()][1])


def text_condition(text):
    """Every word must appear in what a reader of the list sees; ranked full-text search is the search page's."""
    condition = Q()
    for word in text.split():
        condition &= (
            Q(title__icontains=word) | Q(description__icontains=word) | Q(identifier__icontains=word)
            | Q(keywords__icontains=word) | Q(title_en__icontains=word) | Q(description_en__icontains=word)
            | Q(keywords_en__icontains=word) | Q(organization__name_zh__icontains=word)
            | Q(organization__name_en__icontains=word)
        )
    return condition
