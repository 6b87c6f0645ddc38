"""Access pages, mounted at /access/ under i18n_patterns."""
from django.urls import path

from . import views

# The steps on one application or grant, each handled by the view named after it.
APPLICATION_STEPS = ("withdraw", "approve", "reject")
GRANT_STEPS = ("report", "renew", "revoke")

urlpatterns = [
    path("", views.mine, name="access-mine"),
    path("apply/<path:identifier>", views.apply, name="access-apply"),
    path("applications/<int:pk>/", views.application_detail, name="access-application-detail"),
    *(path(f"applications/<int:pk>/{step}/", getattr(views, f"application_{step}"), name=f"access-application-{step}")
      for step in APPLICATION_STEPS),
    *(path(f"grants/<int:pk>/{step}/", getattr(views, f"grant_{step}"), name=f"access-grant-{step}")
      for step in GRANT_STEPS),
    path("review/", views.review, name="access-review"),
    path("audit/", views.audit_log, name="access-audit"),
    path("audit/export/", views.audit_export, name="access-audit-export"),
]
