from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业")

    def ready(self):
        from django.db.models import Q

        from organizations.models import Organization
        from organizations.selectors import register_unlisted

        from .models import EnterpriseProfile

        # An enterprise is a public data provider only once a platform admin has verified it.
        register_unlisted(Q(kind=Organization.Kind.ENTERPRISE)
                          & ~Q(enterprise_profile__status=EnterpriseProfile.Status.VERIFIED))
