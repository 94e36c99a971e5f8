"""A local OpenID Connect provider for sign-in tests (authorization-code flow).

It speaks what Streamlit's ``st.login`` (Authlib) uses: discovery
(``/.well-known/openid-configuration``), ``/authorize`` (signs the configured user in at
once, like a developer IdP, and redirects back with a code), ``/token`` (checks the client
secret and the code, returns an RS256-signed ID token carrying the request's nonce) and
``/jwks``. Set ``.email`` before a sign-in to choose who signs in.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.httpserver import BackgroundHTTPServer


class FakeOIDCProvider(BackgroundHTTPServer):
    def __init__(self, client_id: str = "ctabs-test", client_secret: str = "s3cret",
                 email: str = "alice@example.com"):
        self.client_id, self.client_secret, self.email = client_id, client_secret, email
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)
        self.codes: dict[str, dict] = {}
        self.token_requests = 0
        super().__init__(self._handler())
        self.issuer = self.base_url

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"],
        }

    def _authorize(self, query: dict) -> tuple[int, dict, bytes]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, b"bad authorization request"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": query.get("nonce"), "email": self.email,
                            "redirect_uri": query["redirect_uri"]}
        back = query["redirect_uri"] + "?" + urlencode({"code": code,
                                                        "state": query.get("state", "")})
        return 302, {"Location": back}, b""

    def _token(self, headers, form: dict) -> tuple[int, dict, bytes]:
        self.token_requests += 1
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if (client_id, secret) != (self.client_id, self.client_secret):
            return 401, {"Content-Type": "application/json"}, b'{"error": "invalid_client"}'
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"Content-Type": "application/json"}, b'{"error": "invalid_grant"}'
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "sub": grant["email"],
                  "email": grant["email"], "email_verified": True,
                  "name": grant["email"].split("@")[0].title(), "iat": now, "exp": now + 600}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        body = {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                "expires_in": 600, "id_token": id_token, "scope": "openid email profile"}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, headers: dict, body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 - http.server's naming
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, {"Content-Type": "application/json"},
                               json.dumps(provider.metadata()).encode())
                elif url.path == "/jwks":
                    keys = {"keys": [provider.key.as_dict(private=False)]}
                    self._send(200, {"Content-Type": "application/json"},
                               json.dumps(keys).encode())
                elif url.path == "/authorize":
                    self._send(*provider._authorize(query))
                else:
                    self._send(404, {}, b"not found")

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/token":
                    self._send(*provider._token(self.headers, form))
                else:
                    self._send(404, {}, b"not found")

        return Handler
