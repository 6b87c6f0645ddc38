"""Enterprise API bodies. Input serializers only shape data; enterprises.services validates it."""
from rest_framework import serializers

from organizations.models import Membership
from organizations.roles import ENTERPRISE_ROLES

from .models import EnterpriseProfile


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "display_name", "role", "created"]


class EnterpriseSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="organization.slug", read_only=True)
    name_zh = serializers.CharField(source="organization.name_zh", read_only=True)
    name_en = serializers.CharField(source="organization.name_en", read_only=True)
    has_business_licence = serializers.SerializerMethodField()

    class Meta:
        model = EnterpriseProfile
        fields = ["slug", "name_zh", "name_en", "credit_code", "legal_representative", "contact_name",
                  "contact_email", "contact_phone", "status", "rejection_reason", "decided_at", "created",
                  "has_business_licence"]
        read_only_fields = fields

    def get_has_business_licence(self, profile) -> bool:
        return bool(profile.business_licence)


class EnterpriseDetailSerializer(EnterpriseSerializer):
    members = serializers.SerializerMethodField()

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "members"]
        read_only_fields = fields

    def get_members(self, profile) -> list[dict]:
        return MemberSerializer(self.context["members"], many=True).data


class EnterpriseRegisterSerializer(serializers.Serializer):
    name_zh = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    credit_code = serializers.CharField(max_length=50, help_text="Unified social credit code (18 characters)")
    legal_representative = serializers.CharField(max_length=100)
    contact_name = serializers.CharField(max_length=100)
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    business_licence = serializers.FileField(help_text="PDF, PNG or JPEG scan")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class MemberAddSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=254, help_text="Username or verified email of an account; "
                                 "an email without an account gets an invitation")
    role = serializers.ChoiceField(choices=[(role.value, role.label) for role in ENTERPRISE_ROLES],
                                   default=Membership.Role.MEMBER.value)


class InvitationSerializer(serializers.Serializer):
    invited = serializers.EmailField()
