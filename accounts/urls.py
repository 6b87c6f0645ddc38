"""Account pages: django-allauth's views, plus the portal's own profile page.

`login` and `logout` are the names the portal's templates and LOGIN_URL use;
they point at allauth's views so there is one way to sign in.
"""
from allauth.account import views as allauth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("profile/", views.profile, name="account-profile"),
    path("", include("allauth.account.urls")),
]
