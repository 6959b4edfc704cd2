"""Service-account keys for the tests, and the OAuth 2 JWT-bearer exchange of Google's token endpoint.

The assertion's RS256 signature is verified with the public key of the test key,
and its ``iss``, ``aud``, ``scope`` and ``exp`` are checked, as Google does.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SCOPE = "https://www.googleapis.com/auth/spreadsheets"
ACCOUNT = "secor-sync@secor-test.iam.gserviceaccount.com"


def new_private_key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def write_key_file(path: Path, private_key: Any, client_email: str, token_uri: str) -> Path:
    """A service-account JSON key file for ``private_key`` whose token_uri is ``token_uri``, readable by its owner
    only (the pipeline warns about key files others can read)."""
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    info = {
        "type": "service_account", "project_id": "secor-test", "private_key_id": "0123456789abcdef",
        "private_key": pem, "client_email": client_email, "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{client_email}",
        "universe_domain": "googleapis.com",
    }
    path.write_text(json.dumps(info), encoding="utf-8")
    path.chmod(0o600)
    return path


class TokenError(Exception):
    """A refused token request, answered as OAuth 2 does: ``{"error", "error_description"}``."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.body = {"error": error, "error_description": description}


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def exchange(form: Mapping[str, list[str]], public_keys: Mapping[str, Any], token_uri: str) -> str:
    """The access token for a JWT-bearer token request, or TokenError; ``public_keys`` maps client_email -> key."""
    if form.get("grant_type", [""])[0] != "urn:ietf:params:oauth:grant-type:jwt-bearer":
        raise TokenError("unsupported_grant_type", "Invalid grant_type.")
    assertion = form.get("assertion", [""])[0]
    try:
        head_b64, body_b64, sig_b64 = assertion.split(".")
        header = json.loads(_b64(head_b64))
        claims = json.loads(_b64(body_b64))
        signature = _b64(sig_b64)
    except Exception as exc:
        raise TokenError("invalid_grant", "Invalid JWT: malformed.") from exc
    if header.get("alg") != "RS256":
        raise TokenError("invalid_grant", "Invalid JWT: algorithm.")
    public = public_keys.get(claims.get("iss", ""))
    if public is None:
        raise TokenError("invalid_grant", "Invalid JWT Signature.")
    try:
        public.verify(signature, f"{head_b64}.{body_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception as exc:
        raise TokenError("invalid_grant", "Invalid JWT Signature.") from exc
    now = time.time()
    # google-auth sends Google's token endpoint as audience, whatever the key's token_uri
    if claims.get("aud") not in (token_uri, "https://oauth2.googleapis.com/token"):
        raise TokenError("invalid_grant", "Invalid JWT: audience.")
    if not (claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0)):
        raise TokenError("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable "
                                          "timeframe.")
    if SCOPE not in str(claims.get("scope", "")).split():
        raise TokenError("invalid_scope", "Invalid OAuth scope.")
    return "ya29.emulator-" + base64.urlsafe_b64encode(signature[:12]).decode().rstrip("=")
