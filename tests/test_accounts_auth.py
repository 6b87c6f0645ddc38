"""Accounts over HTTP (django-allauth): sign-up with email verification, login by username or email,
logout, password change and reset, the profile page, failed-login limits in the real Redis, languages."""
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from enterprise_support import link_in, path_of

pytestmark = pytest.mark.django_db

SIGNUP = {"username": "newcomer", "email": "newcomer@example.com",
          "password1": "Str0ng-passw0rd!", "password2": "Str0ng-passw0rd!"}


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def signed_in(client):
    return "_auth_user_id" in client.session


def test_signup_requires_email_verification_before_login(client):
    content = page(client.get("/accounts/signup/"))
    assert "注册新账号" in content and 'class="site-header"' in content

    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert not signed_in(client)
    assert "请验证您的邮箱" in page(client.get("/accounts/confirm-email/"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newcomer@example.com"]

    # Unverified: the right password still does not sign in; another verification mail goes out.
    response = client.post("/accounts/login/", {"login": "newcomer", "password": SIGNUP["password1"]})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert not signed_in(client)

    confirm = path_of(link_in(mail.outbox[0]))
    assert "确认邮箱地址" in page(client.get(confirm))
    response = client.post(confirm)
    assert response.status_code == 302

    # Verified: login by username, then by email.
    response = client.post("/accounts/login/", {"login": "newcomer", "password": SIGNUP["password1"]})
    assert response.status_code == 302 and response["Location"] == "/" and signed_in(client)
    client.post("/accounts/logout/")
    assert not signed_in(client)
    response = client.post("/accounts/login/?next=/accounts/profile/",
                           {"login": "NEWCOMER@example.com", "password": SIGNUP["password1"], "next": "/accounts/profile/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    content = page(client.get("/accounts/profile/"))
    assert "newcomer@example.com" in content and "已验证" in content


def test_signup_errors_are_shown_on_the_form_and_create_nothing(client, citizen):
    for data, field in (({**SIGNUP, "password2": "different-Passw0rd"}, "password2"),
                        ({**SIGNUP, "email": "not-an-email"}, "email"),
                        ({**SIGNUP, "username": "citizen"}, "username"),
                        ({**SIGNUP, "password1": "123", "password2": "123"}, "password1")):
        content = page(client.post("/accounts/signup/", data))
        assert f'id="id_{field}_errors"' in content, field
    assert mail.outbox == []
    # A taken email is not revealed to the visitor; its owner is told by email instead.
    response = client.post("/accounts/signup/", {**SIGNUP, "email": citizen.email})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert [message.to for message in mail.outbox] == [[citizen.email]]
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_login_pages_and_wrong_password(client, publisher):
    content = page(client.get("/accounts/login/"))
    assert 'name="login"' in content and "忘记密码" in content and 'href="/accounts/signup/"' in content
    content = page(client.post("/accounts/login/", {"login": "publisher", "password": "wrong"}))
    assert "用户名或密码不正确" in content and not signed_in(client)
    english = page(client.get("/en/accounts/login/"))
    assert "Log in" in english and "Username or email" in english and "Forgot your password?" in english


def test_logout_page_asks_then_logs_out_on_post(client, citizen):
    client.force_login(citizen)
    assert "确定要退出登录吗" in page(client.get("/accounts/logout/"))
    assert signed_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and not signed_in(client)


def test_password_change(client, citizen):
    client.force_login(citizen)
    assert 'name="oldpassword"' in page(client.get("/accounts/password/change/"))
    content = page(client.post("/accounts/password/change/",
                               {"oldpassword": "wrong", "password1": "N3w-passw0rd!", "password2": "N3w-passw0rd!"}))
    assert 'id="id_oldpassword_errors"' in content
    response = client.post("/accounts/password/change/",
                           {"oldpassword": "pw-citizen", "password1": "N3w-passw0rd!", "password2": "N3w-passw0rd!"})
    assert response.status_code == 302
    other = Client()
    assert other.post("/accounts/login/", {"login": "citizen", "password": "N3w-passw0rd!"}).status_code == 302
    assert "_auth_user_id" in other.session


def test_password_reset_by_email_link(client, citizen):
    assert "重置密码" in page(client.get("/accounts/password/reset/"))
    response = client.post("/accounts/password/reset/", {"email": citizen.email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert "如果该邮箱对应一个账号" in page(client.get(response["Location"]))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [citizen.email]

    key_url = client.get(path_of(link_in(mail.outbox[0])))
    assert key_url.status_code == 302  # allauth moves the key out of the URL into the session
    form_url = key_url["Location"]
    assert "设置新密码" in page(client.get(form_url))
    response = client.post(form_url, {"password1": "Res3t-passw0rd!", "password2": "Res3t-passw0rd!"})
    assert response.status_code == 302
    assert "密码已重置" in page(client.get(response["Location"]))
    assert Client().post("/accounts/login/", {"login": "citizen", "password": "Res3t-passw0rd!"}).status_code == 302
    assert "链接无效" in page(client.get(form_url))


def test_profile_page_edits_the_display_name(client, citizen, publisher, transport_bureau):
    assert client.get("/accounts/profile/")["Location"].startswith("/accounts/login/")
    client.force_login(publisher)
    content = page(client.get("/accounts/profile/"))
    assert "市交通委员会" in content and "发布者" in content
    response = client.post("/accounts/profile/", {"display_name": "张发布"})
    assert response.status_code == 302
    publisher.refresh_from_db()
    assert publisher.display_name == "张发布"


def _fail(client, login, password="wrong", ip="10.0.0.1"):
    return client.post("/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_failed_logins_lock_the_account_even_for_the_right_password(client, citizen, make_user, settings):
    limit = settings.LOGIN_FAILURES_PER_ACCOUNT
    for attempt in range(limit):
        assert "用户名或密码不正确" in page(_fail(client, "citizen", ip=f"10.0.1.{attempt}"))
    refused = page(_fail(client, "citizen", password="pw-citizen", ip="10.0.2.1"))
    assert "登录失败次数过多" in refused and not signed_in(client)
    # Other accounts, from that same address, are unaffected.
    make_user("neighbour")
    response = client.post("/accounts/login/", {"login": "neighbour", "password": "pw-neighbour"}, REMOTE_ADDR="10.0.2.1")
    assert response.status_code == 302 and signed_in(client)


def test_failed_logins_from_one_ip_are_limited_across_accounts(client, make_user, settings):
    # Enough accounts that no single one reaches its own limit.
    users = [make_user(f"person{number}") for number in range(5)]
    per_ip = settings.LOGIN_FAILURES_PER_IP
    for attempt in range(per_ip):
        _fail(client, users[attempt % len(users)].username, ip="10.9.9.9")
    refused = page(_fail(client, "person0", password="pw-person0", ip="10.9.9.9"))
    assert "登录失败次数过多" in refused and not signed_in(client)
    # Another address still signs the same person in.
    response = client.post("/accounts/login/", {"login": "person0", "password": "pw-person0"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302 and signed_in(client)


def test_a_successful_login_does_not_count_as_a_failure(client, citizen, settings):
    for _attempt in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 2):
        response = client.post("/accounts/login/", {"login": "citizen", "password": "pw-citizen"}, REMOTE_ADDR="10.3.3.3")
        assert response.status_code == 302
        client.post("/accounts/logout/")


def test_allauth_pages_without_a_portal_override_still_use_the_portal_layout(client, citizen):
    client.force_login(citizen)
    content = page(client.get("/accounts/email/"))
    assert 'class="site-header"' in content and citizen.email in content
