from django.urls import path

from . import views

# Included last in portal/urls.py, so a page slug never hides another route.
urlpatterns = [
    path("<slug:slug>/", views.site_page, name="site-page"),
]
