"""The demo's sign-in accounts: one per role, each with a verified primary e-mail address.

An account that already exists under one of these names is kept: never duplicated, its password
and e-mail addresses never changed (one without any address gets the demo's, so it can sign in).
"""
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

EMAIL_DOMAIN = "demo.example.org"
PUBLISHER_PASSWORD = "publisher-demo-2026"


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    try_this: str


ADMIN = Login("admin", "admin-demo-2026", "platform admin (superuser, staff)",
              "/admin/, /enterprises/review/ (verify enterprises), /search/insights/, /access/audit/")
TRANSPORT_PUBLISHER = Login("transport-publisher", PUBLISHER_PASSWORD, "publisher of sz-transport",
                            "/datasets/-/mine/ (edit, add a file, publish), /datasets/demo-expressways-radial/")
REVIEWER = Login("reviewer", "reviewer-demo-2026", "reviewer of sz-health, sz-planning and sz-transport",
                 "/access/review/ (access applications), /contributions/review/ (the contribution in review)")
CITIZEN = Login("citizen", "citizen-demo-2026", "a registered citizen",
                "/search/?q=空气质量, /datasets/demo-gb3095-limits/ (preview, chart, download)")
ENTERPRISE_ADMIN = Login("enterprise-admin", "enterprise-demo-2026", "admin of the verified enterprise demo-metro-operator",
                         "/keys/ (its API key), /access/ (the approved application), /contributions/ (in review, merged)")
LOGINS = (ADMIN, TRANSPORT_PUBLISHER, REVIEWER, CITIZEN, ENTERPRISE_ADMIN)


def email_of(username):
    return f"{username}@{EMAIL_DOMAIN}"


@transaction.atomic
def ensure_account(username, password, **flags):
    """(user, created): a new account gets the password and a verified primary e-mail; an old one is kept.

    A kept account with no e-mail address at all (made by an earlier demo) gets the demo's address,
    without which it could not sign in; its password and anything else stay as they were.
    """
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        if not existing.email and not EmailAddress.objects.filter(user=existing).exists():
            _give_demo_address(existing)
        return existing, False
    user = get_user_model().objects.create_user(username=username, password=password, **flags)
    _give_demo_address(user)
    return user, True


def _give_demo_address(user):
    address = email_of(user.username)
    if EmailAddress.objects.filter(email__iexact=address).exists():
        return  # someone else holds it already: addresses are unique
    user.email = address
    user.save(update_fields=["email"])
    EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)


def describe(login, user):
    """The line load_demo prints for one login: its password only while it is still the demo's."""
    password = login.password if user.check_password(login.password) else "(password set before the demo; unchanged)"
    return f"  {login.username} / {password}  — {login.role}\n      try: {login.try_this}"
