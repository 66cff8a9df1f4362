"""A small OpenID Connect provider for tests, on Authlib's authorization server (Flask).

It speaks the real protocol to the gateway: discovery, JWKS, the authorization endpoint with a
login form, the token endpoint (client_secret_basic/post, PKCE S256 required, nonce), RS256-signed
ID tokens. Citizens are a fixed list of test accounts; the login form takes a username.

    provider = OidcProvider(users={"an": "Nguyễn Văn An"}); provider.start(); ...; provider.stop()
    python -m tests.oidc_provider  # serves on 127.0.0.1:9400 for trying the login by hand
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from html import escape

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on 127.0.0.1


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self): return self.client_id
    def get_default_redirect_uri(self): return self.redirect_uris[0]
    def get_allowed_scope(self, scope): return " ".join(s for s in scope.split() if s in ("openid", "profile"))
    def check_redirect_uri(self, redirect_uri): return redirect_uri in self.redirect_uris
    def check_client_secret(self, client_secret): return secrets.compare_digest(client_secret, self.client_secret)
    def check_endpoint_auth_method(self, method, endpoint): return method in ("client_secret_basic", "client_secret_post")
    def check_response_type(self, response_type): return response_type == "code"
    def check_grant_type(self, grant_type): return grant_type == "authorization_code"


@dataclass
class User:
    username: str
    name: str

    def get_user_id(self): return self.username


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self): return self.redirect_uri
    def get_scope(self): return self.scope
    def get_nonce(self): return self.nonce
    def get_auth_time(self): return self.auth_time
    def get_acr(self): return None
    def get_amr(self): return None


class OidcProvider:
    def __init__(self, users: dict[str, str], client_id: str = "tro-ly-dvc", client_secret: str = "bi-mat",
                 redirect_uris: list[str] | None = None, port: int = 0) -> None:
        self.users = {u: User(u, n) for u, n in users.items()}
        self.client = Client(client_id, client_secret, redirect_uris or [])
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.signing_key = self.key  # tests may sign with a key the JWKS does not publish
        self.codes: dict[str, Code] = {}
        self.app = self._build()
        self._server = make_server("127.0.0.1", port, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread: threading.Thread | None = None

    def start(self) -> OidcProvider:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def _build(self) -> Flask:
        provider = self
        app = Flask("oidc-provider")

        class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, req):
                provider.codes[code] = Code(code, req.client.client_id, req.payload.redirect_uri, req.payload.scope,
                                            req.user, req.payload.data.get("nonce"),
                                            req.payload.data.get("code_challenge"),
                                            req.payload.data.get("code_challenge_method"))

            def query_authorization_code(self, code, client):
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce, req):
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client):
                return provider.signing_key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.client_id], "exp": int(time.time()) + 600}

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": provider.signing_key.kid}

            def generate_user_info(self, user, scope):
                return UserInfo(sub=user.username, name=user.name)

        server = AuthorizationServer(
            app, query_client=lambda cid: provider.client if cid == provider.client.client_id else None,
            save_token=lambda token, req: None)
        server.register_grant(AuthorizationCodeGrant, [IdToken(require_nonce=True), CodeChallenge(required=True)])

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": provider.issuer,
                "authorization_endpoint": f"{provider.issuer}/authorize",
                "token_endpoint": f"{provider.issuer}/token",
                "jwks_uri": f"{provider.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
            })

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [provider.key.as_dict(private=False)]})

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            if request.method == "GET":
                server.get_consent_grant(end_user=None)  # rejects a bad request before the form
                fields = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                                 for k, v in request.args.items())
                return (f'<!doctype html><html lang="vi"><title>Đăng nhập định danh</title><form method="post" action="/authorize">'
                        f'{fields}<label>Tài khoản <input name="username" autocomplete="off"></label>'
                        f'<button type="submit">Đăng nhập</button></form></html>')
            user = provider.users.get(request.form.get("username", ""))
            if user is None:
                return "Sai tài khoản", 401
            return server.create_authorization_response(grant_user=user, grant=server.get_consent_grant(end_user=user))

        @app.post("/token")
        def token():
            return server.create_token_response()

        return app


if __name__ == "__main__":
    demo = OidcProvider({"an": "Nguyễn Văn An"}, redirect_uris=["http://127.0.0.1:8000/auth/callback"], port=9400)
    print(f"OpenID Connect provider at {demo.issuer} (client tro-ly-dvc / bi-mat, user 'an')")
    demo._server.serve_forever()
