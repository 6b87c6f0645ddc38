"""API key tokens: "<prefix>.<secret>", of which only the prefix and a salted hash are stored.

The secret is 32 random bytes (256 bits) from `secrets.token_urlsafe`. A slow
password KDF (scrypt, PBKDF2) exists to make guessing a *low-entropy* password
expensive; a 256-bit random secret cannot be guessed at any speed, so one
HMAC-SHA256 with a per-key random salt is enough and keeps authentication cheap
(microseconds, not the ~50 ms a KDF would add to every API call). The salt
makes equal secrets hash differently; the digest is compared in constant time.

The prefix is public: it names the key in lists, usage and the database lookup
(one indexed query), so the secret itself is never used as a lookup value.
"""
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX_MARK = "cdp_"
PREFIX_HEX_CHARS = 12
SECRET_BYTES = 32
# token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
TOKEN_PATTERN = re.compile(r"^(?P<prefix>cdp_[0-9a-f]{12})\.(?P<secret>[A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class NewSecret:
    token: str  # shown to the holder once
    prefix: str
    salt: str
    secret_hash: str


def hash_secret(salt, secret):
    return hmac.new(salt.encode(), secret.encode(), hashlib.sha256).hexdigest()


def generate():
    prefix = PREFIX_MARK + secrets.token_hex(PREFIX_HEX_CHARS // 2)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    salt = secrets.token_hex(16)
    return NewSecret(token=f"{prefix}.{secret}", prefix=prefix, salt=salt, secret_hash=hash_secret(salt, secret))


def split(token):
    """(prefix, secret) of a well-formed token, or None."""
    match = TOKEN_PATTERN.match(token or "")
    return (match["prefix"], match["secret"]) if match else None


def matches(key, secret):
    return hmac.compare_digest(hash_secret(key.salt, secret), key.secret_hash)
