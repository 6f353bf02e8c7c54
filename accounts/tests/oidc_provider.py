"""A local stand-in for ProConnect: an OpenID Connect provider on 127.0.0.1 for the tests.

It serves the token, userinfo (as a signed JWT, as ProConnect does) and JWKS endpoints.
The test decides what the provider answers for each authorisation code.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class StandInProvider:
    def __init__(self, client_id: str):
        self.client_id = client_id
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "stand-in-1"
        self.grants = {}  # code → (id_token claims, userinfo claims)
        self.access_tokens = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict:
        return {
            "PROCONNECT_ENABLED": True,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": "secret-de-test",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base_url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base_url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base_url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base_url}/jwks",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{self.base_url}/session/end",
        }

    def grant(self, *, nonce: str, userinfo: dict, signing_key=None) -> str:
        """Register what the provider answers for a new authorisation code."""
        code = secrets.token_urlsafe(16)
        self.grants[code] = (nonce, userinfo, signing_key or self.key)
        return code

    def sign(self, claims: dict, key) -> str:
        now = int(time.time())
        payload = {"iss": self.base_url, "aud": self.client_id, "iat": now, "exp": now + 60, **claims}
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body, content_type="application/json"):
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                    jwk.update({"kid": provider.kid, "alg": "RS256", "use": "sig"})
                    return self.reply(200, {"keys": [jwk]})
                if self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.access_tokens:
                        return self.reply(401, {"error": "invalid_token"})
                    userinfo, key = provider.access_tokens[token]
                    return self.reply(200, provider.sign(userinfo, key), "application/jwt")
                return self.reply(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path != "/token" or form.get("code") not in provider.grants:
                    return self.reply(400, {"error": "invalid_grant"})
                nonce, userinfo, key = provider.grants.pop(form["code"])
                access_token = secrets.token_urlsafe(16)
                provider.access_tokens[access_token] = (userinfo, key)
                id_token = provider.sign({"sub": userinfo.get("sub", "sub-1"), "nonce": nonce}, key)
                return self.reply(200, {"access_token": access_token, "id_token": id_token, "token_type": "Bearer"})

        return Handler
