from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person using the portal; organization roles live on Membership."""

    display_name = models.CharField(_("显示名称"), max_length=150, blank=True)

    def __str__(self):
        return self.display_name or self.username
