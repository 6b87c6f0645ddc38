"""The synonym pages' forms; the rules on terms are search.synonyms's own (shown on the `terms` field)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.service_forms import ServiceForm

from .models import SynonymGroup


class SynonymGroupForm(ServiceForm):
    terms = forms.CharField(label=SynonymGroup._meta.get_field("terms").verbose_name,
                            help_text=SynonymGroup._meta.get_field("terms").help_text,
                            widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("说明"), max_length=300, required=False, help_text=_("可选：为什么它们同义。"))
    active = forms.BooleanField(label=_("已启用"), required=False, initial=True)


class PreviewForm(forms.Form):
    q = forms.CharField(label=_("搜索词"), max_length=500, required=False)
