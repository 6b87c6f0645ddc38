"""E-mails about contributions, sent once the step's transaction commits.

Reviewers hear of contributions waiting for them; the contributor (and the
enterprise's contact address) hears of validation results and decisions.
"""


from core.mail import absolute_link, send_after_commit
from organizations.models import Membership


def _send(event, recipients, contribution, **extra):
    context = {"event": event, "contribution": contribution,
               "link": absolute_link("contribution-detail", contribution.pk), **extra}
    send_after_commit("contributions/email/subject.txt", "contributions/email/body.txt", recipients, context)


def _reviewers(contribution):
    return Membership.objects.filter(organization_id=contribution.target_organization_id,
                                     role=Membership.Role.REVIEWER).values_list("user__email", flat=True)


def _contributor(contribution):
    profile = getattr(contribution.enterprise, "enterprise_profile", None)
    return [contribution.submitted_by.email if contribution.submitted_by else "",
            profile.contact_email if profile else ""]


def submitted(contribution):
    _send("submitted", _reviewers(contribution), contribution)


def needs_changes(contribution):
    _send("needs_changes", _contributor(contribution), contribution)


def decided(contribution):
    _send(contribution.status, _contributor(contribution), contribution)


def commented(contribution, comment):
    others = [*_contributor(contribution), *_reviewers(contribution)]
    author = comment.author.email if comment.author else ""
    _send("comment", [address for address in others if address != author], contribution, comment=comment)
