"""Enterprise pages (under /enterprises/, translated like every page)."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_enterprises, name="enterprise-mine"),
    path("register/", views.register, name="enterprise-register"),
    path("review/", views.review, name="enterprise-review"),
    path("invitations/<str:token>/", views.invitation, name="enterprise-invitation"),
    path("<slug:slug>/", views.detail, name="enterprise-detail"),
    path("<slug:slug>/licence/", views.licence, name="enterprise-licence"),
    path("<slug:slug>/members/add/", views.member_add, name="enterprise-member-add"),
    path("<slug:slug>/members/<str:username>/remove/", views.member_remove, name="enterprise-member-remove"),
    path("<slug:slug>/verify/", views.verify, name="enterprise-verify"),
    path("<slug:slug>/reject/", views.reject, name="enterprise-reject"),
]
