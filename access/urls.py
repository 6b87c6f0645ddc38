"""Access pages, mounted at /access/ under i18n_patterns."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.mine, name="access-mine"),
    path("apply/<path:identifier>", views.apply, name="access-apply"),
    path("applications/<int:pk>/", views.application_detail, name="access-application-detail"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="access-application-withdraw"),
    path("applications/<int:pk>/approve/", views.application_approve, name="access-application-approve"),
    path("applications/<int:pk>/reject/", views.application_reject, name="access-application-reject"),
    path("grants/<int:pk>/report/", views.grant_report, name="access-grant-report"),
    path("grants/<int:pk>/renew/", views.grant_renew, name="access-grant-renew"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="access-grant-revoke"),
    path("review/", views.review, name="access-review"),
    path("audit/", views.audit_log, name="access-audit"),
    path("audit/export/", views.audit_export, name="access-audit-export"),
]
