"""Values every page template needs: the platform's name and whether to offer publishing and harvesting."""
from core.site import PLATFORM_NAME, PORTAL_NAME
from harvest.permissions import may_manage_any_harvest
from organizations.roles import published_organizations


def portal(request):
    user = getattr(request, "user", None)
    # Anonymous visitors cost no query; members are asked once per page.
    can_publish = bool(user and user.is_authenticated and published_organizations(user).exists())
    can_harvest = bool(user and user.is_authenticated and may_manage_any_harvest(user))
    return {"portal_name": PORTAL_NAME, "platform_name": PLATFORM_NAME, "user_can_publish": can_publish,
            "user_can_harvest": can_harvest}
