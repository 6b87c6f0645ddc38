from django.urls import re_path

from . import views
from .models import SitePage

# Only the footer's pages, by name: any other path stays another route's or a 404.
urlpatterns = [
    re_path(rf"^(?P<slug>{'|'.join(SitePage.Slug.values)})/$", views.site_page, name="site-page"),
]
