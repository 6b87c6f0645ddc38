"""How the API key scheme appears in the OpenAPI schema (loaded by ApiKeysConfig.ready)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apikeys.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Send "Api-Key <prefix>.<secret>". Never put a key in the URL: that is refused (400).',
        }


class UnclaimedAuthorizationScheme(OpenApiAuthenticationExtension):
    """Not a way to authenticate (it only refuses unknown Authorization headers): no scheme of its own."""

    target_class = "apikeys.authentication.UnclaimedAuthorization"
    name = []

    def get_security_requirement(self, auto_schema):
        return None

    def get_security_definition(self, auto_schema):
        return []
