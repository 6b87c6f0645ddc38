"""Security headers and session settings: the Content-Security-Policy on pages, its scoped
exception for the third-party API docs page, and production's cookie/HSTS/CSP settings."""
import json
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def policy(response):
    return dict(part.strip().split(" ", 1) if " " in part.strip() else (part.strip(), "")
                for part in response["Content-Security-Policy"].split(";"))


def test_pages_carry_a_strict_content_security_policy(client, citizen):
    for path in ("/", "/datasets/", "/accounts/login/", "/accounts/signup/", "/en/accounts/password/reset/"):
        directives = policy(client.get(path))
        assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    client.force_login(citizen)
    assert policy(client.get("/enterprises/register/"))["script-src"] == "'self'"
    assert policy(client.get("/api/v1/enterprises/"))["default-src"] == "'self'"


def test_the_api_docs_page_gets_only_what_swagger_ui_needs(client):
    response = client.get("/api/docs/")
    directives = policy(response)
    assert directives["script-src"] == "'self'"  # no CDN, no inline scripts
    assert "'unsafe-inline'" in directives["style-src"]
    assert "/static/drf_spectacular_sidecar/" in response.content.decode()
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_no_template_uses_inline_scripts_styles_or_handlers():
    pattern = r"<script>|<script [^>]*>[^<]|style=|\son[a-z]+="
    templates = settings.BASE_DIR / "templates"
    result = subprocess.run(["grep", "-rEn", pattern, str(templates)], capture_output=True, text=True)
    assert result.stdout == ""


def test_production_sends_the_policy_and_secures_cookies():
    code = ("import json, django; django.setup(); from django.conf import settings as s;"
            "print(json.dumps([s.CONTENT_SECURITY_POLICY, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
            " s.SECURE_HSTS_SECONDS, s.MIDDLEWARE, s.ALLAUTH_TRUSTED_PROXY_COUNT]))")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings.production",
           "SECRET_KEY": secrets.token_urlsafe(64)}
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    csp, session_secure, csrf_secure, hsts, middleware, proxies = json.loads(result.stdout)
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"] and "upgrade-insecure-requests" in csp
    assert session_secure and csrf_secure and hsts >= 31536000 and proxies == 1
    assert "core.security.ContentSecurityPolicyMiddleware" in middleware
