"""E-mails at each step of an access application, sent once the step's transaction commits.

Reviewers hear of new applications; the applicant (and the enterprise's
contact address) hears of decisions, revocations and coming expiries.
"""


from core.mail import absolute_link, send_after_commit
from organizations.models import Membership


def _send(template, recipients, context):
    send_after_commit(f"access/email/{template}_subject.txt", f"access/email/{template}_body.txt", recipients, context)


def _reviewers(dataset):
    return Membership.objects.filter(
        organization_id=dataset.organization_id, role=Membership.Role.REVIEWER
    ).values_list("user__email", flat=True)


def _enterprise_side(application):
    profile = getattr(application.enterprise, "enterprise_profile", None)
    return [application.applicant.email if application.applicant else "",
            profile.contact_email if profile else ""]


def application_submitted(application):
    _send("submitted", _reviewers(application.dataset), {
        "application": application, "link": absolute_link("access-application-detail", application.pk),
    })


def application_approved(grant):
    _send("approved", _enterprise_side(grant.application), {
        "application": grant.application, "grant": grant, "link": absolute_link("access-mine"),
    })


def application_rejected(application):
    _send("rejected", _enterprise_side(application), {
        "application": application, "link": absolute_link("access-application-detail", application.pk),
    })


def grant_revoked(grant):
    _send("revoked", _enterprise_side(grant.application), {
        "application": grant.application, "grant": grant, "link": absolute_link("access-mine"),
    })


def grant_expiring(grant):
    _send("expiring", _enterprise_side(grant.application), {
        "application": grant.application, "grant": grant,
        "link": absolute_link("access-grant-renew", grant.pk),
    })
