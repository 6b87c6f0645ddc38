"""Enterprise page forms; enterprises.services decides what is valid and its refusals land on these forms."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.service_forms import ServiceForm
from organizations.models import Membership

ROLE_CHOICES = [(Membership.Role.MEMBER, Membership.Role.MEMBER.label), (Membership.Role.ADMIN, _("企业管理员"))]


class EnterpriseRegisterForm(ServiceForm):
    name_zh = forms.CharField(label=_("企业名称"), max_length=200)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=50, help_text=_("18 位，见营业执照。")
    )
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=100)
    contact_name = forms.CharField(label=_("联系人"), max_length=100)
    contact_email = forms.EmailField(label=_("联系邮箱"))
    contact_phone = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    business_licence = forms.FileField(
        label=_("营业执照"), help_text=_("PDF、PNG 或 JPEG 格式的扫描件。")
    )


class RejectForm(ServiceForm):
    reason = forms.CharField(label=_("驳回理由"), widget=forms.Textarea(attrs={"rows": 3}))


class MemberAddForm(ServiceForm):
    user = forms.CharField(label=_("用户名或邮箱"), max_length=254,
                           help_text=_("已注册的用户直接加入；尚未注册的邮箱会收到邀请链接。"))
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES, initial=Membership.Role.MEMBER)
